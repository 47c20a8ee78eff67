package document

import (
	"encoding/json"
	"reflect"
	"testing"
)

func mustObject(t *testing.T, s string) map[string]any {
	t.Helper()
	m, err := DecodeObject(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSplitUnmanagedTypedForm(t *testing.T) {
	t.Parallel()
	doc := mustObject(t, `{"hasRestAPIExtension": true, "logDetails": {"logRetention": "30_DAYS"},
		"security": {"securityContact": "a@b.c", "newThing": {"x": 1}, "caiq": {"isCAIQCompleted": true, "extra": [1]}},
		"privacy": "not an object"}`)
	kept, paths := SplitUnmanaged(doc, ShapeOf(nil))
	want := mustObject(t, `{"hasRestAPIExtension": true, "security": {"newThing": {"x": 1}, "caiq": {"extra": [1]}}}`)
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	if !reflect.DeepEqual(paths, []string{"hasRestAPIExtension", "security.caiq.extra", "security.newThing"}) {
		t.Errorf("paths %v", paths)
	}
	if kept, paths := SplitUnmanaged(mustObject(t, `{"logDetails": {"logRetention": "30_DAYS"}}`), ShapeOf(nil)); kept != nil || paths != nil {
		t.Errorf("a fully modelled document kept %v %v", kept, paths)
	}
}

func TestSplitUnmanagedJSONForm(t *testing.T) {
	t.Parallel()
	config := `{"logDetails": {"loggingEnabled": true}, "security": {"securityContact": "a@b.c"}, "custom": {"a": 1}}`
	doc := mustObject(t, `{"logDetails": {"loggingEnabled": true, "logRetention": "30_DAYS"}, "security": {"securityContact": "x"},
		"custom": {"a": 2, "b": 3}, "dataResidency": {"dataResidencyRegions": ["EU"]}}`)
	kept, paths := SplitUnmanaged(doc, ShapeOf(&config))
	want := mustObject(t, `{"logDetails": {"logRetention": "30_DAYS"}, "custom": {"b": 3}, "dataResidency": {"dataResidencyRegions": ["EU"]}}`)
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	if !reflect.DeepEqual(paths, []string{"custom.b", "dataResidency", "logDetails.logRetention"}) {
		t.Errorf("paths %v", paths)
	}
}

func TestMergeAndThreeWayRemoval(t *testing.T) {
	t.Parallel()
	kept := mustObject(t, `{"security": {"newThing": 1}, "dataResidency": {"x": true}, "logDetails": {"other": 2}}`)
	prior := `{"security": {"securityContact": "a@b.c"}, "logDetails": {"loggingEnabled": true, "sensitiveDataLogging": false}}`
	next := `{"logDetails": {"loggingEnabled": false}}`
	// security was in the applied configuration and is gone from it: removed whole, what
	// others added below it included; logDetails stays managed, its other key is kept.
	dropped := DropRemovedKeys(kept, ShapeOf(&prior), ShapeOf(&next))
	if want := mustObject(t, `{"dataResidency": {"x": true}, "logDetails": {"other": 2}}`); !reflect.DeepEqual(dropped, want) {
		t.Errorf("after removal %v, want %v", dropped, want)
	}
	merged := MergeInto(dropped, mustObject(t, next))
	got, _ := json.Marshal(merged)
	if string(got) != `{"dataResidency":{"x":true},"logDetails":{"loggingEnabled":false,"other":2}}` {
		t.Errorf("merged %s", got)
	}
	// The typed form never drops (it keeps only what it does not model).
	if typed := DropRemovedKeys(kept, ShapeOf(nil), ShapeOf(&next)); !reflect.DeepEqual(typed, kept) {
		t.Errorf("typed prior changed kept: %v", typed)
	}
}

func TestChangedPaths(t *testing.T) {
	t.Parallel()
	before := mustObject(t, `{"a": {"b": 1, "c": ["X", "Y"]}, "d": "same", "gone": true}`)
	after := map[string]any{"a": map[string]any{"b": json.Number("2"), "c": []string{"Y", "X"}}, "d": "same", "new": "v"}
	if got := ChangedPaths(before, after); !reflect.DeepEqual(got, []string{"a.b", "gone", "new"}) {
		t.Errorf("changed %v", got)
	}
}
