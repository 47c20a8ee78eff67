package document

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The document's plan-time checks. Each reports against the attribute at fault, so that
// Terraform points at the line to fix, and none of them calls the API.

var (
	UUIDPattern       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	upperSnakePattern = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)
	emailPattern      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	nonCodeRuns       = regexp.MustCompile(`[^A-Z0-9]+`)
)

// stringCheck is a string validator made of a description and a function that returns
// the problem with a value, or "".
type stringCheck struct {
	summary     string
	description string
	problem     func(string) string
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.problem(req.ConfigValue.ValueString()); msg != "" {
		// Terraform shows nested attributes' errors at the enclosing block, so the detail
		// names the attribute itself.
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, req.Path.String()+": "+msg)
	}
}

// UUIDString checks a UUID attribute; what names the attribute and what it identifies, e.g.
// ("product_id", "The product ID of a Marketplace app").
func UUIDString(attribute, what string) validator.String {
	return stringCheck{"Invalid " + attribute, "must be a UUID", func(s string) string {
		if UUIDPattern.MatchString(s) {
			return ""
		}
		return fmt.Sprintf("%s is not a UUID. %s looks like 12345678-1234-1234-1234-123456789abc.", QuoteCut(s), what)
	}}
}

func notEmpty() validator.String {
	return stringCheck{"Empty string", "must not be empty", func(s string) string {
		if strings.TrimSpace(s) != "" {
			return ""
		}
		return "An empty value is not allowed here: omit the attribute instead."
	}}
}

func upperSnake() validator.String {
	return stringCheck{"Invalid code", "must be an UPPER_SNAKE_CASE code", func(s string) string {
		if s == "" || upperSnakePattern.MatchString(s) {
			return ""
		}
		if suggestion := suggestUpperSnake(s); suggestion != "" {
			return fmt.Sprintf("%s is not a code: codes are UPPER_SNAKE_CASE, such as %s.", QuoteCut(s), QuoteCut(suggestion))
		}
		return fmt.Sprintf("%s is not a code: codes are UPPER_SNAKE_CASE (the letters A-Z, digits and underscores), such as "+
			"30_DAYS; see the field's documentation for its codes.", QuoteCut(s))
	}}
}

// suggestUpperSnake is the code a value written in another case looks like ("thirty days"
// -> "THIRTY_DAYS"), or "" when the value is not a code written otherwise: anything but
// ASCII letters, digits, spaces, hyphens and underscores, or too long to be a code.
func suggestUpperSnake(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 60 || strings.IndexFunc(s, func(r rune) bool {
		codeLike := r == ' ' || r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		return !codeLike
	}) >= 0 {
		return ""
	}
	return strings.Trim(nonCodeRuns.ReplaceAllString(strings.ToUpper(s), "_"), "_")
}

func httpURL() validator.String {
	return stringCheck{"Invalid URL", "must be an absolute http(s) URL", func(s string) string {
		if s == "" || isHTTPURL(s) {
			return ""
		}
		return fmt.Sprintf("%s is not an absolute http(s) URL, such as https://example.com/page.", QuoteCut(s))
	}}
}

func emailOrURL() validator.String {
	return stringCheck{"Invalid security contact", "must be an email address or an absolute http(s) URL", func(s string) string {
		if s == "" || isHTTPURL(s) || emailPattern.MatchString(s) {
			return ""
		}
		return fmt.Sprintf("%s is neither an email address nor an absolute http(s) URL.", QuoteCut(s))
	}}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// noNullElements refuses a null set element, naming the attribute (Terraform shows errors
// of nested attributes at the enclosing block).
func noNullElements() validator.Set { return nullElements{} }

type nullElements struct{}

func (nullElements) Description(context.Context) string               { return "must not hold null elements" }
func (v nullElements) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nullElements) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		if e.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path, "Null set element",
				req.Path.String()+": a set may not hold null: remove it.")
			return
		}
	}
}

// objectCheck is an object validator over the attributes of a known object. name gives
// the name an attribute has in messages: itself for the typed form, its JSON name for
// common_cloud_json (document_json.go runs the same checks there).
type objectCheck struct {
	description string
	check       func(p path.Path, attrs map[string]attr.Value, name func(string) string, diags *diag.Diagnostics)
	// fields are the attributes the rule reads; none: the object as a whole. A plan keeps,
	// with a warning, a breach whose fields the Marketplace holds as they are.
	fields []string
}

func sameName(s string) string { return s }

func (v objectCheck) Description(context.Context) string         { return v.description }
func (v objectCheck) MarkdownDescription(context.Context) string { return v.description }

func (v objectCheck) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v.check(req.Path, req.ConfigValue.Attributes(), sameName, &resp.Diagnostics)
}

func NotEmptyObject() validator.Object {
	return objectCheck{description: "must set at least one attribute", check: func(p path.Path, attrs map[string]attr.Value, _ func(string) string, diags *diag.Diagnostics) {
		for _, v := range attrs {
			if !v.IsNull() {
				return
			}
		}
		diags.AddAttributeError(p, "Empty object", p.String()+": this object sets nothing: omit it instead.")
	}}
}

// requiredWhenTrue asks for valueAttr whenever flagAttr is true: a claim ("a DPA is
// available") without the thing claimed (its URL) would be rejected by reviewers.
func requiredWhenTrue(flagAttr, valueAttr string) validator.Object {
	return objectCheck{fields: []string{flagAttr, valueAttr}, description: fmt.Sprintf("%s is required when %s is true", valueAttr, flagAttr), check: func(p path.Path, attrs map[string]attr.Value, name func(string) string, diags *diag.Diagnostics) {
		f, ok := attrs[flagAttr].(types.Bool)
		if !ok || f.IsUnknown() || !f.ValueBool() {
			return
		}
		if v := attrs[valueAttr]; v != nil && v.IsNull() {
			diags.AddAttributeError(p.AtName(name(valueAttr)), "Missing "+name(valueAttr),
				fmt.Sprintf("%s: %s is true, so %s must be set.", p.AtName(name(valueAttr)), name(flagAttr), name(valueAttr)))
		}
	}}
}

func certificationsAgree() validator.Object {
	return objectCheck{fields: []string{"has_compliant_certifications", "compliant_certifications"},
		description: "has_compliant_certifications must agree with compliant_certifications", check: func(p path.Path, attrs map[string]attr.Value, name func(string) string, diags *diag.Diagnostics) {
			has, ok := attrs["has_compliant_certifications"].(types.Bool)
			certs, ok2 := attrs["compliant_certifications"].(types.Set)
			if !ok || !ok2 || has.IsNull() || has.IsUnknown() || certs.IsUnknown() {
				return
			}
			some := !certs.IsNull() && len(certs.Elements()) > 0
			hasName, certsName := name("has_compliant_certifications"), name("compliant_certifications")
			switch {
			case has.ValueBool() && !some:
				diags.AddAttributeError(p.AtName(certsName), "Missing "+certsName,
					p.AtName(certsName).String()+": "+hasName+" is true, so "+certsName+" must list them.")
			case !has.ValueBool() && some:
				diags.AddAttributeError(p.AtName(hasName), "Contradictory certifications",
					p.AtName(hasName).String()+": "+hasName+" is false, but "+certsName+" lists some: set it to true, or remove the list.")
			}
		}}
}

// JSONValidator checks that common_cloud_json is what PUT's commonCloud takes.
type JSONValidator struct{}

func (JSONValidator) Description(context.Context) string {
	return "must be a JSON object (the value of commonCloud) without properties"
}
func (v JSONValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (JSONValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	if err := scanJSON(text); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid common_cloud_json", "common_cloud_json: "+err.Error()+".")
		return
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON", "common_cloud_json is not valid JSON: "+describeJSONError(text, err))
		return
	}
	if dec.More() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON", "common_cloud_json holds more than one JSON value: keep one object.")
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid common_cloud_json",
			fmt.Sprintf("common_cloud_json must be a JSON object (the value of commonCloud), not %s.", describeJSON(v)))
		return
	}
	if _, ok := m["commonCloud"]; ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid common_cloud_json",
			"common_cloud_json is the value of commonCloud, not the whole body: remove the outer {\"commonCloud\": ...}.")
	}
	if _, ok := m["properties"]; ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid common_cloud_json",
			"properties is maintained by the Marketplace and cannot be set: remove it.")
	}
	// The document's rules are checked by the plan, the same for both forms, knowing what
	// the Marketplace holds (CheckPlanned). The document sets nothing: refused here.
	if len(m) == 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty object", "common_cloud_json: the document: this object sets nothing: omit it instead.")
	}
}

// describeJSONError says what is wrong with text and where: line, column and the text
// around that place (cut), so that a long jsonencode'd or heredoc document can be mended.
func describeJSONError(text string, err error) string {
	offset := int64(len(text))
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset - 1 // the offset is just after the character refused
	case errors.As(err, &typeErr):
		offset = typeErr.Offset
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		err = errors.New("the text ends before the JSON value does")
	}
	offset = max(0, min(offset, int64(len(text))))
	before := text[:offset]
	line := strings.Count(before, "\n") + 1
	column := utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:]) + 1
	start := max(0, int(offset)-30)
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	excerpt := strings.Join(strings.Fields(text[start:offset]), " ")
	if start > 0 {
		excerpt = "..." + excerpt
	}
	return fmt.Sprintf("%v, at line %d, column %d (after %s)", err, line, column, QuoteCut(excerpt))
}
