package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/testsupport"
)

const testProductID = "12345678-1234-1234-1234-123456789abc"

type (
	mockmarketplaceServer  = mockmarketplace.Server
	terraformInstanceState = terraform.InstanceState
)

var errorf = fmt.Errorf

// exampleConfig is the resource example from examples/, so that the documented example
// is the one the tests apply.
func exampleConfig(t *testing.T, publish bool) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/resources/marketplace_privacy_security/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	if publish {
		cfg = strings.Replace(cfg, "publish    = false", "publish    = true", 1)
	}
	return cfg
}

// settled waits until the mock serves no request, so that nothing a step started lands
// after it (held requests must be released first).
func settled(t testing.TB, mock *mockmarketplace.Server) {
	t.Helper()
	if !mock.WaitIdle(time.Minute) {
		t.Fatalf("the mock still serves %d request(s) a minute after the step", mock.InFlight())
	}
}

// startMock starts a mock with testProductID registered.
func startMock(t testing.TB) *mockmarketplace.Server {
	t.Helper()
	mock := mockmarketplace.Start(t)
	mock.AddProduct(testProductID)
	return mock
}

// commonCloudOf returns the commonCloud of a stored body without properties, with
// arrays of strings sorted: the API treats them as sets.
func commonCloudOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	if body == nil {
		return nil
	}
	var doc struct {
		CommonCloud map[string]any `json:"commonCloud"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("stored body %s: %v", body, err)
	}
	delete(doc.CommonCloud, "properties")
	return testsupport.SortStringArrays(doc.CommonCloud).(map[string]any)
}

func seedPutCommonCloud(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../document/testdata/seed_put.json")
	if err != nil {
		t.Fatal(err)
	}
	return commonCloudOf(t, data)
}

// checkStored is a TestCheckFunc comparing a stored version with want (nil: absent).
func checkStored(t *testing.T, what string, get func() []byte, want map[string]any) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := commonCloudOf(t, get())
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", "  ")
			w, _ := json.MarshalIndent(want, "", "  ")
			return fmt.Errorf("stored %s:\n%s\nwant:\n%s", what, g, w)
		}
		return nil
	}
}

// checkCalls is a TestCheckFunc asserting how many requests of each route the mock has
// answered since the last reset, then resetting the count.
func checkCalls(mock *mockmarketplace.Server, want map[mockmarketplace.Route]int) func(*terraform.State) error {
	return func(*terraform.State) error {
		defer mock.ResetRequests()
		var problems []string
		for route, n := range want {
			if got := mock.Count(route); got != n {
				problems = append(problems, fmt.Sprintf("%s: %d calls, want %d", route, got, n))
			}
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			return fmt.Errorf("API calls: %s (all: %v)", strings.Join(problems, "; "), mock.Requests())
		}
		return nil
	}
}

// createReads is how many times a create step reads an app that has no document (a GET of
// the draft and one of the live version, each 404): in each plan of the create (the test
// harness plans once, then the apply plans the resource again right before applying it).
// The create itself uses the second plan's read (recentReads) to keep the fields the
// configuration does not manage.
const createReads = 2

// smallConfig is a resource with a short document whose log_retention varies.
func smallConfig(publish bool, logRetention string) string {
	return fmt.Sprintf(`
resource "marketplace_privacy_security" "example" {
  product_id = %q
  publish    = %t
  common_cloud = {
    log_details = {
      logging_enabled = true
      log_retention   = %q
    }
    security = {
      security_contact = "https://example.com/security"
    }
  }
}
`, testProductID, publish, logRetention)
}

// smallDoc is what smallConfig stores, as testsupport.SortStringArrays leaves it.
func smallDoc(logRetention string) map[string]any {
	return map[string]any{
		"logDetails": map[string]any{"loggingEnabled": true, "logRetention": logRetention},
		"security":   map[string]any{"securityContact": "https://example.com/security"},
	}
}

// smallBody is the stored body of smallDoc, for setting the mock by hand.
func smallBody(logRetention string) []byte {
	b, _ := json.Marshal(map[string]any{"commonCloud": smallDoc(logRetention)})
	return b
}

// diagPath returns the attribute path of d as a string, or "" when it has none.
func diagPath(d diag.Diagnostic) string {
	if wp, ok := d.(diag.DiagnosticWithPath); ok {
		return wp.Path().String()
	}
	return ""
}
