package marketplace

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// exhaustedError marks a call whose retries ran out or whose error was final.
type exhaustedError struct {
	attempts int
	err      error
}

func (e *exhaustedError) Error() string { return e.err.Error() }
func (e *exhaustedError) Unwrap() error { return e.err }

// maxRateLimitWaits bounds how many 429s one request waits out, as a backstop: the
// resource's timeouts are the real bound.
const maxRateLimitWaits = 1000

// retryBudget is one request's retries left (of max_retries) and attempts made so far,
// carried in its context, and whether any attempt may have been carried out.
type retryBudget struct {
	left, attempts  int
	maybeCarriedOut bool // an attempt reached the API and was not refused with 429
}

// record notes whether an attempt may have been carried out: it was sent, and not answered
// 429 (which the API does not process).
func (b *retryBudget) record(resp *http.Response, err error) {
	var rateLimit *RateLimitWaitError
	if (resp != nil && resp.StatusCode == http.StatusTooManyRequests) || errors.As(err, &rateLimit) {
		return
	}
	b.maybeCarriedOut = true
}

type retryBudgetKey struct{}

// checkRetry retries what the API may answer differently a moment later: 429 (rate
// limit; not counted against max_retries), 502/503/504 (gateway or overload), and
// requests that got no answer. 500 and other 4xx are final: repeating them would only
// repeat the failure.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, checkErr := checkRetryKind(ctx, resp, err)
	budget, _ := ctx.Value(retryBudgetKey{}).(*retryBudget)
	if budget != nil {
		budget.record(resp, err)
	}
	if !retry || budget == nil {
		return retry, checkErr
	}
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		if budget.left == 0 {
			return false, checkErr
		}
		budget.left--
	}
	budget.attempts++
	return true, checkErr
}

func checkRetryKind(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		var rateLimit *RateLimitWaitError
		if errors.As(err, &rateLimit) {
			return false, rateLimit // says that it was the rate limit that used the time up
		}
		return false, ctx.Err()
	}
	var tooLarge *tooLargeError
	var notAPI *NotAPIAnswerError
	if errors.As(err, &tooLarge) || errors.As(err, &notAPI) {
		return false, err // the same answer would come back
	}
	if err != nil {
		retry, policyErr := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		if retry {
			tflog.SubsystemWarn(ctx, logSubsystem, "retrying after a failed request", map[string]any{"reason": scrubURLError(err).Error()})
		}
		return retry, policyErr
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		tflog.SubsystemWarn(ctx, logSubsystem, "retrying after a retryable answer", map[string]any{
			"reason": resp.Status, "method": resp.Request.Method, "path": resp.Request.URL.Path,
		})
		return true, nil
	}
	return false, nil
}

// backoff waits what Retry-After asks (seconds or an HTTP date), capped at max, and
// otherwise backs off exponentially from min with full jitter, so that many resources
// retrying at once do not hit the API in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		// The pacer holds every request of the process until Retry-After and spaces them
		// after: only a little jitter here.
		return rand.N(minWait/10 + 1) //nolint:gosec // jitter needs no cryptographic randomness
	}
	if resp != nil {
		if wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			// At least what the server asked, plus a little jitter so that the clients it
			// turned away do not all come back in the same instant.
			return min(wait+rand.N(minWait+1), maxWait) //nolint:gosec // jitter needs no cryptographic randomness
		}
	}
	ceiling := minWait << min(attempt, 30)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	return minWait/2 + rand.N(ceiling-minWait/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// retryAfter parses a Retry-After header in either of its forms.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(value, 10, 32); err == nil {
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}
