package mockmarketplace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// handle carries out one request of the privacy-and-security routes.
func (m *Mock) handle(w http.ResponseWriter, r *http.Request, route Route, id string, data []byte, err error) {
	var body map[string]any
	if route == RoutePut {
		var ok bool
		if body, ok = readPutBody(w, r, data, err); !ok {
			return
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.products[id]
	if !ok {
		m.notFound.write(w, id)
		return
	}
	switch route {
	case RouteGetLive, RouteGetDraft:
		getVersion(w, p, id, route)
	case RoutePut:
		m.putDraft(w, r, p, body)
	case RouteDelete:
		m.deleteDraft(w, p, id)
	case RoutePublish:
		m.publish(w, p, id)
	}
}

// readPutBody checks a PUT's body as the API does; false when it answered the refusal.
func readPutBody(w http.ResponseWriter, r *http.Request, data []byte, err error) (map[string]any, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
			fmt.Sprintf("the body must be JSON (Content-Type: application/json), not %.80q", ct))
		return nil, false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "could not read the body")
		return nil, false
	}
	if len(data) > MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE",
			fmt.Sprintf("the body is larger than the %d bytes (1 MiB) this server accepts", MaxBodyBytes))
		return nil, false
	}
	body, err := validatePutBody(data)
	if err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_BODY", err.Error())
		return nil, false
	}
	return body, true
}

func getVersion(w http.ResponseWriter, p *product, id string, route Route) {
	doc, which := p.live, "live"
	if route == RouteGetDraft {
		doc, which = p.draft, "draft"
	}
	if doc == nil {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("product %s has no %s version", id, which))
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// putDraft replaces the draft (m.mu held).
func (m *Mock) putDraft(w http.ResponseWriter, r *http.Request, p *product, body map[string]any) {
	cc, ok := body["commonCloud"].(map[string]any)
	if !ok { // checked when the body was read; kept safe all the same
		writeError(w, http.StatusBadRequest, "INVALID_BODY", "commonCloud must be an object")
		return
	}
	email, _, _ := r.BasicAuth()
	cc["properties"] = map[string]any{
		"updatedBy":  email,
		"updatedAt":  json.Number(fmt.Sprint(m.opts.Now().UnixMilli())),
		"formStatus": "DRAFT",
	}
	priorLive, priorDraft := p.live, p.draft
	p.draft = body
	if m.persistedLocked(w, p, priorLive, priorDraft) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteDraft discards the draft (m.mu held).
func (m *Mock) deleteDraft(w http.ResponseWriter, p *product, id string) {
	if p.draft == nil {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("product %s has no draft version", id))
		return
	}
	priorLive, priorDraft := p.live, p.draft
	p.draft = nil
	if m.persistedLocked(w, p, priorLive, priorDraft) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// publish makes the draft live (m.mu held).
func (m *Mock) publish(w http.ResponseWriter, p *product, id string) {
	if p.draft == nil {
		writeError(w, http.StatusConflict, "NO_DRAFT", fmt.Sprintf("product %s has no draft version to publish", id))
		return
	}
	published := copyDocument(p.draft)
	if cc, ok := published["commonCloud"].(map[string]any); ok {
		if props, ok := cc["properties"].(map[string]any); ok {
			props["formStatus"] = "SUBMITTED"
		}
	}
	priorLive, priorDraft := p.live, p.draft
	p.live, p.draft = published, nil
	if m.persistedLocked(w, p, priorLive, priorDraft) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// persistedLocked saves a change (m.mu held); a write that cannot be persisted is undone
// and answered 500.
func (m *Mock) persistedLocked(w http.ResponseWriter, p *product, priorLive, priorDraft map[string]any) bool {
	if m.opts.Persist == nil {
		return true
	}
	if err := m.opts.Persist(m.snapshotLocked()); err != nil {
		p.live, p.draft = priorLive, priorDraft
		writeError(w, http.StatusInternalServerError, "NOT_SAVED", "the change could not be saved, and was not made: "+err.Error())
		return false
	}
	return true
}

// validatePutBody checks a PUT body as the API would: a JSON object holding a
// commonCloud object whose known fields have the documented types. properties is
// server-maintained, so whatever the client sent there is dropped.
func validatePutBody(data []byte) (map[string]any, error) {
	body, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	cc, ok := body["commonCloud"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("commonCloud: required, and must be an object")
	}
	delete(cc, "properties")
	if err := typeCheck("commonCloud", commonCloudSchema, cc); err != nil {
		return nil, err
	}
	return body, nil
}

func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the body is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("the body holds more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the body must be a JSON object")
	}
	return obj, nil
}
