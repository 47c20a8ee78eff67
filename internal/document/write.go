package document

import "maps"

// WriteBody is what a write puts when the app's current document holds base: configured,
// the document of a configuration that manages shape, merged into the fields the write
// keeps. Those are the fields of base that the configuration does not manage, as base
// holds them, less (JSON form over JSON form) the keys that prior, the shape of the
// configuration last applied, held and shape no longer does: a key removed from the
// configuration is removed from the document, three-way like kubectl apply. prior is nil
// for a create. The typed form, which sends nothing for a null string, keeps the empty
// strings base holds. Neither configured nor base is changed; base may be nil.
func WriteBody(configured map[string]any, shape, prior Shape, base map[string]any) map[string]any {
	owner := shape
	if prior != nil {
		owner = prior
	}
	kept, _ := SplitUnmanaged(base, owner)
	if prior != nil {
		kept = DropRemovedKeys(kept, prior, shape)
	}
	kept, _ = SplitUnmanaged(kept, shape) // what the configuration now manages is left to it
	body := MergeInto(kept, configured)
	if _, isJSON := shape.(JSONShape); !isJSON {
		body = keepEmptyStrings(body, base)
	}
	return body
}

// keepEmptyStrings is body with each empty string that base holds where body has nothing:
// for the typed form, which writes nothing for a null string, "" and absent being the same
// (EmptyStringsAsIn), a write keeps the Marketplace's "" as it is. body is not changed: the
// objects it descends into are copies.
func keepEmptyStrings(body, base map[string]any) map[string]any {
	out := maps.Clone(body)
	for k, v := range base {
		switch v := v.(type) {
		case string:
			if _, has := out[k]; !has && v == "" {
				out[k] = ""
			}
		case map[string]any:
			if sub, ok := out[k].(map[string]any); ok {
				out[k] = keepEmptyStrings(sub, v)
			}
		}
	}
	return out
}
