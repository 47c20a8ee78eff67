package provider

import (
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"

	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/mockmarketplace"
)

// colleagueDraft is a stored body of smallDoc(retention) last changed by a colleague.
func colleagueDraft(retention string) []byte {
	cc := smallDoc(retention)
	cc["properties"] = map[string]any{"updatedBy": "colleague@example.com", "updatedAt": 1798797600000, "formStatus": "DRAFT"}
	b, _ := json.Marshal(map[string]any{"commonCloud": cc})
	return b
}

// smallDigest is the draft digest of smallDoc(retention).
func smallDigest(retention string) string { return document.Digest(smallDoc(retention)) }

// publishAction is the action configured against mock.
func publishAction(t *testing.T, mock *mockmarketplaceServer) *privacySecurityPublishAction {
	t.Helper()
	client, resp := configure(t, mockEnv(mock), nil)
	if resp.Diagnostics.HasError() || client == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if resp.ActionData != resp.ResourceData {
		t.Fatal("Configure must share its data with the actions")
	}
	a := &privacySecurityPublishAction{}
	var cresp action.ConfigureResponse
	a.Configure(context.Background(), action.ConfigureRequest{ProviderData: resp.ActionData}, &cresp)
	if cresp.Diagnostics.HasError() {
		t.Fatal(cresp.Diagnostics)
	}
	return a
}

// actionConfig is the action's configuration; digest nil for null, unknownValue for unknown.
func actionConfig(t *testing.T, a *privacySecurityPublishAction, digest any) tfsdk.Config {
	t.Helper()
	var sresp action.SchemaResponse
	a.Schema(context.Background(), action.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	d := tftypes.NewValue(tftypes.String, digest)
	if digest == "unknown" {
		d = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	return tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
		"product_id": tfStr(testProductID), "draft_digest": d,
	})}
}

func invoke(t *testing.T, a *privacySecurityPublishAction, digest any) (diag.Diagnostics, []string) {
	t.Helper()
	var progress []string
	resp := action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) { progress = append(progress, e.Message) }}
	a.Invoke(context.Background(), action.InvokeRequest{Config: actionConfig(t, a, digest)}, &resp)
	return resp.Diagnostics, progress
}

func planAction(t *testing.T, a *privacySecurityPublishAction, digest any) diag.Diagnostics {
	t.Helper()
	var resp action.ModifyPlanResponse
	a.ModifyPlan(context.Background(), action.ModifyPlanRequest{Config: actionConfig(t, a, digest)}, &resp)
	return resp.Diagnostics
}

// diagText is every diagnostic as "severity: summary: detail", one per line.
func diagText(diags diag.Diagnostics) string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%s: %s: %s", d.Severity(), d.Summary(), d.Detail()))
	}
	return strings.Join(out, "\n")
}

func TestPublishActionInvoke(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		draft     []byte // nil: none
		digest    any    // nil: unset
		fault     *mockmarketplace.Fault
		published bool
		wantErr   string // regexp over the diagnostics; "" for none
	}{
		{name: "pinned, unchanged", draft: colleagueDraft("30_DAYS"), digest: smallDigest("30_DAYS"), published: true},
		{name: "unpinned", draft: colleagueDraft("30_DAYS"), published: true},
		{
			name: "changed after the plan", draft: colleagueDraft("90_DAYS"), digest: smallDigest("30_DAYS"),
			wantErr: `The draft is not the one reviewed.*last changed by colleague@example.com at 2027-01-01T10:00:00Z and is ` +
				regexp.QuoteMeta(smallDigest("90_DAYS")) + `, not the draft this action is pinned to \(` + regexp.QuoteMeta(smallDigest("30_DAYS")) +
				`\): it changed after the plan\. Nothing was published; plan again`,
		},
		{name: "no draft, pinned", digest: smallDigest("30_DAYS"), wantErr: `No draft to publish.*the draft sha256:\w+ that this action is pinned to was published or discarded.*Nothing was published`},
		{name: "no draft, unpinned", wantErr: `No draft to publish.*the app has none \(draft_digest is null.*Nothing was published`},
		// The pinned draft is live already (the resource published it, or a trigger ran twice):
		// nothing to do, and no error.
		{name: "pinned draft already live", digest: smallDigest("7_DAYS")},
		{name: "pinned draft already live, another draft", draft: colleagueDraft("90_DAYS"), digest: smallDigest("7_DAYS")},
		{name: "a digest given by -var is checked before any request", digest: "sha256:nothex", wantErr: `Invalid draft_digest`},
		{
			name: "published by someone else meanwhile", draft: colleagueDraft("30_DAYS"), digest: smallDigest("30_DAYS"),
			fault:   &mockmarketplace.Fault{Status: 409, Body: `{"code":"NO_DRAFT","message":"no draft"}`},
			wantErr: `published or discarded meanwhile.*someone published or discarded it in between.*This action published nothing`,
		},
		{
			// Our own publish whose answer was lost: the live version holds the draft.
			name: "409 after our own publish", draft: colleagueDraft("30_DAYS"), digest: smallDigest("30_DAYS"),
			fault:     &mockmarketplace.Fault{Status: 409, Body: `{"code":"NO_DRAFT","message":"no draft"}`, AfterEffect: true},
			published: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock := startMock(t)
			mock.SetLive(testProductID, smallBody("7_DAYS"))
			if tc.draft != nil {
				mock.SetDraft(testProductID, tc.draft)
			}
			if tc.fault != nil {
				mock.InjectFault(mockmarketplace.RoutePublish, *tc.fault)
			}
			a := publishAction(t, mock)
			diags, progress := invoke(t, a, tc.digest)
			text := diagText(diags)
			if tc.wantErr == "" && diags.HasError() {
				t.Fatalf("unexpected error:\n%s", text)
			}
			if tc.wantErr != "" && (!diags.HasError() || !regexp.MustCompile(`(?s)`+tc.wantErr).MatchString(text)) {
				t.Fatalf("diagnostics:\n%s\nwant %s", text, tc.wantErr)
			}
			wantLive := smallDoc("7_DAYS")
			if tc.published {
				wantLive = commonCloudOf(t, tc.draft)
				if got := mock.Draft(testProductID); got != nil {
					t.Errorf("draft left after the publish: %s", got)
				}
				if len(progress) != 3 || progress[0] != "reading the draft of "+testProductID ||
					!strings.HasPrefix(progress[1], "publishing "+testProductID) || !strings.HasPrefix(progress[2], "published "+testProductID) {
					t.Errorf("progress: %q", progress)
				}
			} else if tc.fault == nil && mock.Count(mockmarketplace.RoutePublish) != 0 {
				t.Errorf("a refused invoke sent a publish: %v", mock.Requests())
			}
			if err := checkStored(t, "live", liveOf(mock), wantLive)(nil); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPublishActionInvokeNeedsCredentials(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	client, resp := configure(t, map[string]string{EnvBaseURL: mock.URL}, nil)
	if client == nil {
		t.Fatal(resp.Diagnostics)
	}
	a := &privacySecurityPublishAction{client: client}
	diags, _ := invoke(t, a, nil)
	if text := diagText(diags); !strings.Contains(text, "Marketplace credentials required") || !strings.Contains(text, EnvAPIToken) {
		t.Errorf("diagnostics:\n%s", text)
	}
	if n := len(mock.Requests()); n != 0 {
		t.Errorf("%d request(s) sent without credentials", n)
	}
}

func TestPublishActionPlan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		draft  []byte
		digest any
		noLive bool   // an app never published: a draft only
		want   string // regexp over the diagnostics
		error  bool
	}{
		{
			name: "pinned", draft: colleagueDraft("90_DAYS"), digest: smallDigest("90_DAYS"),
			want: `Warning: Publishing the draft of \S+: Product \S+: this action publishes the draft ` + regexp.QuoteMeta(smallDigest("90_DAYS")) +
				` \(last changed by colleague@example.com at 2027-01-01T10:00:00Z\)\. Against the live version, 1 field\(s\) change: ` +
				`logDetails.logRetention \("7_DAYS" -> "90_DAYS"\)\. The invoke reads the draft again and publishes it only if its digest is still`,
		},
		{
			name: "unpinned", draft: colleagueDraft("90_DAYS"),
			want: `Publishing a draft that is not pinned: .*draft_digest is not set, so the invoke publishes whatever draft the app has then, even one changed after this plan, ` +
				`and nothing checks that it is what your configuration wrote\. To publish exactly this draft, or nothing, set draft_digest = "` + regexp.QuoteMeta(smallDigest("90_DAYS")) + `"`,
		},
		{
			name: "draft only", draft: colleagueDraft("90_DAYS"), digest: smallDigest("90_DAYS"), noLive: true,
			want: `Warning: Publishing the draft of \S+: .*There is no live version yet: publishing makes this draft the first one\. The invoke reads`,
		},
		{name: "written by the same apply", digest: "unknown", want: `Publishing the draft this apply writes.*pinned to the draft that apply writes`},
		{
			name: "another draft", draft: colleagueDraft("90_DAYS"), digest: smallDigest("30_DAYS"), error: true,
			want: `Error: The draft is not the one reviewed: .*last changed by colleague@example.com at 2027-01-01T10:00:00Z and is ` + regexp.QuoteMeta(smallDigest("90_DAYS")),
		},
		{name: "pinned, no draft", digest: smallDigest("30_DAYS"), error: true, want: `Error: No draft to publish: .*published or discarded since it was read`},
		{name: "pinned, already live", digest: smallDigest("7_DAYS"), want: `Warning: Nothing to publish: \S+: Product \S+: the live version already holds the pinned draft sha256:\w+\. The invoke publishes nothing\.`},
		{
			name: "pinned, already live, another draft", draft: colleagueDraft("90_DAYS"), digest: smallDigest("7_DAYS"),
			want: `Nothing to publish: .*already holds the pinned draft sha256:\w+; the app's draft ` + regexp.QuoteMeta(smallDigest("90_DAYS")) + ` \(last changed by colleague@example.com.*is another one, and stays a draft`,
		},
		{name: "unpinned, no draft", error: true, want: `Error: No draft to publish: .*there is nothing to publish\. Nothing will be published`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock := startMock(t)
			if !tc.noLive {
				mock.SetLive(testProductID, smallBody("7_DAYS"))
			}
			if tc.draft != nil {
				mock.SetDraft(testProductID, tc.draft)
			}
			reads := tc.digest != "unknown"
			if reads {
				mock.PairReads(testProductID, 0, 1) // the draft and the live version, read at once
			}
			diags := planAction(t, publishAction(t, mock), tc.digest)
			text := diagText(diags)
			if diags.HasError() != tc.error || !regexp.MustCompile(`(?s)`+tc.want).MatchString(text) {
				t.Errorf("diagnostics:\n%s\nwant (error %t) %s", text, tc.error, tc.want)
			}
			if mock.Count(mockmarketplace.RoutePublish)+mock.Count(mockmarketplace.RoutePut) != 0 {
				t.Errorf("a plan wrote: %v", mock.Requests())
			}
			if roundTrips, err := mock.RoundTrips(); reads && (err != nil || roundTrips != 1) {
				t.Errorf("the plan took %d round trip(s) (%v), want 1: %v", roundTrips, err, mock.Requests())
			}
		})
	}
}

// triggeredConfig is smallConfig whose applies run the publish action, pinned to the draft
// the apply writes.
func triggeredConfig(logRetention string) string {
	return triggerConfig(false, logRetention, "after_create, after_update", "")
}

// The action runs from the resource's lifecycle: each apply writes the draft, then
// publishes exactly that draft; the resource (publish = false) stays in sync afterwards.
func TestAccActionPublishTriggeredByTheResource(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: triggeredConfig("30_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(exampleAddr, plancheck.ResourceActionCreate),
					// Known at plan time: the digest of the draft the apply writes.
					plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("30_DAYS"))),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("30_DAYS"))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "draft", draftOf(mock), nil),
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1}),
				),
			},
			{
				// The refresh finds the draft published: the state describes the live version,
				// and nothing is planned (the harness also checks that the plan after each apply
				// is empty).
				Config:           triggeredConfig("30_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectVersionState("live"),
					// The state describes the live version, which holds the draft published.
					statecheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("30_DAYS"))),
				},
				Check: checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0}),
			},
			{
				Config: triggeredConfig("90_DAYS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(exampleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("90_DAYS"))),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "draft", draftOf(mock), nil),
					checkStored(t, "live", liveOf(mock), smallDoc("90_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1}),
				),
			},
			{
				// Refreshed again before the harness's destroy, which does not refresh: the
				// state the apply left still describes the draft the action published.
				Config:            triggeredConfig("90_DAYS"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectVersionState("live")},
			},
		},
	})
}

// Values known only at plan time (-var) get the attribute checks there, before any request.
func TestPublishActionPlanChecksValuesFromVariables(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	mock.SetDraft(testProductID, colleagueDraft("90_DAYS"))
	diags := planAction(t, publishAction(t, mock), "sha256:"+strings.Repeat("x", 200))
	if text := diagText(diags); !diags.HasError() || !strings.Contains(text, "Invalid draft_digest") || !strings.Contains(text, "(207 characters)") {
		t.Errorf("diagnostics:\n%s", text)
	}
	if n := len(mock.Requests()); n != 0 {
		t.Errorf("%d request(s) sent for an invalid digest", n)
	}
}

// A resource's plan in the same provider instance that writes the pinned draft (a trigger's
// plan) makes the action's plan valid, although the draft is not there yet.
func TestPublishActionPlanOfADraftThisApplyWrites(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	mock.SetLive(testProductID, smallBody("7_DAYS"))
	a := publishAction(t, mock)
	if diags := planAction(t, a, smallDigest("30_DAYS")); !diags.HasError() {
		t.Fatalf("a pin of a draft nobody writes was accepted:\n%s", diagText(diags))
	}
	a.snaps.planWrite(testProductID, smallDigest("30_DAYS"))
	diags := planAction(t, a, smallDigest("30_DAYS"))
	if text := diagText(diags); diags.HasError() || !strings.Contains(text, "Publishing the draft this apply writes: "+testProductID) ||
		!strings.Contains(text, "writes the draft "+smallDigest("30_DAYS")) {
		t.Errorf("diagnostics:\n%s", text)
	}
}

// triggerConfig is smallConfig with publish set, whose applies run the publish action on
// events, pinned to the resource's draft_digest; extra goes inside the resource block.
func triggerConfig(publish bool, logRetention, events, extra string) string {
	return strings.Replace(smallConfig(publish, logRetention), "  common_cloud = {", `  lifecycle {
    action_trigger {
      events  = [`+events+`]
      actions = [action.marketplace_privacy_security_publish.example]
    }
  }
`+extra+`
  common_cloud = {`, 1) + `
# A triggered action reads its resource through caller (Terraform warns of a direct
# reference, which can make a cycle: after_update alone on a create does).
action "marketplace_privacy_security_publish" "example" {
  config {
    product_id   = caller.product_id
    draft_digest = caller.draft_digest
  }
}
`
}

// A colleague's draft saved between the review and the apply is never published by a
// trigger: the action is pinned to the draft the plan writes (known at plan time), the
// update is refused, and the action refuses the colleague's draft.
func TestAccActionTriggerNeverPublishesAnUnreviewedDraft(t *testing.T) {
	for _, tc := range []struct {
		events string
		live   map[string]any // after the first apply
	}{
		{"after_create, after_update", smallDoc("30_DAYS")},
		{"after_update", nil},
	} {
		t.Run(tc.events, func(t *testing.T) {
			mock := startMock(t)
			unreviewed := colleagueBody(t, smallDoc("1_YEAR"))
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
				Steps: []resource.TestStep{
					{Config: triggerConfig(false, "30_DAYS", tc.events, "")},
					{
						PreConfig: func() { mock.ResetRequests() },
						Config:    triggerConfig(false, "90_DAYS", tc.events, ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("90_DAYS"))),
							meanwhile(func() { mock.SetDraft(testProductID, unreviewed) }),
						}},
						ExpectError: regexp.MustCompile(`(?s)The Marketplace changed since the plan.*` + colleague),
					},
					{
						PreConfig: func() {
							if mock.Count(mockmarketplace.RoutePublish) != 0 {
								t.Errorf("published: %v", mock.Requests())
							}
							if err := checkStored(t, "live", liveOf(mock), tc.live)(nil); err != nil {
								t.Error(err)
							}
							if err := checkStored(t, "draft", draftOf(mock), smallDoc("1_YEAR"))(nil); err != nil {
								t.Error(err)
							}
						},
						Config: smallConfig(false, "30_DAYS"),
					},
				},
			})
		})
	}
}

// An update that writes nothing (timeouts only) runs an after_update trigger that publishes
// nothing, with a valid plan; publish = true pins the action to the document the resource
// publishes itself, so that the action has nothing left to do.
func TestAccActionTriggerWithNothingToPublish(t *testing.T) {
	mock := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: providerFactories(mockEnv(mock)),
		Steps: []resource.TestStep{
			{
				Config: triggerConfig(false, "30_DAYS", "after_create, after_update", ""),
				Check:  checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
			},
			{
				// Timeouts only: no write, no publish, and the plan stays valid.
				PreConfig: mock.ResetRequests,
				Config: triggerConfig(false, "30_DAYS", "after_update", `  timeouts {
    update = "7m"
  }`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "live", liveOf(mock), smallDoc("30_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 0, mockmarketplace.RoutePublish: 0}),
				),
			},
			{
				// publish = true: the resource writes and publishes; the action is pinned to that
				// document, finds it live, and publishes nothing.
				PreConfig: mock.ResetRequests,
				Config: triggerConfig(true, "90_DAYS", "after_update", `  timeouts {
    update = "7m"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(exampleAddr, tfjsonpath.New("draft_digest"), knownvalue.StringExact(smallDigest("90_DAYS"))),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkStored(t, "draft", draftOf(mock), nil),
					checkStored(t, "live", liveOf(mock), smallDoc("90_DAYS")),
					checkCalls(mock, map[mockmarketplace.Route]int{mockmarketplace.RoutePut: 1, mockmarketplace.RoutePublish: 1}),
				),
			},
		},
	})
}

// A product that does not exist is said for the action, without the resource's advice to
// forget it with a removed block (an action has no state).
func TestPublishActionOfAMissingProduct(t *testing.T) {
	t.Parallel()
	mock := startMock(t)
	a := publishAction(t, mock)
	var resp action.InvokeResponse
	cfg := actionConfig(t, a, nil)
	cfg.Raw = tftypes.NewValue(cfg.Raw.Type(), map[string]tftypes.Value{
		"product_id": tfStr("87654321-4321-4321-4321-cba987654321"), "draft_digest": tftypes.NewValue(tftypes.String, nil)})
	a.Invoke(context.Background(), action.InvokeRequest{Config: cfg}, &resp)
	text := diagText(resp.Diagnostics)
	if !strings.Contains(text, "does not exist (PRODUCT_NOT_FOUND)") || !strings.Contains(text, "check the action's product_id") ||
		strings.Contains(text, "removed block") || !strings.Contains(text, "Nothing was published") {
		t.Errorf("diagnostics:\n%s", text)
	}
}
