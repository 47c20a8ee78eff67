package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// The JSON of `terraform show -json PLANFILE` (and `tofu show -json`) is read through
// terraform-json's typed model; the values of this provider's resource and action, which it
// keeps as any, through the small typed model below.

const (
	resourceType = "marketplace_privacy_security"
	actionType   = "marketplace_privacy_security_publish"
)

// plan is the parts of a plan the summary reads.
type plan struct {
	*tfjson.Plan
	// What terraform-json does not read: whether the plan stopped on an error, and why a
	// resource is replaced (replace_by_request, ...), by address.
	Errored bool
	reasons map[string]string
}

func decodePlan(r io.Reader) (*plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the plan's JSON: %w", err)
	}
	var head struct {
		FormatVersion   *string `json:"format_version"`
		Errored         bool    `json:"errored"`
		ResourceChanges []struct {
			Address      string `json:"address"`
			ActionReason string `json:"action_reason"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("reading the plan's JSON (the output of terraform show -json PLANFILE): %w", err)
	}
	if head.FormatVersion == nil {
		return nil, fmt.Errorf("this JSON has no format_version: it is not the output of terraform show -json PLANFILE")
	}
	p := &plan{Plan: &tfjson.Plan{}, Errored: head.Errored, reasons: map[string]string{}}
	for _, rc := range head.ResourceChanges {
		if rc.ActionReason != "" {
			p.reasons[rc.Address] = rc.ActionReason
		}
	}
	if err := json.Unmarshal(data, p.Plan); err != nil {
		return nil, fmt.Errorf("plan JSON format %s is not supported (1.x is): %w", *head.FormatVersion, err)
	}
	return p, nil
}

// values is what the summary reads of a value of the resource (a state, or a plan's side).
type values struct {
	ProductID       *string        `json:"product_id"`
	Publish         *bool          `json:"publish"`
	CommonCloud     map[string]any `json:"common_cloud"`
	CommonCloudJSON *string        `json:"common_cloud_json"`
	VersionState    *string        `json:"version_state"`
	Basis           *string        `json:"basis"`
	DraftDigest     *string        `json:"draft_digest"`
	Properties      *struct {
		UpdatedBy string `json:"updated_by"`
		UpdatedAt string `json:"updated_at"`
	} `json:"properties"`
}

// unknowns is after_unknown for the same attributes: true where a value is known only after
// the apply; common_cloud's is true, or the marks of its fields.
type unknowns struct {
	ProductID       mark `json:"product_id"`
	Publish         mark `json:"publish"`
	CommonCloud     any  `json:"common_cloud"`
	CommonCloudJSON mark `json:"common_cloud_json"`
	VersionState    mark `json:"version_state"`
	Basis           mark `json:"basis"`
	DraftDigest     mark `json:"draft_digest"`
}

// mark is one mark of after_unknown: true when the whole value is unknown (an object of
// marks, for a value known in part, reads false).
type mark bool

func (m *mark) UnmarshalJSON(b []byte) error { //nolint:unparam // json.Unmarshaler's signature
	*m = mark(bytes.Equal(bytes.TrimSpace(b), []byte("true")))
	return nil
}

// actionConfig is what the summary reads of the publish action's configuration.
type actionConfig struct {
	ProductID   *string `json:"product_id"`
	DraftDigest *string `json:"draft_digest"`
}

type actionUnknowns struct {
	ProductID   mark `json:"product_id"`
	DraftDigest mark `json:"draft_digest"`
}

// convert reads v (a value terraform-json decoded as any) into out; a value that is not
// there (nil) leaves out as it is.
func convert(v, out any) error {
	if v == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

func isTrue(b *bool) bool { return b != nil && *b }

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// millis reads the API's updated_at as the state holds it (RFC 3339); 0 when it cannot.
func millis(rfc3339 string) int64 {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

// stateResources lists the resources of the prior state, in every module.
func (p *plan) stateResources() []*tfjson.StateResource {
	if p.PriorState == nil || p.PriorState.Values == nil {
		return nil
	}
	var out []*tfjson.StateResource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		out = append(out, m.Resources...)
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(p.PriorState.Values.RootModule)
	return out
}

// diagnostic is one entry of the machine-readable UI output (terraform plan -json).
type diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// decodeDiagnostics reads the JSON lines of terraform plan -json and keeps the warnings
// and errors, each once. Lines that are not JSON (a CLI's stray output) are skipped.
func decodeDiagnostics(r io.Reader) ([]diagnostic, error) {
	var out []diagnostic
	seen := map[diagnostic]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var entry struct {
			Type       string      `json:"type"`
			Diagnostic *diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Type != "diagnostic" || entry.Diagnostic == nil {
			continue
		}
		d := *entry.Diagnostic
		if d.Severity != "warning" && d.Severity != "error" {
			continue
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, sc.Err()
}
