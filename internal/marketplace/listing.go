package marketplace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

const (
	listingPath     = "/rest/3/product-listing/developer-space/"
	vendorSpacePath = "/rest/3/developer-space/vendor/"
)

// App is one app of a developer space's listing: the fields the provider uses (the API
// sends more, which are ignored).
type App struct {
	ProductID      string `json:"productId"`
	AppKey         string `json:"appKey"`
	AppName        string `json:"appName"`
	DeveloperID    string `json:"developerId"`
	State          string `json:"state"`
	ApprovalStatus string `json:"approvalStatus"`
	Slug           string `json:"slug"`
}

// AppsPage is one page of a developer space's listing; Next is the cursor of the next
// page, "" on the last one.
type AppsPage struct {
	Apps []App
	Next string
}

// ListApps reads one page of the apps of developer space developerID, from cursor ("" for
// the first page), at most limit of them (0: the API's default), private apps included when
// includePrivate is set. It needs credentials.
func (c *Client) ListApps(ctx context.Context, developerID, cursor string, limit int, includePrivate bool) (*AppsPage, error) {
	if !c.HasCredentials() {
		return nil, ErrCredentialsRequired
	}
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if includePrivate {
		q.Set("includePrivate", "true")
	}
	path := listingPath + url.PathEscape(developerID)
	body, err := c.do(ctx, http.MethodGet, path, q, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Items []App `json:"items"`
		Links struct {
			Next string `json:"next"`
		} `json:"links"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, &RequestError{Method: http.MethodGet, Path: path, Attempts: 1,
			Err: fmt.Errorf("the answer is not the expected listing: %w", err)}
	}
	page := &AppsPage{Apps: answer.Items}
	if answer.Links.Next != "" {
		next, err := url.Parse(answer.Links.Next)
		if err != nil || next.Query().Get("cursor") == "" {
			return nil, &RequestError{Method: http.MethodGet, Path: path, Attempts: 1,
				Err: fmt.Errorf("links.next %s has no cursor", cutForMessage(answer.Links.Next))}
		}
		page.Next = next.Query().Get("cursor")
	}
	return page, nil
}

// DeveloperSpaceOfVendor answers the developer space ID of vendor vendorID.
func (c *Client) DeveloperSpaceOfVendor(ctx context.Context, vendorID string) (string, error) {
	if !c.HasCredentials() {
		return "", ErrCredentialsRequired
	}
	path := vendorSpacePath + url.PathEscape(vendorID)
	body, err := c.do(ctx, http.MethodGet, path, nil, nil, http.StatusOK)
	if err != nil {
		return "", err
	}
	var answer struct {
		DeveloperID string `json:"developerId"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.DeveloperID == "" {
		return "", &RequestError{Method: http.MethodGet, Path: path, Attempts: 1,
			Err: fmt.Errorf("the answer names no developerId")}
	}
	return answer.DeveloperID, nil
}
