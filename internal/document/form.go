package document

import "strings"

// The document as the Marketplace form shows it: each field of the tree (CommonCloud) with
// the form's label, in the tree's order, which is the form's. The plan summary
// (cmd/marketplace-plan-summary) words what a plan changes with these.

// FieldKind is what a field holds, as a reader of the form sees it.
type FieldKind int

const (
	FieldText    FieldKind = iota // free text, a URL or an email address
	FieldCode                     // one code, e.g. CONSENT
	FieldFlag                     // yes or no
	FieldSet                      // a set of names, e.g. regions, services, certifications
	FieldCodeSet                  // a set of codes
	FieldGroup                    // a group of fields
)

// Field is one field of the document.
type Field struct {
	Path  string // the JSON names from commonCloud down, dotted: "privacy.gdpr.userRights"
	Attr  string // the attribute names of common_cloud, dotted: "privacy.gdpr.user_rights"
	Label string // the form's words: "GDPR user rights"
	Kind  FieldKind
}

// formLabels are the form's labels by JSON path; TestEveryFieldHasALabel keeps them and the
// tree in step.
var formLabels = map[string]string{
	"dataAccessAndStorage":                                    "Data access and storage",
	"dataAccessAndStorage.dataAccess":                         "Data access",
	"dataAccessAndStorage.dataAccess.dataAccessDescription":   "Data access description",
	"dataAccessAndStorage.dataAccess.dataAccessTypes":         "Data accessed",
	"dataAccessAndStorage.dataAccess.dataAccessScope":         "Data access scope",
	"dataAccessAndStorage.dataStorage":                        "Data storage",
	"dataAccessAndStorage.dataStorage.dataStorageDescription": "Data storage description",
	"dataAccessAndStorage.dataStorage.dataRetentionPeriod":    "Stored data retention period",
	"dataAccessAndStorage.dataStorage.dataDeletionPolicy":     "Stored data deletion policy",

	"thirdPartyInformation":                        "Third parties",
	"thirdPartyInformation.thirdPartyServices":     "Third-party services",
	"thirdPartyInformation.dataSharing":            "Shares data with third parties",
	"thirdPartyInformation.dataSharingDescription": "Data sharing description",

	"logDetails":                      "Logging",
	"logDetails.loggingEnabled":       "Keeps logs",
	"logDetails.logRetention":         "Log retention",
	"logDetails.sensitiveDataLogging": "Sensitive data in logs",

	"dataResidency":                         "Data residency",
	"dataResidency.dataResidencyRegions":    "Data residency regions",
	"dataResidency.dataResidencyCompliance": "Supports Atlassian data residency",

	"dataRetention":                 "Data retention",
	"dataRetention.retentionPeriod": "Data retention period",
	"dataRetention.deletionProcess": "Data deletion process",
	"dataRetention.backupRetention": "Backup retention",

	"privacy":                            "Privacy",
	"privacy.privacyEnhancingTechniques": "Privacy-enhancing techniques",
	"privacy.privacyEnhancingTechniques.dataMinimization": "Data minimization",
	"privacy.privacyEnhancingTechniques.anonymization":    "Anonymization",
	"privacy.privacyEnhancingTechniques.pseudonymization": "Pseudonymization",
	"privacy.gdpr":                                 "GDPR",
	"privacy.gdpr.gdprCompliant":                   "GDPR compliant",
	"privacy.gdpr.dataProcessingBasis":             "GDPR processing basis",
	"privacy.gdpr.userRights":                      "GDPR user rights",
	"privacy.ccpa":                                 "CCPA",
	"privacy.ccpa.ccpaCompliant":                   "CCPA compliant",
	"privacy.ccpa.dataCategories":                  "CCPA data categories",
	"privacy.dataProcessingAgreement":              "Data processing agreement",
	"privacy.dataProcessingAgreement.dpaAvailable": "DPA available",
	"privacy.dataProcessingAgreement.dpaUrl":       "DPA link",

	"security":                            "Security",
	"security.securityContact":            "Security contact",
	"security.publicSecurityPoliciesLink": "Public security policies link",
	"security.caiq":                       "CAIQ",
	"security.caiq.isCAIQCompleted":       "CAIQ Lite completed",
	"security.caiq.CAIQLiteLink":          "CAIQ Lite link",
	"security.isDiskEncryptionSupported":  "Disk encryption of data at rest",
	"security.hasCompliantCertifications": "Holds compliance certifications",
	"security.compliantCertifications":    "Compliance certifications",
}

var fields = CommonCloud.formFields("", "")

// Fields lists every field of the document below commonCloud, depth first in the tree's
// order (a group before its fields). Shared: do not modify.
func Fields() []Field { return fields }

func (n docNode) formFields(path, attrPath string) []Field {
	var out []Field
	for _, c := range n.children {
		f := Field{Path: joinDotted(path, c.json), Attr: joinDotted(attrPath, c.tfName()), Kind: c.formKind()}
		f.Label = formLabels[f.Path]
		if f.Label == "" {
			f.Label = f.Path
		}
		out = append(out, f)
		out = append(out, c.formFields(f.Path, f.Attr)...)
	}
	return out
}

func (n docNode) formKind() FieldKind {
	code := false
	for _, v := range n.stringValidators {
		if c, ok := v.(stringCheck); ok && c.summary == "Invalid code" {
			code = true
		}
	}
	switch n.kind {
	case kindBool:
		return FieldFlag
	case kindStringSet:
		if code {
			return FieldCodeSet
		}
		return FieldSet
	case kindObject:
		return FieldGroup
	}
	if code {
		return FieldCode
	}
	return FieldText
}

func joinDotted(parent, name string) string {
	if parent == "" {
		return name
	}
	return strings.Join([]string{parent, name}, ".")
}
