package main

import (
	"strings"
	"unicode"
)

// The document's fields as the Marketplace form names them, in the form's order. Paths are
// the API's JSON names (the value of commonCloud), dot-joined; the typed form's attribute
// names follow from them (snakeCase). This table is the command's own: it does not import
// the provider. TestEveryFieldHasALabel fails when the provider's document tree
// (internal/document/document.go) or the API reference has a field this table lacks.

type fieldKind int

const (
	kindText    fieldKind = iota // free text, a URL or an email address
	kindCode                     // one code, e.g. CONSENT
	kindFlag                     // yes or no
	kindSet                      // a set of names, e.g. regions, services, certifications
	kindCodeSet                  // a set of codes
	kindObject                   // a group of fields
)

type field struct {
	path  string
	label string
	kind  fieldKind
}

var fields = []field{
	{"dataAccessAndStorage", "Data access and storage", kindObject},
	{"dataAccessAndStorage.dataAccess", "Data access", kindObject},
	{"dataAccessAndStorage.dataAccess.dataAccessDescription", "Data access description", kindText},
	{"dataAccessAndStorage.dataAccess.dataAccessTypes", "Data accessed", kindCodeSet},
	{"dataAccessAndStorage.dataAccess.dataAccessScope", "Data access scope", kindCode},
	{"dataAccessAndStorage.dataStorage", "Data storage", kindObject},
	{"dataAccessAndStorage.dataStorage.dataStorageDescription", "Data storage description", kindText},
	{"dataAccessAndStorage.dataStorage.dataRetentionPeriod", "Stored data retention period", kindCode},
	{"dataAccessAndStorage.dataStorage.dataDeletionPolicy", "Stored data deletion policy", kindCode},

	{"thirdPartyInformation", "Third parties", kindObject},
	{"thirdPartyInformation.thirdPartyServices", "Third-party services", kindSet},
	{"thirdPartyInformation.dataSharing", "Shares data with third parties", kindFlag},
	{"thirdPartyInformation.dataSharingDescription", "Data sharing description", kindText},

	{"logDetails", "Logging", kindObject},
	{"logDetails.loggingEnabled", "Keeps logs", kindFlag},
	{"logDetails.logRetention", "Log retention", kindCode},
	{"logDetails.sensitiveDataLogging", "Sensitive data in logs", kindFlag},

	{"dataResidency", "Data residency", kindObject},
	{"dataResidency.dataResidencyRegions", "Data residency regions", kindSet},
	{"dataResidency.dataResidencyCompliance", "Supports Atlassian data residency", kindFlag},

	{"dataRetention", "Data retention", kindObject},
	{"dataRetention.retentionPeriod", "Data retention period", kindCode},
	{"dataRetention.deletionProcess", "Data deletion process", kindCode},
	{"dataRetention.backupRetention", "Backup retention", kindCode},

	{"privacy", "Privacy", kindObject},
	{"privacy.privacyEnhancingTechniques", "Privacy-enhancing techniques", kindObject},
	{"privacy.privacyEnhancingTechniques.dataMinimization", "Data minimization", kindFlag},
	{"privacy.privacyEnhancingTechniques.anonymization", "Anonymization", kindFlag},
	{"privacy.privacyEnhancingTechniques.pseudonymization", "Pseudonymization", kindFlag},
	{"privacy.gdpr", "GDPR", kindObject},
	{"privacy.gdpr.gdprCompliant", "GDPR compliant", kindFlag},
	{"privacy.gdpr.dataProcessingBasis", "GDPR processing basis", kindCode},
	{"privacy.gdpr.userRights", "GDPR user rights", kindCodeSet},
	{"privacy.ccpa", "CCPA", kindObject},
	{"privacy.ccpa.ccpaCompliant", "CCPA compliant", kindFlag},
	{"privacy.ccpa.dataCategories", "CCPA data categories", kindCodeSet},
	{"privacy.dataProcessingAgreement", "Data processing agreement", kindObject},
	{"privacy.dataProcessingAgreement.dpaAvailable", "DPA available", kindFlag},
	{"privacy.dataProcessingAgreement.dpaUrl", "DPA link", kindText},

	{"security", "Security", kindObject},
	{"security.securityContact", "Security contact", kindText},
	{"security.publicSecurityPoliciesLink", "Public security policies link", kindText},
	{"security.caiq", "CAIQ", kindObject},
	{"security.caiq.isCAIQCompleted", "CAIQ Lite completed", kindFlag},
	{"security.caiq.CAIQLiteLink", "CAIQ Lite link", kindText},
	{"security.isDiskEncryptionSupported", "Disk encryption of data at rest", kindFlag},
	{"security.hasCompliantCertifications", "Holds compliance certifications", kindFlag},
	{"security.compliantCertifications", "Compliance certifications", kindSet},
}

var (
	fieldByPath = map[string]*field{}
	fieldOrder  = map[string]int{}
	// jsonNameOf maps a parent path ("" for the document) and a typed attribute name to the
	// JSON name: security + caiq_lite_link -> CAIQLiteLink.
	jsonNameOf = map[string]map[string]string{}
)

func init() {
	for i := range fields {
		f := &fields[i]
		fieldByPath[f.path] = f
		fieldOrder[f.path] = i
		parent, name := splitPath(f.path)
		if jsonNameOf[parent] == nil {
			jsonNameOf[parent] = map[string]string{}
		}
		jsonNameOf[parent][snakeCase(name)] = name
	}
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

// labelOf is the human label of a path; a field this table does not know (one the JSON
// form carries and the provider does not model) is named by its JSON path.
func labelOf(p string) string {
	if p == "" {
		return "The document"
	}
	if f := fieldByPath[p]; f != nil {
		return f.label
	}
	return "`" + p + "`"
}

func kindOf(p string) fieldKind {
	if f := fieldByPath[p]; f != nil {
		return f.kind
	}
	return -1
}

// snakeCase turns a JSON name into its attribute name, keeping acronyms whole, as the
// provider does: isCAIQCompleted -> is_caiq_completed, CAIQLiteLink -> caiq_lite_link.
func snakeCase(s string) string {
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		if unicode.IsUpper(r) && i > 0 {
			prevLower := unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1])
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if prevLower || (unicode.IsUpper(runes[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// camelCase is the fallback for a typed attribute this table does not know.
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
