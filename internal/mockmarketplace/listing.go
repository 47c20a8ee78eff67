package mockmarketplace

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The product listing of a developer space, as Atlassian's Marketplace REST API v3 pages
// describe it: GET /rest/3/product-listing/developer-space/{developerId} lists its apps, a
// page at a time (limit, cursor from links.next), private apps only with includePrivate;
// GET /rest/3/developer-space/vendor/{vendorId} answers the developer space of a vendor.
// Both need credentials, as drafts do. Items carry fields the provider does not use.

const (
	productListingPrefix = "/rest/3/product-listing/"
	listingPrefix        = "/rest/3/product-listing/developer-space/"
	vendorSpacePrefix    = "/rest/3/developer-space/vendor/"

	// RouteListApps is a page of a developer space's apps; RouteVendorSpace a vendor's space.
	RouteListApps    Route = "GET apps"
	RouteVendorSpace Route = "GET vendor space"
	// RouteProductListing is one app's listing: 200 for a product the mock knows, else 404.
	RouteProductListing Route = "GET product listing"

	defaultPageSize = 10
	maxPageSize     = 50
)

// App is one app of a developer space's listing.
type App struct {
	ProductID string
	AppKey    string
	AppName   string
	Private   bool
}

type developerSpace struct {
	vendorID string
	apps     []App
}

// AddApp lists app in the developer space developerID (made when new), and registers its
// product (with no document) when it is not registered yet.
func (m *Mock) AddApp(developerID string, app App) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.space(developerID)
	s.apps = append(s.apps, app)
	if _, ok := m.products[app.ProductID]; !ok {
		m.products[app.ProductID] = &product{}
	}
}

// SetVendor makes developerID the developer space of vendorID.
func (m *Mock) SetVendor(vendorID, developerID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.space(developerID).vendorID = vendorID
}

func (m *Mock) space(developerID string) *developerSpace {
	if m.spaces == nil {
		m.spaces = map[string]*developerSpace{}
	}
	s, ok := m.spaces[developerID]
	if !ok {
		s = &developerSpace{}
		m.spaces[developerID] = s
	}
	return s
}

// classifyListing recognises the listing's two routes.
func classifyListing(r *http.Request) (Route, string, bool) {
	if r.Method != http.MethodGet {
		return RouteUnknown, "", false
	}
	if id, ok := strings.CutPrefix(r.URL.Path, listingPrefix); ok && id != "" && !strings.Contains(id, "/") {
		return RouteListApps, id, true
	}
	if id, ok := strings.CutPrefix(r.URL.Path, vendorSpacePrefix); ok && id != "" && !strings.Contains(id, "/") {
		return RouteVendorSpace, id, true
	}
	if id, ok := strings.CutPrefix(r.URL.Path, productListingPrefix); ok && id != "" && id != "developer-space" && !strings.Contains(id, "/") {
		return RouteProductListing, id, true
	}
	return RouteUnknown, "", false
}

// notFoundAnswer is the error code and message of a 404 for a product that does not
// exist: APIs word it in more than one way.
type notFoundAnswer struct{ code, message string }

// SetProductNotFound makes the mock answer requests about a product it does not know with
// a 404 of this code and message (%s: the product ID); the default is PRODUCT_NOT_FOUND,
// "product %s not found". NOT_FOUND with "product not found", or the very words of a
// missing version, are what another API may say.
func (m *Mock) SetProductNotFound(code, message string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notFound = notFoundAnswer{code: code, message: message}
}

func (a notFoundAnswer) write(w http.ResponseWriter, id string) {
	code, message := a.code, a.message
	if code == "" {
		code, message = "PRODUCT_NOT_FOUND", "product %s not found"
	}
	if strings.Contains(message, "%s") {
		message = fmt.Sprintf(message, id)
	}
	writeError(w, http.StatusNotFound, code, message)
}

// handleListing answers the listing's routes (the caller holds no lock).
func (m *Mock) handleListing(w http.ResponseWriter, r *http.Request, route Route, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if route == RouteProductListing {
		if _, ok := m.products[id]; !ok {
			m.notFound.write(w, id)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"productId": id, "state": "PUBLIC", "approvalStatus": "APPROVED",
			"appName": "App " + id[:min(8, len(id))], "revision": 1})
		return
	}
	if route == RouteVendorSpace {
		m.vendorSpaceLocked(w, id)
		return
	}
	s, found := m.spaces[id]
	if !found {
		writeError(w, http.StatusNotFound, "DEVELOPER_SPACE_NOT_FOUND", fmt.Sprintf("developer space %s not found", id))
		return
	}
	q := r.URL.Query()
	limit, start, ok := pageParams(w, q)
	if !ok {
		return
	}
	includePrivate := q.Get("includePrivate") == "true"
	apps := make([]App, 0, len(s.apps))
	for _, a := range s.apps {
		if !a.Private || includePrivate {
			apps = append(apps, a)
		}
	}
	sort.SliceStable(apps, func(i, j int) bool { return apps[i].AppName < apps[j].AppName })
	end := min(start+limit, len(apps))
	items := []any{}
	for _, a := range apps[min(start, len(apps)):end] {
		state, approval := "PUBLIC", "APPROVED"
		if a.Private {
			state, approval = "PRIVATE", "UNSUBMITTED"
		}
		items = append(items, map[string]any{
			"productId": a.ProductID, "appKey": a.AppKey, "appName": a.AppName, "developerId": id,
			"state": state, "approvalStatus": approval, "slug": strings.ReplaceAll(strings.ToLower(a.AppName), " ", "-"),
			// Fields the provider does not use: clients must tolerate them.
			"tagLine": "The app called " + a.AppName, "logo": map[string]any{"id": a.AppKey + "-logo"},
		})
	}
	page := func(offset int) string {
		v := url.Values{"limit": {strconv.Itoa(limit)}}
		if offset > 0 {
			v.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte("offset:"+strconv.Itoa(offset))))
		}
		if includePrivate {
			v.Set("includePrivate", "true")
		}
		return listingPrefix + id + "?" + v.Encode()
	}
	links := map[string]any{"self": page(start)}
	if end < len(apps) {
		links["next"] = page(end)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "links": links})
}

// vendorSpaceLocked answers the developer space of a vendor (m.mu held).
func (m *Mock) vendorSpaceLocked(w http.ResponseWriter, vendorID string) {
	for devID, s := range m.spaces {
		if s.vendorID == vendorID {
			writeJSON(w, http.StatusOK, map[string]any{"developerId": devID, "vendorId": vendorID})
			return
		}
	}
	writeError(w, http.StatusNotFound, "VENDOR_NOT_FOUND", fmt.Sprintf("vendor %s has no developer space", vendorID))
}

// pageParams reads limit and cursor; false when it answered the refusal.
func pageParams(w http.ResponseWriter, q url.Values) (limit, start int, ok bool) {
	limit = defaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "INVALID_LIMIT", fmt.Sprintf("limit must be a positive number, not %.40q", v))
			return 0, 0, false
		}
		limit = min(n, maxPageSize)
	}
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "INVALID_CURSOR", "the cursor is not one this server gave")
			return 0, 0, false
		}
		start = n
	}
	return limit, start, true
}
