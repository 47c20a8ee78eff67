package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
)

// addAPIError turns a client error into a diagnostic that says what was being done, the
// request, the status and the API's message, and what to check.
func addAPIError(diags *diag.Diagnostics, action string, err error) {
	if errors.Is(err, marketplace.ErrCredentialsRequired) {
		diags.AddError("Marketplace credentials required",
			fmt.Sprintf("Error %s: this call needs an authenticated account. Set email and api_token in the "+
				"provider block, or the %s and %s environment variables.", action, EnvEmail, EnvAPIToken))
		return
	}
	if errors.Is(err, context.Canceled) {
		// Terraform cancels the operations' context on an interrupt (Ctrl-C): nobody ran out
		// of time, and no setting would have helped.
		// What the request had done is said in words; the client's own error only when that
		// is not known (it would say the same again, down to Go's "context canceled").
		said := interruptedRequest(err)
		if said == "" {
			said = err.Error()
		}
		diags.AddError("Interrupted before the Marketplace answered",
			fmt.Sprintf("Error %s: interrupted before the Marketplace answered; re-run the apply. %s", action, said))
		return
	}
	detail := fmt.Sprintf("Error %s: %s", action, err)
	var rateLimit *marketplace.RateLimitWaitError
	var attemptTimeout *marketplace.AttemptTimeoutError
	switch {
	case errors.As(err, &rateLimit):
		detail += "\n\nThe Marketplace API's rate limit (its 429 answers and Retry-After) held this request until the " +
			"resource's timeouts ran out; nothing was sent for it. Raise the resource's timeouts, or run with a lower " +
			"-parallelism, and apply again. Waiting for the rate limit does not count against request_timeout or max_retries."
	case errors.As(err, &attemptTimeout):
		detail += "\n\nThe API did not answer in time, retries included. Raise the provider's request_timeout for a " +
			"slow API, or try again when it is less busy."
	case errors.Is(err, context.DeadlineExceeded):
		detail += "\n\nThe operation ran out of time, retries included. Raise the resource's timeouts " +
			"(or the provider's request_timeout for one slow request), or try again when the API is less busy."
	}
	var notAPI *marketplace.NotAPIAnswerError
	if errors.As(err, &notAPI) {
		detail += fmt.Sprintf("\n\nThe server at base_url is not the Marketplace API: check base_url (or %s); it "+
			"must be the API's root, such as %s.", EnvBaseURL, marketplace.DefaultBaseURL)
	}
	var apiErr *marketplace.APIError
	if errors.As(err, &apiErr) && apiErr.Location != "" {
		detail += fmt.Sprintf("\n\nThe Marketplace API does not redirect: base_url (or %s) is probably not the API's "+
			"root (the request went to %s; it must be such as %s). Redirects to another host are never followed, so "+
			"that the credentials stay with the API.", EnvBaseURL, apiErr.URL, marketplace.DefaultBaseURL)
	}
	if errors.As(err, &apiErr) {
		detail += statusAdvice(apiErr, err)
	}
	diags.AddError("Marketplace API error", detail)
}

// interruptedRequest says what an interrupted request had done, as far as the client knows.
func interruptedRequest(err error) string {
	var reqErr *marketplace.RequestError
	if !errors.As(err, &reqErr) {
		return ""
	}
	request := reqErr.Method + " " + reqErr.Path
	switch {
	case reqErr.Unprocessed:
		return "The " + request + " was not carried out: it was waiting for the Marketplace API's rate limit."
	case reqErr.Method == "GET":
		return "It was a read (" + request + "): nothing was written by it."
	}
	return "The " + request + " had been sent: the Marketplace may or may not have carried it out. The next plan " +
		"reads what the Marketplace holds and shows what is left to do."
}

// statusAdvice is what to check for an answer's status.
func statusAdvice(apiErr *marketplace.APIError, err error) string {
	advice := ""
	switch apiErr.StatusCode {
	case 401:
		advice = fmt.Sprintf("\n\nThe Marketplace did not accept the credentials: check email and api_token "+
			"(or %s and %s), and that the API token has not been revoked.", EnvEmail, EnvAPIToken)
	case 403:
		advice = "\n\nThe account lacks permission on this app: it must be a member of the app's vendor " +
			"with permission to manage the app's listing. Forge and OAuth2 credentials cannot use this API."
	case 404:
		if apiErr.NotFromAPI {
			advice = fmt.Sprintf("\n\nThe answer does not come from the Marketplace API (it is not the API's JSON error): check base_url "+
				"(or %s). The request went to %s.", EnvBaseURL, apiErr.URL)
			break
		}
		if marketplace.IsProductNotFound(err) {
			advice = fmt.Sprintf("\n\nThe Marketplace says that the product does not exist (%s), or is not visible to this "+
				"account: check product_id, that the account belongs to the app's vendor, and base_url (the request "+
				"went to %s). If the resource is in state and the app no longer exists, forget it with a removed block "+
				"(or terraform state rm).",
				apiErr.Code, apiErr.URL)
			break
		}
		if apiErr.Method != "GET" {
			advice = fmt.Sprintf("\n\nThe product does not exist, or is not visible to this account: check product_id and "+
				"that the account belongs to the app's vendor, and base_url (the request went to %s).", apiErr.URL)
		}
	}
	return advice
}
