package main

import (
	"strings"
	"testing"
)

// The publish action in a plan: Terraform 1.14 and later list its invocations in
// action_invocations (a trigger's with lifecycle_action_trigger, an -invoke's with
// invoke_action_trigger); an -invoke plan has no resource change, its apps are in the prior
// state.

const (
	digestWritten = "sha256:0f0f0f0f0f0f"
	digestPending = "sha256:1a2b3c4d5e6f"
)

// planWithActions is a plan of resource changes, action invocations and prior state resources.
func planWithActions(changes, invocations, prior []string) string {
	return `{"format_version": "1.2", "terraform_version": "1.16.4",
	  "resource_changes": [` + strings.Join(changes, ",") + `],
	  "action_invocations": [` + strings.Join(invocations, ",") + `],
	  "prior_state": {"format_version": "1.0", "terraform_version": "1.16.4",
	    "values": {"root_module": {"resources": [` + strings.Join(prior, ",") + `]}}}}`
}

// invocation is one invocation of the publish action; trigger "" for -invoke, draftDigest
// the raw JSON of its config value ("null": not pinned; "unknown": known at apply).
func invocation(address, productID, draftDigest, triggeredBy, event string) string {
	unknown := "{}"
	if draftDigest == "unknown" {
		draftDigest, unknown = "null", `{"draft_digest": true}`
	}
	how := `"invoke_action_trigger": {}`
	if triggeredBy != "" {
		how = `"lifecycle_action_trigger": {"triggering_resource_address": "` + triggeredBy + `", "action_trigger_event": "` + event +
			`", "action_trigger_block_index": 0, "actions_list_index": 0, "on_failure": "fail"}`
	}
	name := strings.TrimPrefix(address, "action.marketplace_privacy_security_publish.")
	return `{"address": "` + address + `", "type": "marketplace_privacy_security_publish", "name": "` + name + `",
	  "config_values": {"product_id": "` + productID + `"` + optionalDigest(draftDigest) + `}, "config_sensitive": {},
	  "config_unknown": ` + unknown + `, "provider_name": "registry.terraform.io/marketplace-trust/marketplace", ` + how + `}`
}

func optionalDigest(raw string) string {
	if raw == "null" {
		return `, "draft_digest": null`
	}
	return `, "draft_digest": ` + raw
}

// stateResource is a resource of the prior state.
func stateResource(address, values string) string {
	return `{"address": "` + address + `", "mode": "managed", "type": "marketplace_privacy_security",
	  "provider_name": "registry.terraform.io/marketplace-trust/marketplace", "schema_version": 0, "values": ` + values + `}`
}

// liveState is an app whose state describes its live version (no pending draft).
func liveState(t *testing.T, productID, doc string) string {
	return with(t, typedState(productID, doc, "false", `"live"`, "null"), "draft_digest", `"`+bobLive+`"`,
		"properties", `{"updated_by": "bob@example.com", "updated_at": "2026-11-02T08:30:00Z", "form_status": "APPROVED", "jira_links": null}`)
}

// pendingState is an app whose state describes alice's pending draft.
func pendingState(t *testing.T, productID, doc string) string {
	return with(t, typedState(productID, doc, "false", `"draft"`, "null"), "draft_digest", `"`+digestPending+`"`, "properties", aliceDraft)
}

// A trigger (after_update) publishes the draft the resource's update writes: the summary
// says so, which draft, that it is pinned, and what changes on the listing (the state
// describes the live version: it is the plan's before).
func TestTriggerPublishesTheDraftTheApplyWrites(t *testing.T) {
	before := liveState(t, alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"))
	after := with(t, typedState(alphaID, typedDoc(`["US", "EU"]`, `"CONTRACT"`, "null"), "false", `"draft"`,
		basis("null", version(bobLive, "2026-11-02T08:30:00Z", "bob@example.com"))), "draft_digest", `"`+digestWritten+`"`)
	change := rc("alpha", `["update"]`, before, after, `{"properties": true}`)
	trigger := func(digest string) string {
		return planWithActions([]string{change},
			[]string{invocation("action.marketplace_privacy_security_publish.app", alphaID, digest, "marketplace_privacy_security.alpha", "AfterUpdate")}, nil)
	}
	out := summarise(t, trigger(`"`+digestWritten+`"`))
	wantLines(t, out,
		"1 app changes: 1 updated.\n\n**On the public listing:** 1 app goes live with this apply.",
		"### `marketplace_privacy_security.alpha`: updated, then published by an action\n\n",
		"The document changes, saved as a draft, which an action then publishes: it goes live.",
		"What changes on the public listing, live version → the draft this apply writes:\n\n"+
			"- Data residency regions: EU added\n- GDPR processing basis: consent → contract\n",
		"**The apply publishes** with `action.marketplace_privacy_security_publish.app`, triggered by `after_update` of "+
			"`marketplace_privacy_security.alpha`: the draft this apply writes ("+digestWritten+") goes live. "+
			"Pinned to "+digestWritten+": the action publishes exactly this draft, and nothing if the app holds another one then.\n")
	dontWant(t, out, "not published", "Not pinned", "The plan does not hold", "stays live")

	// The action's warning, which Terraform gives the address "RESOURCE, called from ACTION", is the app's.
	out = summarise(t, trigger(`"`+digestWritten+`"`), `{"type":"diagnostic","diagnostic":{"severity":"warning",`+
		`"summary":"Publishing the draft this apply writes: `+alphaID+`","detail":"Product `+alphaID+`: pinned.",`+
		`"address":"marketplace_privacy_security.alpha, called from action.marketplace_privacy_security_publish.app"}}`)
	wantLines(t, out, "Warnings of the plan:\n\n- **Publishing the draft this apply writes: "+alphaID+"**: Product "+alphaID+": pinned.\n")
	dontWant(t, out, "other warnings")

	// Not pinned: said as a risk.
	out = summarise(t, trigger("null"))
	wantLines(t, out, "**Not pinned:** the action's `draft_digest` is null, so it publishes whatever draft the app holds when it runs")

	// Pinned to what the apply writes, its digest known only then.
	out = summarise(t, trigger("unknown"))
	wantLines(t, out, "Pinned to the draft this apply writes: the action publishes nothing if the app holds another draft then.")
}

// The same trigger over a pending draft: the state describes the draft, not the live
// version, and the plan does not hold what is live; the summary says so.
func TestTriggerOverAPendingDraft(t *testing.T) {
	before := pendingState(t, alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"))
	after := with(t, typedState(alphaID, typedDoc(`["US", "EU"]`, `"CONSENT"`, "null"), "false", `"draft"`, liveBasis),
		"draft_digest", `"`+digestWritten+`"`)
	out := summarise(t, planWithActions([]string{rc("alpha", `["update"]`, before, after, `{"properties": true}`)},
		[]string{invocation("action.marketplace_privacy_security_publish.app", alphaID, `"`+digestWritten+`"`, "marketplace_privacy_security.alpha", "AfterUpdate")}, nil))
	wantLines(t, out, "Changes:\n\n- Data residency regions: EU added\n",
		"Draft by alice@example.com on 1 Dec 2026 10:00 UTC ("+digestPending+") overwritten.",
		"the draft this apply writes ("+digestWritten+") goes live.",
		"The plan does not hold the live version by bob@example.com on 2 Nov 2026 08:30 UTC ("+bobLive+"), so what changes on the public listing is not in it")
}

// terraform plan -invoke: no resource change; the app is the prior state's resource of the
// action's product, and the draft it publishes is the pending draft the state describes.
func TestInvokeRelease(t *testing.T) {
	state := pendingState(t, alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"))
	release := planWithActions(nil,
		[]string{invocation("action.marketplace_privacy_security_publish.app", alphaID, `"`+digestPending+`"`, "", "")},
		[]string{stateResource("marketplace_privacy_security.alpha", state)})
	out := summarise(t, release)
	wantLines(t, out, "1 app changes: 1 published.\n\n**On the public listing:** 1 app goes live with this apply.",
		"### `marketplace_privacy_security.alpha`: published\n\nProduct `"+alphaID+"`. Terraform changes nothing of the resource; an action publishes the app.\n",
		"**The apply publishes** with `action.marketplace_privacy_security_publish.app`, invoked on purpose, `terraform apply -invoke`: "+
			"the pending draft by alice@example.com on 1 Dec 2026 10:00 UTC ("+digestPending+") goes live. Pinned to "+digestPending+
			": the action publishes exactly this draft",
		"The plan does not hold the live version, so what changes on the public listing is not in it: "+
			"the provider's warnings in the output of `plan -json` say it; pass it with `-diagnostics`.")

	// The action's warning (at the action's address) is the app's.
	warning := `{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Publishing the draft of ` + alphaID +
		`","detail":"Product ` + alphaID + `: this action publishes the draft.","address":"action.marketplace_privacy_security_publish.app"}}`
	out = summarise(t, release, warning)
	wantLines(t, out, "see the plan's warnings below.", "Warnings of the plan:\n\n- **Publishing the draft of "+alphaID+"**")
	dontWant(t, out, "other warnings")

	// Not pinned, over a state that describes another draft than the pin: said.
	out = summarise(t, planWithActions(nil,
		[]string{invocation("action.marketplace_privacy_security_publish.app", alphaID, "null", "", "")},
		[]string{stateResource("marketplace_privacy_security.alpha", state)}))
	wantLines(t, out, "**Not pinned:**")
	out = summarise(t, planWithActions(nil,
		[]string{invocation("action.marketplace_privacy_security_publish.app", alphaID, `"sha256:999999999999"`, "", "")},
		[]string{stateResource("marketplace_privacy_security.alpha", state)}))
	wantLines(t, out, "the draft sha256:999999999999 goes live. **Pinned to another draft** than the one this plan names, "+
		"by alice@example.com on 1 Dec 2026 10:00 UTC ("+digestPending+"): the action publishes nothing unless the app holds sha256:999999999999 then.")
}

// A release of several apps (for_each over the action): each app is listed with its own
// draft, and each warning with its app, where Terraform's own output shows one.
func TestReleaseOfSeveralApps(t *testing.T) {
	alpha := pendingState(t, alphaID, typedDoc(`["US"]`, `"CONSENT"`, "null"))
	beta := with(t, pendingState(t, betaID, typedDoc(`["EU"]`, `"CONSENT"`, "null")), "draft_digest", `"sha256:bbbbbbbbbbbb"`)
	release := planWithActions(nil,
		[]string{
			invocation(`action.marketplace_privacy_security_publish.release[\"alpha\"]`, alphaID, `"`+digestPending+`"`, "", ""),
			invocation(`action.marketplace_privacy_security_publish.release[\"beta\"]`, betaID, `"sha256:bbbbbbbbbbbb"`, "", ""),
		},
		[]string{stateResource(`marketplace_privacy_security.apps[\"alpha\"]`, alpha), stateResource(`marketplace_privacy_security.apps[\"beta\"]`, beta)})
	warn := func(id, addr string) string {
		return `{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Publishing the draft of ` + id +
			`","detail":"Product ` + id + `: this action publishes the draft.","address":"` + addr + `"}}`
	}
	out := summarise(t, release, warn(alphaID, `action.marketplace_privacy_security_publish.release[\"alpha\"]`), warn(betaID, ""))
	wantLines(t, out, "2 apps change: 2 published.\n\n**On the public listing:** 2 apps go live with this apply.",
		"### `marketplace_privacy_security.apps[\"alpha\"]`: published\n\nProduct `"+alphaID+"`.",
		"with `action.marketplace_privacy_security_publish.release[\"alpha\"]`, invoked on purpose, `terraform apply -invoke`: the pending draft by alice@example.com on 1 Dec 2026 10:00 UTC ("+digestPending+") goes live.",
		"### `marketplace_privacy_security.apps[\"beta\"]`: published\n\nProduct `"+betaID+"`.",
		"with `action.marketplace_privacy_security_publish.release[\"beta\"]`, invoked on purpose, `terraform apply -invoke`: the pending draft by alice@example.com on 1 Dec 2026 10:00 UTC (sha256:bbbbbbbbbbbb) goes live.",
		"- **Publishing the draft of "+alphaID+"**", "- **Publishing the draft of "+betaID+"**")
	if strings.Index(out, "Publishing the draft of "+alphaID) > strings.Index(out, "apps[\"beta\"]") {
		t.Errorf("alpha's warning is not under alpha:\n%s", out)
	}
}

// An action whose app is not in the plan at all (a product ID no resource manages).
func TestReleaseOfAnUnmanagedApp(t *testing.T) {
	out := summarise(t, planWithActions(nil,
		[]string{invocation("action.marketplace_privacy_security_publish.other", betaID, `"sha256:bbbbbbbbbbbb"`, "", "")}, nil))
	wantLines(t, out, "### `action.marketplace_privacy_security_publish.other`: published\n\nProduct `"+betaID+"`.",
		"the draft sha256:bbbbbbbbbbbb goes live.", "The plan does not hold the live version")
}

// A create whose after_create publishes: the new document goes live, the first listing.
func TestTriggerAfterCreate(t *testing.T) {
	after := with(t, typedState(betaID, typedDoc(`["EU"]`, `"CONSENT"`, "null"), "false", `"draft"`, basis("null", "null")),
		"draft_digest", `"`+digestWritten+`"`, "properties", "null")
	out := summarise(t, planWithActions([]string{rc("beta", `["create"]`, "null", after, `{"id": true, "properties": true}`)},
		[]string{invocation("action.marketplace_privacy_security_publish.beta", betaID, `"`+digestWritten+`"`, "marketplace_privacy_security.beta", "AfterCreate")}, nil))
	wantLines(t, out, "### `marketplace_privacy_security.beta`: created, then published by an action\n\n",
		"New privacy and security information, saved as a draft, which an action then publishes: it goes live. "+
			"The Marketplace holds no draft and no live version of it yet.",
		"The document:\n\n- Data residency regions: EU\n",
		"triggered by `after_create` of `marketplace_privacy_security.beta`: the draft this apply writes ("+digestWritten+") goes live.")
	dontWant(t, out, "The plan does not hold", "first public listing")
}
