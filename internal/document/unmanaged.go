package document

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Nothing the configuration does not manage is changed by an apply. The Marketplace
// document may hold fields that a configuration does not manage: fields this provider
// does not model (the typed form, common_cloud), or keys that a common_cloud_json
// configuration never held. Every PUT sends the configuration merged into those fields of
// the app's current document, so that they stay as they are; plans that write say which
// fields are kept. They are learnt from the document each refresh reads, and remembered in
// the resource's private state (privateUnmanaged) until the write.

// Shape says, one object level at a time, which keys of the document a
// configuration manages.
type Shape interface {
	// field reports whether key is managed, and the shape below it when its value is an
	// object managed key by key (nil when the value is managed whole).
	field(key string) (below Shape, managed bool)
}

// typedShape: the typed form manages what the document tree models.
type typedShape struct{ node *docNode }

func (s typedShape) field(key string) (Shape, bool) {
	for i := range s.node.children {
		if c := &s.node.children[i]; c.json == key {
			if c.kind == kindObject {
				return typedShape{c}, true
			}
			return nil, true
		}
	}
	return nil, false
}

// JSONShape: the JSON form manages the keys the configuration holds, at every level.
type JSONShape struct{ keys map[string]any }

func (s JSONShape) field(key string) (Shape, bool) {
	v, ok := s.keys[key]
	if m, isObject := v.(map[string]any); isObject {
		return JSONShape{m}, true
	}
	return nil, ok
}

// ShapeOf is the shape a configuration's document attributes manage: common_cloud_json's
// keys when it is set (and decodable), else what the typed form models.
func ShapeOf(jsonText *string) Shape {
	if jsonText != nil {
		if m, err := DecodeObject(*jsonText); err == nil {
			return JSONShape{m}
		}
	}
	return typedShape{&CommonCloud}
}

// SplitUnmanaged returns the parts of doc that shape does not manage (nil when none), and
// their JSON paths, sorted.
func SplitUnmanaged(doc map[string]any, shape Shape) (map[string]any, []string) {
	var kept map[string]any
	var paths []string
	var walk func(doc map[string]any, shape Shape, prefix string) map[string]any
	walk = func(doc map[string]any, shape Shape, prefix string) map[string]any {
		var out map[string]any
		for k, v := range doc {
			below, managed := shape.field(k)
			switch {
			case !managed:
				paths = append(paths, prefix+k)
			case below != nil:
				sub, ok := v.(map[string]any)
				if !ok {
					continue
				}
				below := walk(sub, below, prefix+k+".")
				if below == nil {
					continue
				}
				v = below
			default:
				continue
			}
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v
		}
		return out
	}
	kept = walk(doc, shape, "")
	sort.Strings(paths)
	return kept, paths
}

// DropRemovedKeys removes from kept the keys that the previously applied JSON
// configuration held and the new one no longer does, with everything below them: the
// three-way rule of kubectl apply (a key removed from the configuration is removed from
// the document). Only JSON forms hold such keys; the typed form never keeps a modelled one.
func DropRemovedKeys(kept map[string]any, prior, next Shape) map[string]any {
	p, ok1 := prior.(JSONShape)
	n, ok2 := next.(JSONShape)
	if !ok1 || !ok2 || kept == nil {
		return kept
	}
	out := make(map[string]any, len(kept))
	for k, v := range kept {
		pv, wasManaged := p.keys[k]
		nv, isManaged := n.keys[k]
		switch {
		case wasManaged && !isManaged:
			continue // removed from the configuration: removed from the document
		case wasManaged:
			pm, ok1 := pv.(map[string]any)
			nm, ok2 := nv.(map[string]any)
			km, ok3 := v.(map[string]any)
			if ok1 && ok2 && ok3 {
				v = DropRemovedKeys(km, JSONShape{pm}, JSONShape{nm})
			}
		}
		out[k] = v
	}
	return out
}

// MergeInto returns base with over laid on top, object by object: over wins on every key
// it has.
func MergeInto(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = MergeInto(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}

// ChangedPaths lists the JSON paths whose values differ between two documents, sorted;
// arrays of strings compare as sets, as the Marketplace treats them.
func ChangedPaths(before, after map[string]any) []string {
	var paths []string
	var walk func(a, b any, prefix string)
	walk = func(a, b any, prefix string) {
		am, ok1 := a.(map[string]any)
		bm, ok2 := b.(map[string]any)
		if ok1 && ok2 {
			keys := map[string]bool{}
			for k := range am {
				keys[k] = true
			}
			for k := range bm {
				keys[k] = true
			}
			for k := range keys {
				walk(am[k], bm[k], prefix+k+".")
			}
			return
		}
		if !reflect.DeepEqual(normalised(a), normalised(b)) {
			paths = append(paths, strings.TrimSuffix(prefix, "."))
		}
	}
	walk(before, after, "")
	sort.Strings(paths)
	return paths
}

// normalised makes values from different decoders comparable: numbers as text, string
// arrays sorted.
func normalised(v any) any {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case float64:
		return json.Number(fmt.Sprint(v)).String()
	case []string:
		items := make([]any, len(v))
		for i, s := range v {
			items[i] = s
		}
		return normalised(items)
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			out = append(out, fmt.Sprint(normalised(item)))
		}
		sort.Strings(out)
		return out
	}
	return v
}

// DecodeObject decodes a JSON object, numbers kept as json.Number.
func DecodeObject(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}

// ListPaths names paths for a diagnostic, at most 20.
func ListPaths(paths []string) string {
	const most = 20
	if len(paths) <= most {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:most], ", "), len(paths)-most)
}

// DescribeChanges names the fields whose values differ between two documents, each with
// its value before and after (cut), at most 20.
func DescribeChanges(before, after map[string]any) string {
	paths := ChangedPaths(before, after)
	const most = 20
	out := make([]string, 0, min(len(paths), most))
	for i, p := range paths {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more", len(paths)-most))
			break
		}
		out = append(out, fmt.Sprintf("%s (%s -> %s)", p, describeValue(valueAt(before, p)), describeValue(valueAt(after, p))))
	}
	return strings.Join(out, ", ")
}

// valueAt is the value at a dotted JSON path, nil when absent.
func valueAt(doc map[string]any, p string) any {
	var v any = doc
	for _, key := range strings.Split(p, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// describeValue is a value for a message: absent, or its JSON cut to a few words.
func describeValue(v any) string {
	if v == nil {
		return "absent"
	}
	if s, ok := v.(string); ok {
		return QuoteCut(s)
	}
	text, err := Marshal(map[string]any{"v": normalised(v)})
	if err != nil {
		return fmt.Sprint(v)
	}
	value := strings.TrimSuffix(strings.TrimPrefix(string(text), `{"v":`), "}")
	if r := []rune(value); len(r) > MaxEchoed {
		value = string(r[:MaxEchoed]) + "..."
	}
	return value
}

// ManagedPart is what of doc a configuration of the given shape shows: for the typed
// form, the modelled fields as the provider reads them; for the JSON form, the keys the
// configuration holds.
func ManagedPart(doc map[string]any, shape Shape) map[string]any {
	if js, ok := shape.(JSONShape); ok {
		out, _ := ProjectJSON(doc, js.keys).(map[string]any)
		return out
	}
	typed, _ := FromAPI(doc)
	out, _ := ToAPI(typed)
	return out
}
