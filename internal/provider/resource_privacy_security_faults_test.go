package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// faultConfig is smallConfig with a provider block tuned for fault tests.
func faultConfig(publish bool, logRetention string, providerSettings string) string {
	return fmt.Sprintf("provider \"marketplace\" {\n%s\n}\n", providerSettings) + smallConfig(publish, logRetention)
}

const quickProvider = `
  request_timeout = "500ms"
  max_retries     = 4
`

// Each step injects faults, applies a change through them, and ends (as every step does)
// with the mock holding the configuration and an empty plan.
func TestAccResourceRidesOutFaults(t *testing.T) {
	mock := startMock(t)
	// Each step starts once every request of the step before has ended: a delayed request
	// whose client gave up is dropped by the mock, never carried out during the next step.
	inject := func(route mockmarketplace.Route, f mockmarketplace.Fault) {
		settled(t, mock)
		mock.InjectFault(route, f)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				// 429 with Retry-After on the write.
				PreConfig: func() {
					inject(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Times: 2})
				},
				Config: faultConfig(true, "1_DAYS", quickProvider),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("1_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 3, mockmarketplace.RoutePublish: 1}),
				),
			},
			{
				// Bursts of 503 on every route, the refreshes included.
				PreConfig: func() {
					inject(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503, Times: 3})
					inject(mockmarketplace.RoutePublish, mockmarketplace.Fault{Status: 503, Times: 2})
					inject(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Status: 503, Times: 3})
				},
				Config: faultConfig(true, "2_DAYS", quickProvider),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("2_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 4, mockmarketplace.RoutePublish: 3}),
				),
			},
			{
				// Dropped connections: one before the PUT is answered, and one after the
				// publish was done (its answer lost: the retry finds no draft, 409).
				PreConfig: func() {
					inject(mockmarketplace.RoutePut, mockmarketplace.Fault{DropConnection: true, Times: 1})
					inject(mockmarketplace.RoutePublish, mockmarketplace.Fault{DropConnection: true, AfterEffect: true, Times: 1})
				},
				Config: faultConfig(true, "3_DAYS", quickProvider),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("3_DAYS")),
					checkStored(t, "draft", draftOf(mock), nil),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 2, mockmarketplace.RoutePublish: 2}),
				),
			},
			{
				// A 502 from a gateway after the publish went through: same outcome.
				PreConfig: func() {
					inject(mockmarketplace.RoutePublish, mockmarketplace.Fault{Status: 502, AfterEffect: true, Times: 1})
				},
				Config: faultConfig(true, "4_DAYS", quickProvider),
				Check:  checkStored(t, "live", liveOf(mock), smallDoc("4_DAYS")),
			},
			{
				// Answers slower than request_timeout, and a garbled read.
				PreConfig: func() {
					inject(mockmarketplace.RouteGetLive, mockmarketplace.Fault{Delay: 3 * time.Second, Times: 1})
					inject(mockmarketplace.RoutePut, mockmarketplace.Fault{Delay: 3 * time.Second, Times: 1})
					inject(mockmarketplace.RouteGetLive, mockmarketplace.Fault{MalformedBody: true, Times: 1})
				},
				Config: faultConfig(true, "5_DAYS", quickProvider),
				Check:  checkStored(t, "live", liveOf(mock), smallDoc("5_DAYS")),
			},
			{
				// Retries exhausted: a clear error with the status and the attempts.
				PreConfig: func() {
					settled(t, mock)
					if draft := mock.Draft(testProductID); draft != nil {
						t.Errorf("a request abandoned in the step before was carried out: draft %s", draft)
					}
					mock.ClearFaults()
					inject(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503})
				},
				Config:      faultConfig(true, "6_DAYS", "max_retries = 2"),
				ExpectError: regexp.MustCompile(`(?s)` + spaceFlexible(`PUT /rest/3/privacy-and-security/products/`+testProductID+` answered 503 Service Unavailable after 3 attempts`)),
			},
			{
				// The API recovers: the same change goes through.
				PreConfig: func() { settled(t, mock); mock.ClearFaults() },
				Config:    faultConfig(true, "6_DAYS", quickProvider),
				Check:     checkStored(t, "live", liveOf(mock), smallDoc("6_DAYS")),
			},
		},
	})
}

// The resource's timeouts bound the whole operation, retries and waits included.
func TestAccResourceTimeoutsBoundRetries(t *testing.T) {
	mock := startMock(t)
	config := func(create string) string {
		return fmt.Sprintf(`
provider "marketplace" {
  max_retries = 50
}
resource "marketplace_privacy_security" "example" {
  product_id = %q
  common_cloud = { log_details = { logging_enabled = true } }
  timeouts {
    create = %q
  }
}
`, testProductID, create)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					mock.InjectFault(mockmarketplace.RoutePut, mockmarketplace.Fault{Status: 503, Header: http.Header{"Retry-After": {"1"}}})
				},
				Config:      config("3s"),
				ExpectError: regexp.MustCompile(`(?s)context\s+deadline\s+exceeded.*ran\s+out\s+of\s+time`),
			},
			{
				PreConfig: mock.ClearFaults,
				Config:    config("3s"),
				Check:     checkStored(t, "draft", draftOf(mock), map[string]any{"logDetails": map[string]any{"loggingEnabled": true}}),
			},
		},
	})
	// 50 retries a second apart would take 50 s; the timeout stopped them after about 3.
	if n := mock.Count(mockmarketplace.RoutePut); n > 10 {
		t.Errorf("%d PUT attempts: the timeout did not stop the retries", n)
	}
}
