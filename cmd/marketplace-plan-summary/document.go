package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/document"
)

// Each side of a change is converted to the API's JSON shape (the value of commonCloud),
// whichever form holds it, and the two are compared field by field. Field names, their
// order and their labels are the document's own (internal/document).

// unknown stands for a value that is known only after the apply.
type unknown struct{}

const (
	formTyped = "common_cloud"
	formJSON  = "common_cloud_json"
)

var (
	fieldByPath = map[string]*document.Field{}
	fieldOrder  = map[string]int{}
	jsonPathOf  = map[string]string{} // attribute path -> JSON path
)

func init() {
	fields := document.Fields()
	for i := range fields {
		f := &fields[i]
		fieldByPath[f.Path], fieldOrder[f.Path], jsonPathOf[f.Attr] = f, i, f.Path
	}
}

// documentOf is the document one side of a change holds, in the API's shape, and its
// form; nil when the side holds none.
func documentOf(v values, u unknowns) (doc any, form string, err error) {
	switch {
	case bool(u.CommonCloudJSON):
		return unknown{}, formJSON, nil
	case v.CommonCloudJSON != nil:
		var out any
		if err := json.Unmarshal([]byte(*v.CommonCloudJSON), &out); err != nil {
			return nil, formJSON, fmt.Errorf("common_cloud_json is not JSON: %w", err)
		}
		return out, formJSON, nil
	case isUnknown(u.CommonCloud):
		return unknown{}, formTyped, nil
	case v.CommonCloud != nil:
		marks, _ := u.CommonCloud.(map[string]any)
		return typedToAPI("", "", v.CommonCloud, marks), formTyped, nil
	}
	return nil, "", nil
}

// isUnknown reads a mark of after_unknown: true, or a list (a set) with an unknown element.
func isUnknown(m any) bool {
	switch m := m.(type) {
	case bool:
		return m
	case []any:
		for _, e := range m {
			if isUnknown(e) {
				return true
			}
		}
	}
	return false
}

// typedToAPI converts common_cloud (attribute names, null for what is not set) to the API's
// JSON: null attributes left out, as the provider sends it.
func typedToAPI(attrParent, jsonParent string, obj, marks map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for _, k := range unionKeys(obj, marks) {
		attr := joinPath(attrParent, k)
		p, ok := jsonPathOf[attr]
		if !ok { // not in this provider version's tree: named as it comes
			p = joinPath(jsonParent, k)
		}
		_, name := splitPath(p)
		if isUnknown(marks[k]) {
			out[name] = unknown{}
			continue
		}
		switch v := obj[k].(type) {
		case nil:
		case map[string]any:
			sub, _ := marks[k].(map[string]any)
			out[name] = typedToAPI(attr, p, v, sub)
		default:
			out[name] = v
		}
	}
	return out
}

func unionKeys(a, b map[string]any) []string {
	seen := make(map[string]bool, len(a)+len(b))
	var out []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// splitPath splits "a.b.c" into "a.b" and "c".
func splitPath(p string) (parent, name string) {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// labelOf is the form's label of a path; a field the document does not model (one the JSON
// form carries) is named by its JSON path.
func labelOf(p string) string {
	if p == "" {
		return "The document"
	}
	if f := fieldByPath[p]; f != nil {
		return f.Label
	}
	return "`" + p + "`"
}

// change is one line of what changes: a field's label and, in words, how.
type change struct {
	path string
	text string
}

func (c change) String() string { return labelOf(c.path) + ": " + c.text }

// leaves flattens a document into its leaf values by path. Objects are not leaves, except
// an unknown one; empty values (null, "", [], {}) are left out: on the Marketplace form an
// empty answer and no answer are the same.
func leaves(doc any) map[string]any {
	out := map[string]any{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case nil:
		case map[string]any:
			for k, c := range v {
				walk(joinPath(p, k), c)
			}
		case string:
			if v != "" {
				out[p] = v
			}
		case []any:
			if len(v) > 0 {
				out[p] = v
			}
		default:
			out[p] = v
		}
	}
	walk("", doc)
	return out
}

// rank places a path in the form's order; a field the document does not model comes after
// the fields of the nearest group it does (at the very end when none).
func rank(p string) float64 {
	if i, ok := fieldOrder[p]; ok {
		return float64(i)
	}
	for q := p; q != ""; {
		q, _ = splitPath(q)
		if i, ok := fieldOrder[q]; ok {
			last := i
			for j := i + 1; j < len(document.Fields()) && strings.HasPrefix(document.Fields()[j].Path, q+"."); j++ {
				last = j
			}
			return float64(last) + 0.5
		}
	}
	return float64(len(fieldOrder))
}

func sortPaths(paths []string) {
	sort.SliceStable(paths, func(i, j int) bool {
		ri, rj := rank(paths[i]), rank(paths[j])
		if ri != rj {
			return ri < rj
		}
		return paths[i] < paths[j]
	})
}

// diffDocuments says what changes from before to after. keepBeforeOnly: fields the
// document does not model that only before holds are kept by the apply (the typed form
// cannot express them), so they are not reported as removed.
func diffDocuments(before, after any, keepBeforeOnly bool) []change {
	if _, ok := after.(unknown); ok {
		return []change{{"", "(known after apply)"}}
	}
	b, a := leaves(before), leaves(after)
	var out []change
	for _, p := range changedPaths(b, a) {
		bv, inBefore := b[p]
		_, inAfter := a[p]
		if keepBeforeOnly && inBefore && !inAfter && fieldByPath[p] == nil {
			continue
		}
		if text := describeChange(p, bv, a[p]); text != "" {
			out = append(out, change{p, text})
		}
	}
	return out
}

// changedPaths is every leaf path of either side, in the form's order, but those under an
// object known only after the apply.
func changedPaths(b, a map[string]any) []string {
	var unknownPrefixes []string
	for p, v := range a {
		if _, ok := v.(unknown); ok {
			unknownPrefixes = append(unknownPrefixes, p+".")
		}
	}
	var paths []string
	for _, p := range unionKeys(b, a) {
		covered := false
		for _, u := range unknownPrefixes {
			covered = covered || strings.HasPrefix(p, u)
		}
		if !covered {
			paths = append(paths, p)
		}
	}
	sortPaths(paths)
	return paths
}

// describeDocument lists what a new document holds, field by field.
func describeDocument(doc any) []change {
	if _, ok := doc.(unknown); ok {
		return []change{{"", "(known after apply)"}}
	}
	l := leaves(doc)
	paths := make([]string, 0, len(l))
	for p := range l {
		paths = append(paths, p)
	}
	sortPaths(paths)
	out := make([]change, 0, len(paths))
	for _, p := range paths {
		out = append(out, change{p, formatValue(p, l[p])})
	}
	return out
}

// describeChange says in words how the value at p changes; "" when it does not.
func describeChange(p string, before, after any) string {
	if _, ok := after.(unknown); ok {
		if before == nil {
			return "(known after apply)"
		}
		return formatValue(p, before) + " → (known after apply)"
	}
	bs, bSet := before.([]any)
	as, aSet := after.([]any)
	if (bSet || aSet) && (before == nil || bSet) && (after == nil || aSet) {
		return describeSetChange(p, bs, as)
	}
	switch {
	case sameJSON(before, after):
		return ""
	case before == nil:
		return "set to " + formatValue(p, after)
	case after == nil:
		return "cleared (was " + formatValue(p, before) + ")"
	}
	return formatValue(p, before) + " → " + formatValue(p, after)
}

func describeSetChange(p string, before, after []any) string {
	added, removed := setDifference(after, before), setDifference(before, after)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, formatList(p, added)+" added")
	}
	if len(removed) > 0 {
		parts = append(parts, formatList(p, removed)+" removed")
	}
	return strings.Join(parts, "; ")
}

// setDifference is the elements of a not in b, in a's order, each once.
func setDifference(a, b []any) []any {
	in := map[string]bool{}
	for _, e := range b {
		in[document.CanonicalJSON(e)] = true
	}
	var out []any
	for _, e := range a {
		if k := document.CanonicalJSON(e); !in[k] {
			in[k] = true
			out = append(out, e)
		}
	}
	return out
}

func sameJSON(a, b any) bool { return document.CanonicalJSON(a) == document.CanonicalJSON(b) }

var codePattern = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)

// humanise reads a code as words: CONSENT -> consent, THIRTY_DAYS -> thirty days,
// 90_DAYS -> 90 days. A value that is not a code is quoted as it is.
func humanise(code string) string {
	if !codePattern.MatchString(code) {
		return quote(code)
	}
	return strings.ReplaceAll(strings.ToLower(code), "_", " ")
}

// formatValue shows one value of the field at p.
func formatValue(p string, v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing"
	case unknown:
		return "(known after apply)"
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case string:
		return formatString(p, v)
	case []any:
		if len(v) == 0 {
			return "none"
		}
		return formatList(p, v)
	}
	return "`" + strings.ReplaceAll(document.CanonicalJSON(v), "`", "'") + "`"
}

func formatString(p, s string) string {
	if f := fieldByPath[p]; f != nil {
		switch f.Kind {
		case document.FieldCode, document.FieldCodeSet:
			return humanise(s)
		case document.FieldSet:
			return escape(s)
		}
	}
	return quote(s)
}

// formatList shows the elements of a set, sorted so that the output does not depend on
// the order a CLI or the API gave them in.
func formatList(p string, items []any) string {
	parts := make([]string, 0, len(items))
	for _, e := range items {
		parts = append(parts, formatValue(p, e))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func quote(s string) string { return "\u201c" + escape(s) + "\u201d" }

// escape keeps Markdown from reading a value as markup.
var escaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, `|`, `\|`, "\n", " ", "\r", " ",
)

func escape(s string) string { return escaper.Replace(s) }
