package adapters

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// taskParams reads a task's params object with keys matched
// case-insensitively and collects every problem under the key's name.
type taskParams struct {
	m  map[string]json.RawMessage
	ve models.ValidationError
}

func readParams(params models.JSON) *taskParams {
	p := &taskParams{m: map[string]json.RawMessage{}}
	obj, err := models.JSONObject(params)
	if err != nil {
		p.ve.Add("", "params must be a JSON object")
		return p
	}
	for k, v := range obj {
		if isJSONNull(v) {
			continue
		}
		p.m[strings.ToLower(k)] = v
	}
	return p
}

func (p *taskParams) err() error { return p.ve.Err() }

// raw returns the first of keys present, with the spelling of that key.
func (p *taskParams) raw(keys ...string) (json.RawMessage, string) {
	for _, k := range keys {
		if v, ok := p.m[strings.ToLower(k)]; ok {
			return v, k
		}
	}
	return nil, ""
}

func (p *taskParams) str(key string) (string, bool) {
	raw, _ := p.raw(key)
	if raw == nil {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		p.ve.Add(key, "must be a string")
		return "", false
	}
	return s, true
}

func (p *taskParams) number(key string) (decimal.Decimal, bool) {
	raw, _ := p.raw(key)
	if raw == nil {
		return decimal.Decimal{}, false
	}
	d, err := decimalFromJSON(raw)
	if err != nil {
		p.ve.Add(key, "must be a number")
		return decimal.Decimal{}, false
	}
	return d, true
}

func (p *taskParams) path(key string) ([]string, bool) {
	raw, _ := p.raw(key)
	if raw == nil {
		return nil, false
	}
	path, err := parsePath(raw)
	if err != nil {
		p.ve.Add(key, "%s", err)
		return nil, false
	}
	return path, true
}

func isJSONNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// decimalFromJSON reads a JSON number or a string holding one, exactly.
func decimalFromJSON(raw json.RawMessage) (decimal.Decimal, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return decimal.Decimal{}, fmt.Errorf("no value")
	}
	text := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &text); err != nil {
			return decimal.Decimal{}, err
		}
		text = strings.TrimSpace(text)
	} else if !json.Valid(t) || !(t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
		return decimal.Decimal{}, fmt.Errorf("%s is not a number", t)
	}
	return parseDecimal(text)
}

func parseDecimal(text string) (decimal.Decimal, error) {
	if len(text) > 1000 {
		return decimal.Decimal{}, fmt.Errorf("number too long")
	}
	if strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0X") {
		n, ok := new(big.Int).SetString(text[2:], 16)
		if !ok {
			return decimal.Decimal{}, fmt.Errorf("%q is not a number", text)
		}
		return decimal.NewFromBigInt(n, 0), nil
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a number", text)
	}
	// Refuse exponents that would make later arithmetic allocate without
	// bound (1e1000000000).
	if e := d.Exponent(); e > 1000 || e < -1000 {
		return decimal.Decimal{}, fmt.Errorf("%q is out of range", text)
	}
	return d, nil
}

// parsePath reads a JSON path: an array of keys and indices, or a string
// split on commas (as consumer contracts send it) or, without commas, on
// dots. An empty string is the empty path.
func parsePath(raw json.RawMessage) ([]string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil, nil
		}
		sep := "."
		if strings.Contains(s, ",") {
			sep = ","
		}
		return strings.Split(s, sep), nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, fmt.Errorf("must be an array of keys or a dotted string")
	}
	out := make([]string, len(items))
	for i, it := range items {
		if json.Unmarshal(it, &out[i]) == nil {
			continue
		}
		var n json.Number
		if json.Unmarshal(it, &n) != nil {
			return nil, fmt.Errorf("element %d must be a string or a number", i)
		}
		out[i] = n.String()
	}
	return out, nil
}
