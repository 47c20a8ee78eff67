package mockmarketplace

import (
	"encoding/json"
	"fmt"
	"sort"
)

// The wire schema the mock checks PUT bodies against, written out independently of the
// client's structs: a client that misnames or mistypes a field fails here instead of
// being mirrored.
type kind int

const (
	kindString kind = iota
	kindBool
	kindNumber
	kindStrings
	kindObject
)

type field struct {
	kind     kind
	children map[string]field
}

func obj(children map[string]field) field { return field{kind: kindObject, children: children} }

var (
	str     = field{kind: kindString}
	boolean = field{kind: kindBool}
	number  = field{kind: kindNumber}
	strs    = field{kind: kindStrings}
)

var commonCloudSchema = obj(map[string]field{
	"dataAccessAndStorage": obj(map[string]field{
		"dataAccess": obj(map[string]field{
			"dataAccessDescription": str,
			"dataAccessTypes":       strs,
			"dataAccessScope":       str,
		}),
		"dataStorage": obj(map[string]field{
			"dataStorageDescription": str,
			"dataRetentionPeriod":    str,
			"dataDeletionPolicy":     str,
		}),
	}),
	"thirdPartyInformation": obj(map[string]field{
		"thirdPartyServices":     strs,
		"dataSharing":            boolean,
		"dataSharingDescription": str,
	}),
	"logDetails": obj(map[string]field{
		"loggingEnabled":       boolean,
		"logRetention":         str,
		"sensitiveDataLogging": boolean,
	}),
	"dataResidency": obj(map[string]field{
		"dataResidencyRegions":    strs,
		"dataResidencyCompliance": boolean,
	}),
	"dataRetention": obj(map[string]field{
		"retentionPeriod": str,
		"deletionProcess": str,
		"backupRetention": str,
	}),
	"privacy": obj(map[string]field{
		"privacyEnhancingTechniques": obj(map[string]field{
			"dataMinimization": boolean,
			"anonymization":    boolean,
			"pseudonymization": boolean,
		}),
		"gdpr": obj(map[string]field{
			"gdprCompliant":       boolean,
			"dataProcessingBasis": str,
			"userRights":          strs,
		}),
		"ccpa": obj(map[string]field{
			"ccpaCompliant":  boolean,
			"dataCategories": strs,
		}),
		"dataProcessingAgreement": obj(map[string]field{
			"dpaAvailable": boolean,
			"dpaUrl":       str,
		}),
	}),
	"security": obj(map[string]field{
		"securityContact":            str,
		"publicSecurityPoliciesLink": str,
		"caiq": obj(map[string]field{
			"isCAIQCompleted": boolean,
			"CAIQLiteLink":    str,
		}),
		"isDiskEncryptionSupported":  boolean,
		"hasCompliantCertifications": boolean,
		"compliantCertifications":    strs,
	}),
	"properties": obj(map[string]field{
		"updatedBy":  str,
		"updatedAt":  number,
		"formStatus": str,
		"jiraLinks":  strs,
	}),
})

// typeCheck returns the path of the first known field whose value has the wrong JSON
// type. Unknown fields are accepted as they are (the live API carries fields its page
// does not show); null counts as absent.
func typeCheck(path string, f field, v any) error {
	if v == nil {
		return nil
	}
	switch f.kind {
	case kindString, kindBool, kindNumber:
		if !scalarOfKind(f.kind, v) {
			return fmt.Errorf("%s: expected %s, got %s", path, kindName[f.kind], jsonType(v))
		}
	case kindStrings:
		return checkStrings(path, v)
	case kindObject:
		return checkObject(path, f, v)
	}
	return nil
}

var kindName = map[kind]string{kindString: "a string", kindBool: "a boolean", kindNumber: "a number"}

func scalarOfKind(k kind, v any) bool {
	switch v.(type) {
	case string:
		return k == kindString
	case bool:
		return k == kindBool
	case json.Number:
		return k == kindNumber
	}
	return false
}

func checkStrings(path string, v any) error {
	items, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s: expected an array of strings, got %s", path, jsonType(v))
	}
	for i, item := range items {
		if _, ok := item.(string); !ok {
			return fmt.Errorf("%s[%d]: expected a string, got %s", path, i, jsonType(item))
		}
	}
	return nil
}

func checkObject(path string, f field, v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: expected an object, got %s", path, jsonType(v))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error reported is the same on every run
	for _, k := range keys {
		child, known := f.children[k]
		if !known {
			continue
		}
		if err := typeCheck(path+"."+k, child, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
