package document

import "testing"

// Every field of the tree has a label of the form, and every label names a field.
func TestEveryFieldHasALabel(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields() {
		seen[f.Path] = true
		if formLabels[f.Path] == "" {
			t.Errorf("%s has no label in formLabels", f.Path)
		}
	}
	for p := range formLabels {
		if !seen[p] {
			t.Errorf("formLabels names %s, which the tree does not have", p)
		}
	}
	if len(Fields()) < 40 {
		t.Errorf("only %d fields", len(Fields()))
	}
}

func TestFieldsNamesOrderAndKinds(t *testing.T) {
	byPath := map[string]Field{}
	order := map[string]int{}
	for i, f := range Fields() {
		byPath[f.Path] = f
		order[f.Path] = i
	}
	for path, want := range map[string]Field{
		"security.caiq.CAIQLiteLink":       {Attr: "security.caiq.caiq_lite_link", Label: "CAIQ Lite link", Kind: FieldText},
		"security.caiq.isCAIQCompleted":    {Attr: "security.caiq.is_caiq_completed", Kind: FieldFlag},
		"privacy.gdpr.dataProcessingBasis": {Attr: "privacy.gdpr.data_processing_basis", Kind: FieldCode},
		"privacy.gdpr.userRights":          {Attr: "privacy.gdpr.user_rights", Kind: FieldCodeSet},
		"security.compliantCertifications": {Attr: "security.compliant_certifications", Kind: FieldSet},
		"privacy.gdpr":                     {Attr: "privacy.gdpr", Kind: FieldGroup},
	} {
		got, ok := byPath[path]
		if !ok {
			t.Errorf("%s missing", path)
			continue
		}
		if got.Attr != want.Attr || got.Kind != want.Kind || (want.Label != "" && got.Label != want.Label) {
			t.Errorf("%s: got %+v, want %+v", path, got, want)
		}
	}
	// The form's order: a group before its fields, the tree's order among siblings.
	for _, pair := range [][2]string{{"privacy", "privacy.gdpr"}, {"privacy.gdpr", "privacy.gdpr.userRights"},
		{"dataResidency.dataResidencyRegions", "privacy.gdpr.gdprCompliant"}} {
		if order[pair[0]] >= order[pair[1]] {
			t.Errorf("%s comes after %s", pair[0], pair[1])
		}
	}
}
