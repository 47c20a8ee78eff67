package fastpath

import (
	"context"
	"fmt"
	"reflect"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// What this package handles in a resource's schema and interfaces; anything else hands
// the RPCs it affects to the framework (resourceType.unsupported says which and why):
//
//   - attributes: string, bool, set, object, single nested; blocks: single nested;
//   - defaults and plan modifiers of top-level string and bool attributes, whatever their
//     implementation (they are called as the framework calls them);
//   - computed attributes at the top level (unknown in the plan of a change);
//   - semantic equality of string values, at any depth outside collections;
//   - a resource identity, mutable or not; Configure, ConfigValidators, ValidateConfig,
//     ModifyPlan (without RequiresReplace or Deferred in its answer); private state;
//   - validators on every attribute and block kind above.

// resourceType is what one resource's schema and interfaces imply, read once.
type resourceType struct {
	typeName        string
	factory         func() resource.Resource
	schema          schema.Schema
	stateType       tftypes.Object
	identitySchema  *identityschema.Schema
	identityType    tftypes.Type // nil without an identity schema
	mutableIdentity bool
	hasImportState  bool

	attrTypes map[string]attr.Type // top-level attributes and blocks
	defaults  []string             // top-level attributes with a default
	computed  []string             // top-level computed attributes without a default
	modified  []string             // top-level attributes with plan modifiers
	semantic  []semanticString     // strings compared semantically

	unsupported map[RPC][]string
}

// semanticString is where a string type with semantic equality stands.
type semanticString struct {
	names []string // attribute names from the top level
	typ   basetypes.StringTypable
}

// notFor records why rpcs (all when nil) are left to the framework.
func (rt *resourceType) notFor(rpcs []RPC, reason string) {
	if rpcs == nil {
		rpcs = RPCs
	}
	if rt.unsupported == nil {
		rt.unsupported = map[RPC][]string{}
	}
	for _, rpc := range rpcs {
		rt.unsupported[rpc] = append(rt.unsupported[rpc], reason)
	}
}

func newResourceType(ctx context.Context, providerTypeName string, factory func() resource.Resource) *resourceType {
	rt := &resourceType{factory: factory, attrTypes: map[string]attr.Type{}}
	r := factory()
	var meta resource.MetadataResponse
	r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
	rt.typeName = meta.TypeName
	rt.mutableIdentity = meta.ResourceBehavior.MutableIdentity
	if meta.ResourceBehavior.ProviderDeferred.EnablePlanModification {
		rt.notFor(nil, "ResourceBehavior.ProviderDeferred is set")
	}
	_, rt.hasImportState = r.(resource.ResourceWithImportState)

	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		rt.notFor(nil, "its Schema returned errors")
		return rt
	}
	rt.schema = sr.Schema
	rt.stateType, _ = rt.schema.Type().TerraformType(ctx).(tftypes.Object)
	if withIdentity, ok := r.(resource.ResourceWithIdentity); ok {
		var ir resource.IdentitySchemaResponse
		withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ir)
		if ir.Diagnostics.HasError() {
			rt.notFor(nil, "its IdentitySchema returned errors")
			return rt
		}
		rt.identitySchema = &ir.IdentitySchema
		rt.identityType = ir.IdentitySchema.Type().TerraformType(ctx)
	}

	for _, name := range sortedKeys(rt.schema.Attributes) {
		a := rt.schema.Attributes[name]
		rt.attrTypes[name] = a.GetType()
		rt.topAttribute(ctx, name, a)
	}
	for _, name := range sortedKeys(rt.schema.Blocks) {
		b := rt.schema.Blocks[name]
		rt.attrTypes[name] = b.Type()
		rt.nestedBlock(ctx, path.Root(name), b)
	}
	return rt
}

var planApplyRead = []RPC{Plan, Read, Apply}

func (rt *resourceType) topAttribute(ctx context.Context, name string, a schema.Attribute) {
	p := path.Root(name)
	hasDefault, modifiers := defaultAndModifiers(a)
	switch a.(type) {
	case schema.StringAttribute, schema.BoolAttribute:
		if hasDefault {
			rt.defaults = append(rt.defaults, name)
		}
		if modifiers {
			rt.modified = append(rt.modified, name)
		}
	default:
		if hasDefault {
			rt.notFor([]RPC{Plan}, fmt.Sprintf("attribute %s has a default of a kind (%T) not handled", p, a))
		}
		if modifiers {
			rt.notFor([]RPC{Plan}, fmt.Sprintf("attribute %s has plan modifiers on a kind (%T) not handled", p, a))
		}
	}
	if a.IsComputed() && !hasDefault {
		rt.computed = append(rt.computed, name)
	}
	rt.common(ctx, p, a)
	if nested, ok := a.(schema.SingleNestedAttribute); ok {
		for _, child := range sortedKeys(nested.Attributes) {
			rt.nestedAttribute(ctx, p.AtName(child), nested.Attributes[child])
		}
	}
}

// nestedAttribute checks an attribute below the top level: none of what the plan applies
// to attributes (defaults, plan modifiers, computed values) is handled there.
func (rt *resourceType) nestedAttribute(ctx context.Context, p path.Path, a schema.Attribute) {
	hasDefault, modifiers := defaultAndModifiers(a)
	if hasDefault || modifiers || a.IsComputed() {
		rt.notFor([]RPC{Plan}, fmt.Sprintf("nested attribute %s is computed or has a default or plan modifiers", p))
	}
	rt.common(ctx, p, a)
	if nested, ok := a.(schema.SingleNestedAttribute); ok {
		for _, child := range sortedKeys(nested.Attributes) {
			rt.nestedAttribute(ctx, p.AtName(child), nested.Attributes[child])
		}
	}
}

func (rt *resourceType) nestedBlock(ctx context.Context, p path.Path, b schema.Block) {
	single, ok := b.(schema.SingleNestedBlock)
	if !ok {
		rt.notFor(nil, fmt.Sprintf("block %s is a %T, not a single nested block", p, b))
		return
	}
	if single.GetDeprecationMessage() != "" {
		rt.notFor([]RPC{Validate}, fmt.Sprintf("block %s is deprecated (the framework warns)", p))
	}
	if len(single.PlanModifiers) > 0 {
		rt.notFor([]RPC{Plan}, fmt.Sprintf("block %s has plan modifiers", p))
	}
	rt.semanticIn(ctx, p, b.Type())
	for _, child := range sortedKeys(single.Attributes) {
		rt.nestedAttribute(ctx, p.AtName(child), single.Attributes[child])
	}
	for _, child := range sortedKeys(single.Blocks) {
		rt.nestedBlock(ctx, p.AtName(child), single.Blocks[child])
	}
}

// common checks what every attribute may carry, at any depth.
func (rt *resourceType) common(ctx context.Context, p path.Path, a schema.Attribute) {
	if a.IsWriteOnly() {
		rt.notFor(nil, fmt.Sprintf("attribute %s is write-only (the framework nulls it in plan and state)", p))
	}
	if a.GetDeprecationMessage() != "" {
		rt.notFor([]RPC{Validate}, fmt.Sprintf("attribute %s is deprecated (the framework warns)", p))
	}
	switch a := a.(type) {
	case schema.StringAttribute, schema.BoolAttribute, schema.SetAttribute:
	case schema.SingleNestedAttribute:
	case schema.ObjectAttribute:
		if len(a.Validators) > 0 {
			rt.notFor([]RPC{Validate}, fmt.Sprintf("object attribute %s has validators", p))
		}
	default:
		rt.notFor(nil, fmt.Sprintf("attribute %s is a %T, a kind not handled", p, a))
		return
	}
	if _, nested := a.(schema.SingleNestedAttribute); nested {
		// Its attributes are checked one by one; only the object itself here.
		if _, ok := a.GetType().ValueType(ctx).(basetypes.ObjectValuableWithSemanticEquals); ok {
			rt.notFor(planApplyRead, fmt.Sprintf("attribute %s has an object type with semantic equality", p))
		}
		return
	}
	rt.semanticIn(ctx, p, a.GetType())
}

// semanticIn records the strings compared semantically within a value of typ at p, and
// marks as not handled any other semantic equality (other kinds, or inside collections).
func (rt *resourceType) semanticIn(ctx context.Context, p path.Path, typ attr.Type) {
	value := typ.ValueType(ctx)
	switch typ := typ.(type) {
	case attr.TypeWithAttributeTypes:
		if _, ok := value.(basetypes.ObjectValuableWithSemanticEquals); ok {
			rt.notFor(planApplyRead, fmt.Sprintf("%s has an object type with semantic equality", p))
		}
		attrTypes := typ.AttributeTypes()
		for _, name := range sortedKeys(attrTypes) {
			rt.semanticIn(ctx, p.AtName(name), attrTypes[name])
		}
		return
	case attr.TypeWithElementType:
		if hasSemanticEquality(ctx, typ.ElementType()) || hasSemanticEqualityValue(value) {
			rt.notFor(planApplyRead, fmt.Sprintf("%s is a collection with semantic equality", p))
		}
		return
	}
	if stringType, ok := typ.(basetypes.StringTypable); ok {
		if _, ok := value.(basetypes.StringValuableWithSemanticEquals); ok {
			rt.semantic = append(rt.semantic, semanticString{names: pathNames(p), typ: stringType})
			return
		}
	}
	if hasSemanticEqualityValue(value) {
		rt.notFor(planApplyRead, fmt.Sprintf("%s has a %T value with semantic equality, a kind not handled", p, value))
	}
}

func hasSemanticEquality(ctx context.Context, typ attr.Type) bool {
	if hasSemanticEqualityValue(typ.ValueType(ctx)) {
		return true
	}
	switch typ := typ.(type) {
	case attr.TypeWithAttributeTypes:
		for _, t := range typ.AttributeTypes() {
			if hasSemanticEquality(ctx, t) {
				return true
			}
		}
	case attr.TypeWithElementType:
		return hasSemanticEquality(ctx, typ.ElementType())
	}
	return false
}

func hasSemanticEqualityValue(v attr.Value) bool {
	switch v.(type) {
	case basetypes.StringValuableWithSemanticEquals, basetypes.BoolValuableWithSemanticEquals,
		basetypes.Int64ValuableWithSemanticEquals, basetypes.Int32ValuableWithSemanticEquals,
		basetypes.Float64ValuableWithSemanticEquals, basetypes.Float32ValuableWithSemanticEquals,
		basetypes.NumberValuableWithSemanticEquals, basetypes.ListValuableWithSemanticEquals,
		basetypes.SetValuableWithSemanticEquals, basetypes.MapValuableWithSemanticEquals,
		basetypes.ObjectValuableWithSemanticEquals, basetypes.DynamicValuableWithSemanticEquals:
		return true
	}
	return false
}

// defaultAndModifiers reads an attribute's Default and PlanModifiers fields, whatever its
// kind (every resource schema attribute kind that has them names them so).
func defaultAndModifiers(a schema.Attribute) (hasDefault, hasModifiers bool) {
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Struct {
		return true, true // unknown shape: assume the worst
	}
	if d := v.FieldByName("Default"); d.IsValid() && !d.IsNil() {
		hasDefault = true
	}
	if m := v.FieldByName("PlanModifiers"); m.IsValid() && m.Len() > 0 {
		hasModifiers = true
	}
	return hasDefault, hasModifiers
}

// stringDefault and boolDefault are the top-level defaults handled.
func stringDefault(a schema.Attribute) defaults.String {
	if s, ok := a.(schema.StringAttribute); ok {
		return s.Default
	}
	return nil
}

func boolDefault(a schema.Attribute) defaults.Bool {
	if b, ok := a.(schema.BoolAttribute); ok {
		return b.Default
	}
	return nil
}

func stringModifiers(a schema.Attribute) []planmodifier.String {
	if s, ok := a.(schema.StringAttribute); ok {
		return s.PlanModifiers
	}
	return nil
}

func boolModifiers(a schema.Attribute) []planmodifier.Bool {
	if b, ok := a.(schema.BoolAttribute); ok {
		return b.PlanModifiers
	}
	return nil
}

func pathNames(p path.Path) []string {
	var out []string
	for _, step := range p.Steps() {
		if name, ok := step.(path.PathStepAttributeName); ok {
			out = append(out, string(name))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
