package marketplace

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
)

// ErrCredentialsRequired is returned, before any request is sent, by every call that the
// API only answers for an authenticated account (draft read, PUT, DELETE, publish).
var ErrCredentialsRequired = errors.New("this call needs Marketplace credentials, and none are configured")

// APIError is an answer from the API with a status that is not the call's success.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Code and Message come from the API's JSON error body ({"code": ..., "message": ...}).
	Code    string
	Message string
	// Body is the raw body, cut to maxErrorBodyBytes, kept when it is not the JSON above.
	Body string
	// Attempts counts the requests sent, retries included.
	Attempts int
	// URL is the whole URL asked, base_url included.
	URL string
	// Location is where a redirect (3xx) pointed; the client follows none off the API's host.
	Location string
	// NotFromAPI marks an answer whose body is not JSON: a web page, most likely, from a
	// server that is not the Marketplace API (a base_url with a wrong host or path).
	NotFromAPI bool
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s answered %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	switch {
	case e.Location != "":
		msg += ", redirecting to " + cutURL(e.Location)
	case e.Code != "" && e.Message != "":
		msg += fmt.Sprintf(": %s: %s", e.Code, e.Message)
	case e.Message != "":
		msg += ": " + e.Message
	case e.Code != "":
		msg += ": " + e.Code
	case e.Body != "":
		msg += ": " + e.Body
	}
	return msg
}

// RequestError is a request that got no HTTP answer (connection refused or dropped,
// timeout, malformed response).
type RequestError struct {
	Method   string
	Path     string
	Attempts int
	Err      error
	// Unprocessed: no attempt was carried out by the API, as far as the client knows (each
	// was answered 429, or was still waiting for the rate limit when it ended).
	Unprocessed bool
}

func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s %s failed after %d attempts: %v", e.Method, e.Path, e.Attempts, e.Err)
	}
	return fmt.Sprintf("%s %s failed: %v", e.Method, e.Path, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status of an APIError anywhere in err's chain, or 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the API answering 404 for a version (or a draft) that
// does not exist: not for a product that does not exist (IsProductNotFound), nor an answer
// that is not the API's (a base_url with a wrong path, NotFromAPI).
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !apiErr.NotFromAPI && !IsProductNotFound(err)
}

// productCode matches an error code about the product (app) itself, such as
// PRODUCT_NOT_FOUND or APP_NOT_FOUND, rather than one of its versions.
var productCode = regexp.MustCompile(`(?i)(^|_)(PRODUCT|APP|ADDON)(_|$)`)

// IsProductNotFound reports whether err is the API answering 404 because the product
// itself does not exist (or is not visible to the account): its error code names the
// product, e.g. PRODUCT_NOT_FOUND.
func IsProductNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !apiErr.NotFromAPI &&
		productCode.MatchString(apiErr.Code)
}

// IsConflict reports whether err is the API answering 409 (publish with no draft).
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// cutURL cuts a URL from a server to 200 characters for a message.
func cutURL(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
