package main

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// The API reference's example documents: every field of commonCloud but properties (the
// server's metadata) has a label. The reference lives beside the repository, in the shared
// folder of the project's workspace; without it, the test has nothing to read.
func TestTheReferenceExampleHasLabels(t *testing.T) {
	data, err := os.ReadFile("../../../shared/reference/marketplace-privacy-security-v3.md")
	if os.IsNotExist(err) {
		t.Skip("the API reference is not beside this work tree")
	}
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	checked := 0
	for _, b := range blocks {
		var body struct {
			CommonCloud map[string]any `json:"commonCloud"`
		}
		if json.Unmarshal([]byte(b[1]), &body) != nil || body.CommonCloud == nil {
			continue
		}
		delete(body.CommonCloud, "properties")
		for path := range leaves(body.CommonCloud) {
			checked++
			if fieldByPath[path] == nil {
				t.Errorf("%s (in the API reference's example) has no label", path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no example document found in the API reference")
	}
}
