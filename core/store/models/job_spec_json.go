package models

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// NewJobID returns a fresh random job ID: 32 lowercase hex characters.
func NewJobID() string { return newHexID() }

// NewRunID returns a fresh random run ID in the same form as a job ID.
func NewRunID() string { return newHexID() }

func newHexID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b[:])
}

// NormalizeJobID returns id in the canonical form (32 lowercase hex
// characters) or false when it is not a job ID. The dashes of a UUID are
// dropped, as the classic node's IDs had none.
func NormalizeJobID(id string) (string, bool) {
	s := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(id), "-", ""))
	if len(s) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}

// SpecIDMatches reports whether the specId of an OracleRequest names the
// job jobID. Consumer contracts put the job ID there as its 32 ASCII
// characters; the classic node also accepted the 16 raw ID bytes followed
// by 16 zero bytes, and so do we.
func SpecIDMatches(jobID string, specID [32]byte) bool {
	id, ok := NormalizeJobID(jobID)
	if !ok {
		return false
	}
	if strings.EqualFold(string(specID[:]), id) {
		return true
	}
	raw, _ := hex.DecodeString(id)
	return bytes.Equal(specID[:16], raw) && bytes.Equal(specID[16:], make([]byte, 16))
}

// SpecIDForJob returns the specId a consumer contract uses for the job:
// the 32 ASCII characters of its ID.
func SpecIDForJob(jobID string) [32]byte {
	var s [32]byte
	copy(s[:], jobID)
	return s
}

// ParseJobSpec decodes a job spec in the classic node's JSON form:
//
//	{"initiators":[{"type":"RunLog","params":{...}}],
//	 "tasks":[{"type":"HttpGet","confirmations":3,"params":{...}}],
//	 "startAt":"2026-01-02T15:04:05Z","endAt":...,"minPayment":"1000000000000000000"}
//
// Keys are matched case-insensitively and unknown keys are ignored; type
// names are lowercased; minPayment may be a quoted decimal or a number.
// A missing "id" gets a fresh NewJobID. Every problem is returned at once
// as a *ValidationError whose paths name the fields. ParseJobSpec checks
// the shape of the document only; services.ValidateJob checks its meaning.
func ParseJobSpec(data []byte) (*JobSpec, error) {
	ve := &ValidationError{}
	top, err := decodeObject(data)
	if err != nil {
		ve.Add("", "%s", err)
		return nil, ve
	}
	spec := &JobSpec{}
	if raw, ok := top["id"]; ok && !isNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			ve.Add("id", "must be a string")
		} else if id, ok := NormalizeJobID(s); !ok {
			ve.Add("id", "must be 32 hex characters")
		} else {
			spec.ID = id
		}
	}
	if spec.ID == "" {
		spec.ID = NewJobID()
	}
	spec.StartAt = decodeTime(top["startat"], "startAt", ve)
	spec.EndAt = decodeTime(top["endat"], "endAt", ve)
	spec.MinPayment = decodeDecimalString(top["minpayment"], "minPayment", ve)

	for i, obj := range decodeObjectArray(top["initiators"], "initiators", ve) {
		path := fmt.Sprintf("initiators[%d]", i)
		in := Initiator{JobSpecID: spec.ID}
		in.Type = decodeTypeName(obj["type"], path+".type", ve)
		in.Params = decodeParams(obj["params"], path+".params", ve)
		spec.Initiators = append(spec.Initiators, in)
	}
	for i, obj := range decodeObjectArray(top["tasks"], "tasks", ve) {
		path := fmt.Sprintf("tasks[%d]", i)
		ts := TaskSpec{JobSpecID: spec.ID, Index: i}
		ts.Type = decodeTypeName(obj["type"], path+".type", ve)
		ts.Confirmations = decodeUint32(obj["confirmations"], path+".confirmations", ve)
		ts.Params = decodeParams(obj["params"], path+".params", ve)
		spec.Tasks = append(spec.Tasks, ts)
	}
	if !ve.Empty() {
		return nil, ve
	}
	return spec, nil
}

// decodeObject decodes a JSON object into its members keyed by lowercased
// name. Of two keys that differ only in case, the later wins.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at offset %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("must be a JSON object")
	}
	if m == nil {
		return nil, fmt.Errorf("must be a JSON object")
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func decodeObjectArray(raw json.RawMessage, path string, ve *ValidationError) []map[string]json.RawMessage {
	if isNull(raw) {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		ve.Add(path, "must be an array")
		return nil
	}
	out := make([]map[string]json.RawMessage, 0, len(items))
	for i, item := range items {
		obj, err := decodeObject(item)
		if err != nil {
			ve.Add(fmt.Sprintf("%s[%d]", path, i), "must be an object")
			obj = map[string]json.RawMessage{}
		}
		out = append(out, obj)
	}
	return out
}

func decodeTypeName(raw json.RawMessage, path string, ve *ValidationError) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		ve.Add(path, "must be a string")
		return ""
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// decodeParams returns the params object compacted, or {} when absent.
func decodeParams(raw json.RawMessage, path string, ve *ValidationError) JSON {
	if isNull(raw) {
		return JSON("{}")
	}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		ve.Add(path, "must be an object")
		return JSON("{}")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, t); err != nil {
		ve.Add(path, "must be an object")
		return JSON("{}")
	}
	return JSON(buf.Bytes())
}

func decodeTime(raw json.RawMessage, path string, ve *ValidationError) *time.Time {
	if isNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		ve.Add(path, "must be an RFC3339 time string")
		return nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		ve.Add(path, "must be an RFC3339 time, like 2026-01-02T15:04:05Z")
		return nil
	}
	return &t
}

// decodeDecimalString accepts a quoted decimal or a JSON number and keeps
// its text; whether it is a valid amount is for validation to say.
func decodeDecimalString(raw json.RawMessage, path string, ve *ValidationError) *string {
	if isNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		return &s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		s = n.String()
		return &s
	}
	ve.Add(path, "must be a decimal string or a number")
	return nil
}

func decodeUint32(raw json.RawMessage, path string, ve *ValidationError) *uint32 {
	if isNull(raw) {
		return nil
	}
	var text string
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		text = n.String()
	} else if json.Unmarshal(raw, &text) != nil {
		ve.Add(path, "must be a non-negative integer")
		return nil
	}
	v, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
	if err != nil || v > math.MaxUint32 {
		ve.Add(path, "must be a non-negative integer below 2^32")
		return nil
	}
	u := uint32(v)
	return &u
}
