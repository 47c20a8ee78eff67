package marketplace

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// productListingPath is the listing of one app: GET answers 200 when the Marketplace knows
// the product (and the account may see it), 404 otherwise.
const productListingPath = "/rest/3/product-listing/"

// ProductExists reports whether the Marketplace knows productID, from its listing: the one
// way to tell a product with no privacy and security information yet from one that does not
// exist, whatever words the privacy-and-security endpoints use for their 404.
func (c *Client) ProductExists(ctx context.Context, productID string) (bool, error) {
	if !c.HasCredentials() {
		return false, ErrCredentialsRequired
	}
	_, err := c.do(ctx, http.MethodGet, productListingPath+url.PathEscape(productID), nil, nil, http.StatusOK)
	var apiErr *APIError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !apiErr.NotFromAPI:
		return false, nil
	}
	return false, err
}
