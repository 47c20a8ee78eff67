package marketplace

// The structs below mirror the TrustInfo and AppTrustInformation schemas of the
// Marketplace REST API v3 page "Privacy and security", field for field. Every field is
// optional on the wire (the page documents no required fields), so every field carries
// omitempty: a value the user did not set is never sent. Booleans are pointers because
// false is a meaningful answer ("dataSharing": false) that omitempty must not drop.

// TrustInfo is the body of GET /rest/3/privacy-and-security/products/{productId}.
type TrustInfo struct {
	CommonCloud *AppTrustInformation `json:"commonCloud,omitempty"`
}

// AppTrustInformation is the value of commonCloud. Properties is maintained by the
// server: it is read from GET responses and never sent (PUT ignores it).
type AppTrustInformation struct {
	DataAccessAndStorage  *DataAccessAndStorage  `json:"dataAccessAndStorage,omitempty"`
	ThirdPartyInformation *ThirdPartyInformation `json:"thirdPartyInformation,omitempty"`
	LogDetails            *LogDetails            `json:"logDetails,omitempty"`
	DataResidency         *DataResidency         `json:"dataResidency,omitempty"`
	DataRetention         *DataRetention         `json:"dataRetention,omitempty"`
	Privacy               *Privacy               `json:"privacy,omitempty"`
	Security              *Security              `json:"security,omitempty"`
	Properties            *Properties            `json:"properties,omitempty"`
}

type DataAccessAndStorage struct {
	DataAccess  *DataAccess  `json:"dataAccess,omitempty"`
	DataStorage *DataStorage `json:"dataStorage,omitempty"`
}

type DataAccess struct {
	DataAccessDescription string   `json:"dataAccessDescription,omitempty"`
	DataAccessTypes       []string `json:"dataAccessTypes,omitempty"`
	DataAccessScope       string   `json:"dataAccessScope,omitempty"`
}

type DataStorage struct {
	DataStorageDescription string `json:"dataStorageDescription,omitempty"`
	DataRetentionPeriod    string `json:"dataRetentionPeriod,omitempty"`
	DataDeletionPolicy     string `json:"dataDeletionPolicy,omitempty"`
}

type ThirdPartyInformation struct {
	ThirdPartyServices     []string `json:"thirdPartyServices,omitempty"`
	DataSharing            *bool    `json:"dataSharing,omitempty"`
	DataSharingDescription string   `json:"dataSharingDescription,omitempty"`
}

type LogDetails struct {
	LoggingEnabled       *bool  `json:"loggingEnabled,omitempty"`
	LogRetention         string `json:"logRetention,omitempty"`
	SensitiveDataLogging *bool  `json:"sensitiveDataLogging,omitempty"`
}

type DataResidency struct {
	DataResidencyRegions    []string `json:"dataResidencyRegions,omitempty"`
	DataResidencyCompliance *bool    `json:"dataResidencyCompliance,omitempty"`
}

type DataRetention struct {
	RetentionPeriod string `json:"retentionPeriod,omitempty"`
	DeletionProcess string `json:"deletionProcess,omitempty"`
	BackupRetention string `json:"backupRetention,omitempty"`
}

type Privacy struct {
	PrivacyEnhancingTechniques *PrivacyEnhancingTechniques `json:"privacyEnhancingTechniques,omitempty"`
	GDPR                       *GDPR                       `json:"gdpr,omitempty"`
	CCPA                       *CCPA                       `json:"ccpa,omitempty"`
	DataProcessingAgreement    *DataProcessingAgreement    `json:"dataProcessingAgreement,omitempty"`
}

type PrivacyEnhancingTechniques struct {
	DataMinimization *bool `json:"dataMinimization,omitempty"`
	Anonymization    *bool `json:"anonymization,omitempty"`
	Pseudonymization *bool `json:"pseudonymization,omitempty"`
}

type GDPR struct {
	GDPRCompliant       *bool    `json:"gdprCompliant,omitempty"`
	DataProcessingBasis string   `json:"dataProcessingBasis,omitempty"`
	UserRights          []string `json:"userRights,omitempty"`
}

type CCPA struct {
	CCPACompliant  *bool    `json:"ccpaCompliant,omitempty"`
	DataCategories []string `json:"dataCategories,omitempty"`
}

type DataProcessingAgreement struct {
	DPAAvailable *bool  `json:"dpaAvailable,omitempty"`
	DPAURL       string `json:"dpaUrl,omitempty"`
}

type Security struct {
	SecurityContact            string   `json:"securityContact,omitempty"`
	PublicSecurityPoliciesLink string   `json:"publicSecurityPoliciesLink,omitempty"`
	CAIQ                       *CAIQ    `json:"caiq,omitempty"`
	IsDiskEncryptionSupported  *bool    `json:"isDiskEncryptionSupported,omitempty"`
	HasCompliantCertifications *bool    `json:"hasCompliantCertifications,omitempty"`
	CompliantCertifications    []string `json:"compliantCertifications,omitempty"`
}

type CAIQ struct {
	IsCAIQCompleted *bool  `json:"isCAIQCompleted,omitempty"`
	CAIQLiteLink    string `json:"CAIQLiteLink,omitempty"`
}

// Properties is server-maintained metadata of one version of the document.
type Properties struct {
	UpdatedBy string `json:"updatedBy,omitempty"`
	// UpdatedAt is epoch milliseconds, as in the reference's example.
	UpdatedAt  int64    `json:"updatedAt,omitempty"`
	FormStatus string   `json:"formStatus,omitempty"`
	JiraLinks  []string `json:"jiraLinks,omitempty"`
}
