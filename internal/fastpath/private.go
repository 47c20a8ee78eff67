package fastpath

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// A resource's private state, as the framework keeps it: one JSON object of JSON values,
// whose keys starting with "." are the framework's and the others the provider's. The
// provider's part reaches resource methods as a *privatestate.ProviderData, a type of the
// framework's internal package: it is made here with new (type inference names it) and
// filled with its own SetKey; its keys are read back by reflection, checked once below.

// importBeforeReadKey marks a state just imported; the framework's ReadResource treats it
// specially, so such a read is left to the framework.
const importBeforeReadKey = ".import_before_read"

type privateState struct {
	framework map[string][]byte // the framework's keys, carried as they are
	provider  map[string][]byte
}

// privateStateReadable says whether the framework's ProviderData is the struct with one
// map[string][]byte field named data that this file reads.
var privateStateReadable = func() bool {
	t := reflect.TypeOf(resource.ReadResponse{}.Private)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || t.Elem().NumField() != 1 {
		return false
	}
	f, ok := t.Elem().FieldByName("data")
	return ok && f.Type == reflect.TypeOf(map[string][]byte(nil))
}()

// decodePrivate reads private state bytes as the framework does; ok is false for bytes
// the framework would answer with an error, or discard with a warning.
func decodePrivate(data []byte) (privateState, bool) {
	var ps privateState
	if len(data) == 0 {
		return ps, true
	}
	var all map[string][]byte
	if err := json.Unmarshal(data, &all); err != nil {
		return ps, false
	}
	for k, v := range all {
		if !utf8.Valid(v) || !json.Valid(v) {
			return ps, false
		}
		if strings.HasPrefix(k, ".") {
			if ps.framework == nil {
				ps.framework = map[string][]byte{}
			}
			ps.framework[k] = v
			continue
		}
		if ps.provider == nil {
			ps.provider = map[string][]byte{}
		}
		ps.provider[k] = v
	}
	return ps, true
}

// keySetter is what this package calls on the framework's ProviderData.
type keySetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// providerData makes a ProviderData (the type of its second argument) holding keys.
func providerData[T any, PT interface {
	*T
	keySetter
}](ctx context.Context, _ PT, keys map[string][]byte) PT {
	out := PT(new(T))
	for k, v := range keys {
		out.SetKey(ctx, k, v) // valid: checked by decodePrivate, or set through SetKey before
	}
	return out
}

// providerKeys reads back the keys of a ProviderData (nil when pd is nil).
func providerKeys(pd any) map[string][]byte {
	v := reflect.ValueOf(pd)
	if !v.IsValid() || v.IsNil() {
		return nil
	}
	data := v.Elem().Field(0)
	out := make(map[string][]byte, data.Len())
	for it := data.MapRange(); it.Next(); {
		out[it.Key().String()] = it.Value().Bytes()
	}
	return out
}

// encodePrivate writes private state bytes as the framework does: nil when empty.
func encodePrivate(framework, provider map[string][]byte) []byte {
	merged := make(map[string][]byte, len(framework)+len(provider))
	for _, m := range []map[string][]byte{framework, provider} {
		for k, v := range m {
			if len(v) > 0 {
				merged[k] = v
			}
		}
	}
	if len(merged) == 0 {
		return nil
	}
	out, err := json.Marshal(merged)
	if err != nil {
		return nil // cannot happen: []byte values always marshal
	}
	return out
}
