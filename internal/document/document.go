package document

import (
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The trust document (the value of commonCloud) is described once, below, by its JSON
// names. Everything else follows from this one tree: the resource's and the data source's
// nested attributes (names are the JSON names in snake_case), their attribute types, and
// the conversion between the API's JSON and Terraform values. A field added to the API is
// one line here.

type nodeKind int

const (
	kindString nodeKind = iota
	kindBool
	kindStringSet
	kindObject
)

type docNode struct {
	json        string
	kind        nodeKind
	description string
	children    []docNode
	// Plan-time checks, applied by the resource only (a data source reports what is).
	stringValidators []validator.String // on a string, or on each element of a set
	objectValidators []validator.Object
	// objectType is the Terraform type of an object node, built once (see init).
	objectType types.ObjectType
}

// init builds every object node's type once. The schemas hand it to the framework as the
// nested attribute's CustomType: otherwise the framework rebuilds the type of the whole
// subtree for every value path it visits, several times per RPC, and that was the largest
// cost of the provider at hundreds of resources.
func init() { CommonCloud.precomputeTypes() }

func (n *docNode) precomputeTypes() {
	if n.kind != kindObject {
		return
	}
	attrTypes := make(map[string]attr.Type, len(n.children))
	for i := range n.children {
		c := &n.children[i]
		c.precomputeTypes()
		attrTypes[c.tfName()] = c.attrType()
	}
	n.objectType = types.ObjectType{AttrTypes: attrTypes}
}

func (n docNode) tfName() string { return snakeCase(n.json) }

// JSONPath is the document's JSON path of the attribute path below the node given by its
// attribute names (e.g. "privacy", "gdpr"), dotted; false when the node has no such attribute.
func (n docNode) JSONPath(tfNames ...string) (string, bool) {
	node := &n
	names := make([]string, 0, len(tfNames))
	for _, name := range tfNames {
		var next *docNode
		for i := range node.children {
			if c := &node.children[i]; c.tfName() == name {
				next = c
				break
			}
		}
		if next == nil {
			return "", false
		}
		names, node = append(names, next.json), next
	}
	return strings.Join(names, "."), true
}

func str(json, description string, validators ...validator.String) docNode {
	return docNode{json: json, kind: kindString, description: description, stringValidators: validators}
}

func flag(json, description string) docNode {
	return docNode{json: json, kind: kindBool, description: description}
}

func strSet(json, description string, validators ...validator.String) docNode {
	return docNode{json: json, kind: kindStringSet, description: description, stringValidators: validators}
}

func object(json, description string, children ...docNode) docNode {
	return docNode{json: json, kind: kindObject, description: description, children: children}
}

func (n docNode) withObjectValidators(v ...validator.Object) docNode {
	n.objectValidators = append(n.objectValidators, v...)
	return n
}

var CommonCloud = object("commonCloud",
	"The app's privacy and security information for Atlassian cloud products: the API's `commonCloud` object.",
	object("dataAccessAndStorage", "What user data the app accesses and how it stores it.",
		object("dataAccess", "Data the app accesses.",
			str("dataAccessDescription", "How and why the app accesses user data."),
			strSet("dataAccessTypes", "Kinds of data accessed, as codes (e.g. `USER_PROFILE`, `CONTENT`).", upperSnake()),
			str("dataAccessScope", "Scope of the access, as a code (e.g. `USER_LEVEL`).", upperSnake()),
		),
		object("dataStorage", "Where and how long the app stores data.",
			str("dataStorageDescription", "How the app stores user data."),
			str("dataRetentionPeriod", "How long stored data is kept, as a code (e.g. `90_DAYS`).", upperSnake()),
			str("dataDeletionPolicy", "How stored data is deleted, as a code (e.g. `AUTOMATIC`).", upperSnake()),
		),
	),
	object("thirdPartyInformation", "Third parties the app uses or shares data with.",
		strSet("thirdPartyServices", "Third-party services the app relies on (e.g. `AWS`)."),
		flag("dataSharing", "Whether user data is shared with third parties. When `true`, `data_sharing_description` is required."),
		str("dataSharingDescription", "What is shared, with whom, and why."),
	).withObjectValidators(requiredWhenTrue("data_sharing", "data_sharing_description")),
	object("logDetails", "What the app logs.",
		flag("loggingEnabled", "Whether the app keeps logs."),
		str("logRetention", "How long logs are kept, as a code (e.g. `30_DAYS`).", upperSnake()),
		flag("sensitiveDataLogging", "Whether logs may contain sensitive data."),
	),
	object("dataResidency", "Where data is held.",
		strSet("dataResidencyRegions", "Regions data can be held in (e.g. `US`, `EU`)."),
		flag("dataResidencyCompliance", "Whether the app supports Atlassian data residency."),
	),
	object("dataRetention", "Retention of data once collected.",
		str("retentionPeriod", "How long data is kept, as a code (e.g. `90_DAYS`).", upperSnake()),
		str("deletionProcess", "How data is deleted, as a code (e.g. `AUTOMATIC`).", upperSnake()),
		str("backupRetention", "How long backups are kept, as a code (e.g. `30_DAYS`).", upperSnake()),
	),
	object("privacy", "Privacy practices and regulations.",
		object("privacyEnhancingTechniques", "Techniques applied to personal data.",
			flag("dataMinimization", "Whether only the data needed is collected."),
			flag("anonymization", "Whether data is anonymized."),
			flag("pseudonymization", "Whether data is pseudonymized."),
		),
		object("gdpr", "EU General Data Protection Regulation.",
			flag("gdprCompliant", "Whether the app complies with the GDPR."),
			str("dataProcessingBasis", "Legal basis of the processing, as a code (e.g. `CONSENT`).", upperSnake()),
			strSet("userRights", "Data subject rights supported, as codes (e.g. `ACCESS`, `ERASURE`).", upperSnake()),
		),
		object("ccpa", "California Consumer Privacy Act.",
			flag("ccpaCompliant", "Whether the app complies with the CCPA."),
			strSet("dataCategories", "Categories of personal information, as codes (e.g. `PERSONAL`).", upperSnake()),
		),
		object("dataProcessingAgreement", "The vendor's data processing agreement (DPA).",
			flag("dpaAvailable", "Whether a DPA is available. When `true`, `dpa_url` is required."),
			str("dpaUrl", "Absolute http(s) URL of the DPA.", httpURL()),
		).withObjectValidators(requiredWhenTrue("dpa_available", "dpa_url")),
	),
	object("security", "Security practices and certifications.",
		str("securityContact", "Where to report security issues: an email address or an http(s) URL.", emailOrURL()),
		str("publicSecurityPoliciesLink", "Absolute http(s) URL of the public security policies.", httpURL()),
		object("caiq", "Consensus Assessments Initiative Questionnaire (CAIQ).",
			flag("isCAIQCompleted", "Whether the CAIQ Lite is completed. When `true`, `caiq_lite_link` is required."),
			str("CAIQLiteLink", "Absolute http(s) URL of the completed CAIQ Lite.", httpURL()),
		).withObjectValidators(requiredWhenTrue("is_caiq_completed", "caiq_lite_link")),
		flag("isDiskEncryptionSupported", "Whether data at rest is encrypted."),
		flag("hasCompliantCertifications", "Whether the app holds compliance certifications; must agree with `compliant_certifications`."),
		strSet("compliantCertifications", "Certifications held (e.g. `SOC2`, `ISO27001`)."),
	).withObjectValidators(certificationsAgree()),
)

// snakeCase turns a JSON name into its attribute name, keeping acronyms whole:
// isCAIQCompleted -> is_caiq_completed, CAIQLiteLink -> caiq_lite_link, dpaUrl -> dpa_url.
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

// attrType is the Terraform type of n's value.
func (n docNode) attrType() attr.Type {
	switch n.kind {
	case kindString:
		return types.StringType
	case kindBool:
		return types.BoolType
	case kindStringSet:
		return types.SetType{ElemType: types.StringType}
	}
	return n.objectType
}

// ChildTypes is the attribute types of an object node (shared: do not modify).
func (n docNode) ChildTypes() map[string]attr.Type { return n.objectType.AttrTypes }

// Description is what the node's attributes say of it.
func (n docNode) Description() string { return n.description }

// ObjectType is the Terraform type of an object node.
func (n docNode) ObjectType() types.ObjectType { return n.objectType }

// ResourceAttributes are n's children as optional resource attributes, with their checks.
func (n docNode) ResourceAttributes() map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(n.children))
	for _, c := range n.children {
		out[c.tfName()] = c.resourceAttribute()
	}
	return out
}

func (n docNode) resourceAttribute() rschema.Attribute {
	switch n.kind {
	// The document's rules (codes, URLs, fields that go together, nothing empty) are not
	// attribute validators: a validator cannot know what the Marketplace already holds, and
	// an app must be adoptable as it stands. The plan checks them (CheckPlanned):
	// what the configuration introduces or changes must pass, what the Marketplace holds is
	// warned about. Only what no document can hold is refused here.
	case kindString:
		return rschema.StringAttribute{MarkdownDescription: n.description, Optional: true}
	case kindBool:
		return rschema.BoolAttribute{MarkdownDescription: n.description, Optional: true}
	case kindStringSet:
		return rschema.SetAttribute{
			MarkdownDescription: n.description, Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{noNullElements()},
		}
	}
	return rschema.SingleNestedAttribute{
		MarkdownDescription: n.description, Optional: true,
		CustomType: n.objectType,
		Attributes: n.ResourceAttributes(),
	}
}

// DataSourceAttributes are n's children as computed data source attributes.
func (n docNode) DataSourceAttributes() map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(n.children))
	for _, c := range n.children {
		out[c.tfName()] = c.dataSourceAttribute()
	}
	return out
}

func (n docNode) dataSourceAttribute() dschema.Attribute {
	switch n.kind {
	case kindString:
		return dschema.StringAttribute{MarkdownDescription: n.description, Computed: true}
	case kindBool:
		return dschema.BoolAttribute{MarkdownDescription: n.description, Computed: true}
	case kindStringSet:
		return dschema.SetAttribute{MarkdownDescription: n.description, Computed: true, ElementType: types.StringType}
	}
	return dschema.SingleNestedAttribute{
		MarkdownDescription: n.description, Computed: true, CustomType: n.objectType, Attributes: n.DataSourceAttributes(),
	}
}

// ProjectJSON keeps, at every object level of got, only the keys that shape has. It is
// how common_cloud_json ignores fields the server adds on its own (the live API carries
// fields nobody sent), while any change to a field the user manages still shows.
func ProjectJSON(got, shape any) any {
	gm, ok1 := got.(map[string]any)
	sm, ok2 := shape.(map[string]any)
	if !ok1 || !ok2 {
		return got
	}
	out := make(map[string]any, len(sm))
	for k, sv := range sm {
		if gv, ok := gm[k]; ok {
			out[k] = ProjectJSON(gv, sv)
		}
	}
	return out
}
