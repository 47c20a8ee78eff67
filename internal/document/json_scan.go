package document

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxJSONDepth is how deeply common_cloud_json may nest objects and arrays: the document
// nests four levels; anything near this limit is a mistake or an attack.
const maxJSONDepth = 32

// scanJSON finds what encoding/json accepts silently: a key given twice in one object (the
// last would win, and a reader of the configuration may see the first), and nesting
// deeper than maxJSONDepth. Syntax errors are left to the decoder.
func scanJSON(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var sc jsonScan
	for {
		tok, err := dec.Token()
		if err != nil {
			// The end, or a syntax error, which the decoder that follows reports.
			return ignoreSyntaxError(err)
		}
		if err := sc.token(tok); err != nil {
			return err
		}
	}
}

// ignoreSyntaxError is nil for io.EOF and syntax errors: scanJSON reports only what the
// decoder accepts.
func ignoreSyntaxError(err error) error {
	var syntax *json.SyntaxError
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax) {
		return nil
	}
	return fmt.Errorf("it is not valid JSON: %w", err)
}

// jsonScan is where scanJSON is: the objects and arrays open around the current token.
type jsonScan struct{ stack []*jsonLevel }

// jsonLevel is one open object or array.
type jsonLevel struct {
	object    bool
	keys      map[string]bool // an object's keys so far
	expectKey bool            // an object's next string is a key
	key       string          // an object's current key
}

func (sc *jsonScan) token(tok json.Token) error {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' || t == '[' {
			return sc.open(t == '{')
		}
		sc.stack = sc.stack[:len(sc.stack)-1]
		sc.valueDone()
	case string:
		if top := sc.top(); top != nil && top.object && top.expectKey {
			return sc.key(top, t)
		}
		sc.valueDone()
	default:
		sc.valueDone()
	}
	return nil
}

func (sc *jsonScan) top() *jsonLevel {
	if len(sc.stack) == 0 {
		return nil
	}
	return sc.stack[len(sc.stack)-1]
}

func (sc *jsonScan) open(object bool) error {
	if len(sc.stack) >= maxJSONDepth {
		return fmt.Errorf("it nests deeper than %d levels (at %s): the document nests four", maxJSONDepth, sc.where())
	}
	if top := sc.top(); top != nil && top.object {
		top.expectKey = false
	}
	sc.stack = append(sc.stack, &jsonLevel{object: object, keys: map[string]bool{}, expectKey: object})
	return nil
}

// key records an object's key, refusing one given twice.
func (sc *jsonScan) key(top *jsonLevel, key string) error {
	if top.keys[key] {
		top.key = "" // the object holding the key, not its previous key
		return fmt.Errorf("the key %s appears twice in %s: JSON readers disagree on which one counts; keep one",
			QuoteCut(key), sc.where())
	}
	top.keys[key] = true
	top.key = key
	top.expectKey = false
	return nil
}

// valueDone: after a value, an object expects its next key.
func (sc *jsonScan) valueDone() {
	if top := sc.top(); top != nil && top.object {
		top.expectKey = true
	}
}

// where names the current place for a message: the keys of the open objects.
func (sc *jsonScan) where() string {
	var parts []string
	for _, l := range sc.stack {
		if l.object && l.key != "" {
			parts = append(parts, l.key)
		}
	}
	if len(parts) == 0 {
		return "the top level"
	}
	return strings.Join(parts, ".")
}
