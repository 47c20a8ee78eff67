package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/marketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// An interrupt (Terraform cancels the operations' context on Ctrl-C) is said as one, with
// what the interrupted request had done; never advice about timeouts. Running out of time
// is still said as that.
func TestInterruptIsSaidAsAnInterrupt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		fault mockmarketplace.Fault
		// cancel ends the context: at once, or once the mock holds the request
		timeout bool
		// held: a PUT before, answered 429 with Retry-After 60 and run out of time, holds the
		// client: the interrupted PUT is certainly waiting for the rate limit, never sent
		held bool
		want []string
	}{
		{
			name:  "waiting for the rate limit",
			fault: mockmarketplace.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"60"}}, Times: 1},
			held:  true,
			want:  []string{"interrupted before the Marketplace answered; re-run the apply", "The PUT /rest/3/privacy-and-security/products/" + testProductID + " was not carried out: it was waiting for the Marketplace API's rate limit"},
		},
		{
			name: "the PUT sent, its answer awaited",
			want: []string{"interrupted before the Marketplace answered; re-run the apply", "The PUT /rest/3/privacy-and-security/products/" + testProductID + " had been sent: the Marketplace may or may not have carried it out"},
		},
		{
			name:    "out of time while waiting for the rate limit",
			fault:   mockmarketplace.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"60"}}, Times: 1},
			timeout: true,
			want:    []string{"held this request until the resource's timeouts ran out", "ran out of time"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			mock := mockmarketplace.Start(t)
			mock.AddProduct(testProductID)
			held := make(chan struct{})
			t.Cleanup(func() { close(held) })
			fault := c.fault
			if fault.Status == 0 {
				fault = mockmarketplace.Fault{Hold: held, Times: 1}
			}
			mock.InjectFault(mockmarketplace.RoutePut, fault)
			client, err := marketplace.New(marketplace.Config{BaseURL: mock.URL, Email: mockmarketplace.TestEmail, APIToken: mockmarketplace.TestAPIToken})
			if err != nil {
				t.Fatal(err)
			}
			if c.held {
				short, stop := context.WithTimeout(context.Background(), 5*time.Second) // room to be sent on a busy machine; the hold is 60 s
				err := client.PutDraft(short, testProductID, []byte(`{"security": {}}`))
				stop()
				if err == nil || mock.Count(mockmarketplace.RoutePut) != 1 {
					t.Fatalf("the first PUT: %v, %d PUT(s)", err, mock.Count(mockmarketplace.RoutePut))
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			switch {
			case c.held:
				// The client holds every request for the Retry-After (60 s): interrupt it there.
				timer := time.AfterFunc(100*time.Millisecond, cancel)
				defer timer.Stop()
			case c.timeout:
				ctx, cancel = context.WithTimeout(ctx, 2*time.Second) // the Retry-After is 60s
				defer cancel()
			default:
				go func() {
					// Once the mock has the PUT (answered 429, or held), the user interrupts.
					for mock.Count(mockmarketplace.RoutePut) == 0 && mock.InFlight() == 0 && ctx.Err() == nil {
						time.Sleep(5 * time.Millisecond)
					}
					cancel()
				}()
			}
			var diags diag.Diagnostics
			addAPIError(&diags, "writing the draft of "+testProductID, client.PutDraft(ctx, testProductID, []byte(`{"security": {}}`)))
			if len(diags) != 1 {
				t.Fatalf("diagnostics: %v", diags)
			}
			text := diags[0].Summary() + "\n" + diags[0].Detail()
			for _, want := range c.want {
				if !strings.Contains(text, want) {
					t.Errorf("the diagnostic does not say %q:\n%s", want, text)
				}
			}
			if !c.timeout && (strings.Contains(text, "timeouts") || strings.Contains(text, "ran out of time") || strings.Contains(text, "-parallelism")) {
				t.Errorf("an interrupt is given advice about timeouts:\n%s", text)
			}
			if !c.timeout && (strings.Contains(text, "context canceled") || strings.Count(text, "interrupted") != 1) {
				t.Errorf("an interrupt is said more than once, or in Go's words:\n%s", text)
			}
			if mock.Draft(testProductID) != nil {
				t.Error("the interrupted PUT was carried out before the test ended")
			}
		})
	}
}
