package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// JSONObject decodes doc as a JSON object into its members. A null or
// empty document is the empty object.
func JSONObject(doc JSON) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if doc.IsNull() {
		return m, nil
	}
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("decoding JSON object: %w", err)
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	return m, nil
}

// MergeJSON returns the top-level members of base overwritten by those of
// overlay, as the classic node merged a request's parameters, then the
// task's own params. Both must be objects (or null).
func MergeJSON(base, overlay JSON) (JSON, error) {
	m, err := JSONObject(base)
	if err != nil {
		return nil, err
	}
	o, err := JSONObject(overlay)
	if err != nil {
		return nil, err
	}
	for k, v := range o {
		m[k] = v
	}
	return marshalObject(m)
}

// SetJSONKey returns doc with member key set to the JSON encoding of value.
func SetJSONKey(doc JSON, key string, value any) (JSON, error) {
	m, err := JSONObject(doc)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", key, err)
	}
	m[key] = raw
	return marshalObject(m)
}

// JSONKey returns the raw member key of the object doc, matched exactly
// first and then case-insensitively; nil when doc has no such member or is
// not an object.
func JSONKey(doc JSON, key string) json.RawMessage {
	m, err := JSONObject(doc)
	if err != nil {
		return nil
	}
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// JSONText renders a JSON value as the text an adapter works with: a
// string's contents, a number's digits, "true"/"false", "" for null or
// absent, and the compact JSON of an object or array.
func JSONText(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return ""
	}
	if t[0] == '"' {
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, t) == nil {
		return buf.String()
	}
	return string(t)
}

func marshalObject(m map[string]json.RawMessage) (JSON, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding JSON object: %w", err)
	}
	return JSON(b), nil
}
