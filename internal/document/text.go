package document

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Text helpers that the document's checks and the provider's diagnostics share.

// MaxEchoed is how much of a user's value a diagnostic repeats.
const MaxEchoed = 80

// QuoteCut quotes s for a diagnostic, cut to MaxEchoed characters with its length said.
func QuoteCut(s string) string {
	runes := []rune(s)
	if len(runes) <= MaxEchoed {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d characters)", string(runes[:MaxEchoed]), len(runes))
}

// CanonicalJSON is v as JSON with object keys sorted and arrays in sorted order: equal for
// equal documents however the API ordered them.
func CanonicalJSON(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(k)
			b.Write(key)
			b.WriteByte(':')
			b.WriteString(CanonicalJSON(v[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = CanonicalJSON(item)
		}
		sort.Strings(items)
		return "[" + strings.Join(items, ",") + "]"
	case nil:
		return "null"
	default:
		out, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(out)
	}
}

// Marshal encodes a document as JSON, leaving <, > and & as they are.
func Marshal(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// Digest is a digest of a document's content that ignores what carries no meaning: key
// order, and the order of arrays (the API answers them in any order). "sha256:" and 12 hex
// digits: what the resource's draft_digest and basis show, and the publish action pins.
func Digest(doc map[string]any) string {
	sum := sha256.Sum256([]byte(CanonicalJSON(doc)))
	return "sha256:" + hex.EncodeToString(sum[:6])
}
