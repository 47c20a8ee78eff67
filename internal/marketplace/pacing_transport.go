package marketplace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"time"
)

// pacedTransport runs every attempt of the client through its pacer, and then gives the
// attempt its timeout: waiting for the rate limit is not part of a request's time (only
// the caller's context, the resource's timeouts, bounds it).
type pacedTransport struct {
	base    http.RoundTripper
	pacer   *pacer
	timeout time.Duration // one attempt, from when it is sent until its answer is read
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pacer.wait(req.Context()); err != nil {
		return nil, err
	}
	sent := t.pacer.now()
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.timeout, &AttemptTimeoutError{Timeout: t.timeout})
	// The next request is spaced from when this one leaves, when the machine holds it back.
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { t.pacer.wrote(t.pacer.now()) }})
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if cause := context.Cause(ctx); req.Context().Err() == nil && cause != nil {
			err = cause
		}
		cancel()
		return nil, err
	}
	t.pacer.observe(resp.StatusCode, resp.Header, sent)
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, ctx: ctx, parent: req.Context(), cancel: cancel}
	return resp, nil
}

// AttemptTimeoutError is one request that got no whole answer within request_timeout.
type AttemptTimeoutError struct{ Timeout time.Duration }

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within request_timeout (%s)", e.Timeout)
}

// cancelOnClose ends an attempt's context once its answer is read and closed; a read cut
// short by the attempt's timeout says so.
type cancelOnClose struct {
	io.ReadCloser
	ctx    context.Context //nolint:containedctx // the attempt's own, ended by Close
	parent context.Context //nolint:containedctx // the request's
	cancel context.CancelFunc
}

func (b *cancelOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.parent.Err() == nil {
		if cause := context.Cause(b.ctx); cause != nil {
			err = cause
		}
	}
	return n, err
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
