package document

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// The JSON form (common_cloud_json) is checked by the same document tree and the same
// checks as the typed form: each node's kind, its string checks (stringCheck) and its
// object checks (objectCheck), run on the JSON values with JSON names in the messages.
// Errors are reported at common_cloud_json, their detail starting with the JSON path:
// "common_cloud_json: privacy.dataProcessingAgreement.dpaUrl: ...".

// CheckPlanned runs the document's checks on what a plan writes, of either form
// (the typed form converted to the API's JSON): a value the configuration introduces or
// changes that breaks a rule is an error; one equal to what the Marketplace holds for the
// app (prior: the document in state, after import or refresh; nil for a create) is warned
// about, naming the rule, so that an app is adopted as it stands and fixed later. Type
// errors are errors always.
func CheckPlanned(typed bool, productID string, plan, prior map[string]any) diag.Diagnostics {
	plan, prior = asDecodedJSON(plan), asDecodedJSON(prior)
	c := &jsonCheck{at: path.Root("common_cloud_json"), typed: typed, plan: plan, prior: prior, productID: productID}
	if typed {
		c.at = path.Root("common_cloud")
	}
	CommonCloud.checkJSON(c, nil, plan)
	return c.diags
}

// asDecodedJSON is doc as JSON decodes it (arrays as []any, numbers as json.Number): the
// typed form's conversion makes []string. nil stays nil.
func asDecodedJSON(doc map[string]any) map[string]any {
	if doc == nil {
		return nil
	}
	text, err := Marshal(doc)
	if err != nil {
		return doc
	}
	out, err := DecodeObject(string(text))
	if err != nil {
		return doc
	}
	return out
}

// jsonCheck collects the diagnostics of one document's checks.
type jsonCheck struct {
	at          path.Path
	typed       bool           // report at the typed form's attribute paths
	plan, prior map[string]any // prior: what the Marketplace holds; nil when nothing
	productID   string
	diags       diag.Diagnostics
}

// error reports what no document may hold: a wrong type.
func (c *jsonCheck) error(names []string, summary, msg string) {
	c.diags.AddAttributeError(c.pathOf(names), summary, c.where(names)+": "+msg)
}

// judge reports a rule's breach at names, about the value at subject: an error, or a
// warning when the Marketplace already holds that value.
func (c *jsonCheck) judge(names, subject []string, summary, msg string) {
	p, detail := c.pathOf(names), c.where(names)+": "+msg
	if !c.held(subject) {
		c.diags.AddAttributeError(p, summary, detail)
		return
	}
	c.diags.AddAttributeWarning(p, summary+" (kept: the Marketplace holds it)", detail+heldNote(c.productID))
}

func heldNote(productID string) string {
	return fmt.Sprintf(" The Marketplace already holds this value for product %s, so this plan keeps it and only warns; "+
		"a plan that changes it to a value that breaks the rule fails. Fix it in a later change.", productID)
}

// held reports whether the Marketplace holds, at subject, what the plan holds there.
func (c *jsonCheck) held(subject []string) bool {
	if c.prior == nil {
		return false
	}
	var planned, prior any = c.plan, c.prior
	for _, name := range subject {
		if i, err := strconv.Atoi(name); err == nil {
			// An element of a set: held when the set held it.
			items, _ := planned.([]any)
			priorItems, _ := prior.([]any)
			if i < 0 || i >= len(items) {
				return false
			}
			for _, p := range priorItems {
				if reflect.DeepEqual(normalised(p), normalised(items[i])) {
					return true
				}
			}
			return false
		}
		pm, _ := planned.(map[string]any)
		qm, _ := prior.(map[string]any)
		planned, prior = pm[name], qm[name]
	}
	if planned == nil || prior == nil {
		return planned == nil && prior == nil
	}
	return reflect.DeepEqual(normalised(planned), normalised(prior))
}

// pathOf is the attribute a diagnostic at names points at: common_cloud_json itself, or
// the typed form's nested attribute (a set's element: the set).
func (c *jsonCheck) pathOf(names []string) path.Path {
	if !c.typed {
		return c.at
	}
	p := c.at
	node := CommonCloud
	for _, name := range names {
		child, ok := node.childByJSON(name)
		if !ok {
			break
		}
		p, node = p.AtName(child.tfName()), child
	}
	return p
}

// where names a value in a message: the JSON path in common_cloud_json, or the attribute.
func (c *jsonCheck) where(names []string) string {
	if !c.typed {
		return "common_cloud_json: " + jsonAt(names)
	}
	return c.pathOf(names).String()
}

// jsonAt names a JSON path for a message, each key cut to a readable length.
func jsonAt(names []string) string {
	if len(names) == 0 {
		return "the document"
	}
	cut := make([]string, len(names))
	for i, n := range names {
		if r := []rune(n); len(r) > MaxEchoed {
			n = string(r[:MaxEchoed]) + fmt.Sprintf("...(%d characters)", len(r))
		}
		cut[i] = n
	}
	return strings.Join(cut, ".")
}

// checkJSON checks an object node's JSON value as the framework checks the typed form:
// unknown keys first (warned: they are sent), then the object itself (not empty, its
// object checks), and its children only when the object passed, as the framework does not
// validate the attributes of an object its own validators refused.
func (n docNode) checkJSON(c *jsonCheck, names []string, obj map[string]any) {
	known, anySet := n.checkKeys(c, names, obj)
	if !anySet {
		c.judge(names, names, "Empty object", "this object sets nothing: omit it instead.")
		if !c.held(names) {
			return
		}
	}
	if n.refusedByObjectChecks(c, names, obj) {
		return
	}
	for _, k := range known {
		child, _ := n.childByJSON(k)
		child.checkJSONValue(c, below(names, k), obj[k])
	}
}

// checkKeys warns about each key of obj that n does not know, and returns the known keys
// that are set (null is absent), sorted, and whether obj sets anything.
func (n docNode) checkKeys(c *jsonCheck, names []string, obj map[string]any) (known []string, anySet bool) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		if _, ok := n.childByJSON(k); ok {
			if v != nil {
				anySet = true
				known = append(known, k)
			}
			continue
		}
		if k == "properties" && len(names) == 0 {
			continue // reported by JSONValidator
		}
		n.warnUnknownKey(c, names, k)
		anySet = anySet || v != nil
	}
	return known, anySet
}

func (n docNode) warnUnknownKey(c *jsonCheck, names []string, key string) {
	at := jsonAt(below(names, key))
	detail := fmt.Sprintf("common_cloud_json: %s is not a key this provider knows; it is sent as it is "+
		"(the JSON form carries fields the provider does not model).", at)
	// The summary names the key (and the likely one): Terraform folds warnings that share
	// a summary into one, and a typo's suggestion must not be folded away.
	summary := "Unknown key in common_cloud_json: " + at
	if guess := n.closestKey(key); guess != "" {
		detail += fmt.Sprintf(" Did you mean %s?", guess)
		summary += " (did you mean " + guess + "?)"
	}
	c.diags.AddAttributeWarning(c.pathOf(names), summary, detail)
}

// refusedByObjectChecks runs n's object checks on obj and reports whether one refused it.
func (n docNode) refusedByObjectChecks(c *jsonCheck, names []string, obj map[string]any) bool {
	if len(n.objectValidators) == 0 {
		return false
	}
	attrs := n.attributesFromJSON(obj)
	refused := false
	for _, v := range n.objectValidators {
		check, ok := v.(objectCheck)
		if !ok {
			continue // every object check of the tree is an objectCheck (document_test.go checks)
		}
		refused = n.runObjectCheck(c, names, attrs, check) || refused
	}
	return refused
}

// runObjectCheck reports what one object check finds (warnings where the Marketplace holds
// what it is about) and whether it refused the object: an error about what is not held.
func (n docNode) runObjectCheck(c *jsonCheck, names []string, attrs map[string]attr.Value, check objectCheck) bool {
	var found diag.Diagnostics
	if c.typed {
		check.check(c.pathOf(names), attrs, sameName, &found)
	} else {
		check.check(pathOfNames(names), attrs, n.jsonName, &found)
	}
	held := n.heldFor(c, names, check)
	for _, d := range found {
		at, detail := c.at, "common_cloud_json: "+d.Detail()
		if withPath, ok := d.(diag.DiagnosticWithPath); ok && c.typed {
			at, detail = withPath.Path(), d.Detail()
		}
		if held {
			c.diags.AddAttributeWarning(at, d.Summary()+" (kept: the Marketplace holds it)", detail+heldNote(c.productID))
		} else {
			c.diags.AddAttributeError(at, d.Summary(), detail)
		}
	}
	return found.HasError() && !held
}

// heldFor reports whether the Marketplace holds what check is about: the object as a
// whole, or, for a rule about some of its fields, those fields.
func (n docNode) heldFor(c *jsonCheck, names []string, check objectCheck) bool {
	if len(check.fields) == 0 {
		return c.held(names)
	}
	for _, f := range check.fields {
		if !c.held(below(names, n.jsonName(f))) {
			return false
		}
	}
	return true
}

// checkJSONValue checks a known key's value: its kind, then what that kind's checks ask.
func (n docNode) checkJSONValue(c *jsonCheck, names []string, v any) {
	switch value := v.(type) {
	case string:
		if n.kind == kindString {
			n.checkJSONString(c, names, value)
			return
		}
	case bool:
		if n.kind == kindBool {
			return
		}
	case []any:
		if n.kind == kindStringSet {
			n.checkJSONSet(c, names, value)
			return
		}
	case map[string]any:
		if n.kind == kindObject {
			n.checkJSON(c, names, value)
			return
		}
	}
	c.error(names, "Wrong type in common_cloud_json",
		fmt.Sprintf("this is %s, but %s holds %s.", describeJSON(v), n.json, n.kindName()))
}

// checkJSONSet checks an array of a set: not empty, no null, and each string as the
// node's string checks ask.
func (n docNode) checkJSONSet(c *jsonCheck, names []string, items []any) {
	if len(items) == 0 {
		c.judge(names, names, "Empty set", "this list is empty: omit it instead.")
	}
	for i, item := range items {
		at := below(names, fmt.Sprint(i))
		switch s := item.(type) {
		case nil:
			c.error(at, "Null set element", "a list may not hold null: remove it.")
		case string:
			n.checkJSONString(c, at, s)
		default:
			c.error(at, "Wrong type in common_cloud_json",
				fmt.Sprintf("this is %s, but %s holds strings.", describeJSON(item), n.json))
		}
	}
}

// below is the path of key below names, in a slice of its own.
func below(names []string, key string) []string {
	return append(append(make([]string, 0, len(names)+1), names...), key)
}

// checkJSONString runs the string checks the typed form runs on this field: not empty,
// then the node's own.
func (n docNode) checkJSONString(c *jsonCheck, names []string, s string) {
	for _, v := range append([]any{notEmpty()}, anySlice(n.stringValidators)...) {
		check, ok := v.(stringCheck)
		if !ok {
			continue // every string check of the tree is a stringCheck (document_test.go checks)
		}
		if msg := check.problem(s); msg != "" {
			c.judge(names, names, check.summary, msg)
			return // one problem per value, as the typed form reports the first that applies
		}
	}
}

func anySlice[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

func pathOfNames(names []string) path.Path {
	p := path.Empty()
	for _, n := range names {
		p = p.AtName(n)
	}
	return p
}

func (n docNode) childByJSON(key string) (docNode, bool) {
	for _, c := range n.children {
		if c.json == key {
			return c, true
		}
	}
	return docNode{}, false
}

// jsonName maps a child's attribute name to its JSON name, for object checks' messages.
func (n docNode) jsonName(tfName string) string {
	for _, c := range n.children {
		if c.tfName() == tfName {
			return c.json
		}
	}
	return tfName
}

// closestKey is the known key at this level that key most likely misspells: within two
// edits, ignoring case, and closer than any other.
func (n docNode) closestKey(key string) string {
	best, bestDistance := "", 3
	for _, c := range n.children {
		if d := editDistance(strings.ToLower(key), strings.ToLower(c.json)); d < bestDistance {
			best, bestDistance = c.json, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of two strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
