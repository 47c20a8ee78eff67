package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Each side of a change is converted to the API's JSON shape (the value of commonCloud),
// whichever form holds it, and the two are compared field by field.

// unknown stands for a value that is known only after the apply.
type unknown struct{}

const (
	formTyped = "common_cloud"
	formJSON  = "common_cloud_json"
)

// documentOf is the document one side of a change holds, in the API's shape, and its
// form; nil when the side holds none.
func documentOf(side map[string]any, unknowns map[string]any) (doc any, form string, err error) {
	if isUnknown(unknowns[formJSON]) {
		return unknown{}, formJSON, nil
	}
	if text, ok := side[formJSON].(string); ok {
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return nil, formJSON, fmt.Errorf("common_cloud_json is not JSON: %w", err)
		}
		return v, formJSON, nil
	}
	if isUnknown(unknowns[formTyped]) {
		return unknown{}, formTyped, nil
	}
	if m, ok := side[formTyped].(map[string]any); ok {
		marks, _ := unknowns[formTyped].(map[string]any)
		return typedToAPI("", m, marks), formTyped, nil
	}
	return nil, "", nil
}

// isUnknown reads a mark of after_unknown: true, or a list (a set) with an unknown element.
func isUnknown(mark any) bool {
	switch m := mark.(type) {
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

// typedToAPI converts common_cloud (snake_case attribute names, null for what is not set)
// to the API's JSON: null attributes left out, as the provider sends it.
func typedToAPI(parent string, obj map[string]any, marks map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	names := make(map[string]bool, len(obj)+len(marks))
	for k := range obj {
		names[k] = true
	}
	for k := range marks {
		names[k] = true
	}
	for k := range names {
		name := jsonNameOf[parent][k]
		if name == "" {
			name = camelCase(k)
		}
		if isUnknown(marks[k]) {
			out[name] = unknown{}
			continue
		}
		switch v := obj[k].(type) {
		case nil:
		case map[string]any:
			sub, _ := marks[k].(map[string]any)
			out[name] = typedToAPI(joinPath(parent, name), v, sub)
		default:
			out[name] = v
		}
	}
	return out
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

// sortPaths orders paths as the form does; a field the table does not know comes at the
// end of the nearest group it does know (at the very end when none).
func sortPaths(paths []string) {
	rank := func(p string) float64 {
		if i, ok := fieldOrder[p]; ok {
			return float64(i)
		}
		for q := p; q != ""; {
			q, _ = splitPath(q)
			if _, ok := fieldOrder[q]; ok {
				last := fieldOrder[q]
				for i := last + 1; i < len(fields) && strings.HasPrefix(fields[i].path, q+"."); i++ {
					last = i
				}
				return float64(last) + 0.5
			}
		}
		return float64(len(fields))
	}
	sort.SliceStable(paths, func(i, j int) bool {
		ri, rj := rank(paths[i]), rank(paths[j])
		if ri != rj {
			return ri < rj
		}
		return paths[i] < paths[j]
	})
}

// diffDocuments says what changes from before to after. keepBeforeOnly: fields the table
// does not know that only before holds are kept by the apply (the typed form cannot
// express them), so they are not reported as removed.
func diffDocuments(before, after any, keepBeforeOnly bool) []change {
	if _, ok := after.(unknown); ok {
		return []change{{"", "(known after apply)"}}
	}
	b, a := leaves(before), leaves(after)
	var unknownPrefixes []string
	for p, v := range a {
		if _, ok := v.(unknown); ok {
			unknownPrefixes = append(unknownPrefixes, p)
		}
	}
	covered := func(p string) bool { // under an object known only after the apply
		for _, u := range unknownPrefixes {
			if strings.HasPrefix(p, u+".") {
				return true
			}
		}
		return false
	}
	var paths []string
	seen := map[string]bool{}
	for _, m := range []map[string]any{b, a} {
		for p := range m {
			if !seen[p] && !covered(p) {
				seen[p] = true
				paths = append(paths, p)
			}
		}
	}
	sortPaths(paths)
	var out []change
	for _, p := range paths {
		bv, inBefore := b[p]
		av, inAfter := a[p]
		if keepBeforeOnly && inBefore && !inAfter && fieldByPath[p] == nil {
			continue
		}
		if text := describeChange(p, bv, av); text != "" {
			out = append(out, change{p, text})
		}
	}
	return out
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
	if bSet || aSet {
		if (before != nil && !bSet) || (after != nil && !aSet) {
			return formatValue(p, before) + " → " + formatValue(p, after)
		}
		added, removed := setDifference(as, bs), setDifference(bs, as)
		var parts []string
		if len(added) > 0 {
			parts = append(parts, formatList(p, added)+" added")
		}
		if len(removed) > 0 {
			parts = append(parts, formatList(p, removed)+" removed")
		}
		return strings.Join(parts, "; ")
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

// setDifference is the elements of a not in b, in a's order, each once.
func setDifference(a, b []any) []any {
	in := map[string]bool{}
	for _, e := range b {
		in[canonical(e)] = true
	}
	var out []any
	for _, e := range a {
		if k := canonical(e); !in[k] {
			in[k] = true
			out = append(out, e)
		}
	}
	return out
}

func canonical(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func sameJSON(a, b any) bool { return canonical(a) == canonical(b) }

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
		switch kindOf(p) {
		case kindCode, kindCodeSet:
			return humanise(v)
		case kindSet:
			return escape(v)
		}
		return quote(v)
	case []any:
		if len(v) == 0 {
			return "none"
		}
		return formatList(p, v)
	}
	return "`" + strings.ReplaceAll(canonical(v), "`", "'") + "`"
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
