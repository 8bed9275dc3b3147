package adapters

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// JSONParse picks a value out of the JSON document in data.result (a JSON
// text, as httpget leaves it, or an object or array) by "path": an array
// of keys and array indices (negative counts from the end), or a string
// split on commas or dots. Numbers keep every digit. A missing last key
// gives a null result, as in the classic node; a missing key before it is
// an error.
type JSONParse struct{}

var _ Adapter = JSONParse{}

// Validate checks that path, if set, is an array or a string.
func (JSONParse) Validate(params models.JSON) error {
	p := readParams(params)
	p.path("path")
	return p.err()
}

// Perform sets data.result to the value at path.
func (JSONParse) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	p := readParams(params)
	path, _ := p.path("path")
	if err := p.err(); err != nil {
		return models.NewRunOutputError(err)
	}
	doc, err := resultDocument(input.Result())
	if err != nil {
		return models.NewRunOutputError(err)
	}
	v, err := walkJSON(doc, path)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	return models.NewRunOutputCompleteWithResult(input.Data, v)
}

// resultDocument returns the JSON document data.result holds: the parsed
// text of a string, or the object or array itself.
func resultDocument(result json.RawMessage) (json.RawMessage, error) {
	t := bytes.TrimSpace(result)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, fmt.Errorf("no result to parse")
	}
	if t[0] != '"' {
		return t, nil
	}
	var text string
	if err := json.Unmarshal(t, &text); err != nil {
		return nil, fmt.Errorf("decoding result: %w", err)
	}
	doc := bytes.TrimSpace([]byte(text))
	if !json.Valid(doc) {
		return nil, fmt.Errorf("result is not a JSON document")
	}
	return doc, nil
}

// walkJSON follows path through doc. It returns null when only the last
// step is missing.
func walkJSON(doc json.RawMessage, path []string) (json.RawMessage, error) {
	cur := bytes.TrimSpace(doc)
	for i, step := range path {
		last := i == len(path)-1
		where := strings.Join(path[:i], ".")
		if where == "" {
			where = "the top level"
		}
		var next json.RawMessage
		var found bool
		switch {
		case len(cur) > 0 && cur[0] == '{':
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(cur, &obj); err != nil {
				return nil, fmt.Errorf("decoding object at %s: %w", where, err)
			}
			next, found = obj[step]
		case len(cur) > 0 && cur[0] == '[':
			var arr []json.RawMessage
			if err := json.Unmarshal(cur, &arr); err != nil {
				return nil, fmt.Errorf("decoding array at %s: %w", where, err)
			}
			idx, err := strconv.Atoi(strings.TrimSpace(step))
			if err != nil {
				return nil, fmt.Errorf("path step %q: %s is an array, want an index", step, where)
			}
			if idx < 0 {
				idx += len(arr)
			}
			if idx >= 0 && idx < len(arr) {
				next, found = arr[idx], true
			}
		default:
			return nil, fmt.Errorf("path step %q: %s is not an object or array", step, where)
		}
		if !found {
			if last {
				return json.RawMessage("null"), nil
			}
			return nil, fmt.Errorf("path step %q not found at %s", step, where)
		}
		cur = bytes.TrimSpace(next)
	}
	return cur, nil
}
