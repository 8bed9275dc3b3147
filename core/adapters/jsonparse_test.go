package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestJSONParse(t *testing.T) {
	doc := `{"RAW":{"ETH":{"USD":{"PRICE":3021.45678901234567890}}},"list":[{"v":"a"},{"v":"b"}],"s":"text","n":null}`
	asText := models.JSON(`{"result":` + quote(doc) + `}`)
	tests := []struct {
		name, data, params, want string
	}{
		{"array path, exact number", string(asText), `{"path":["RAW","ETH","USD","PRICE"]}`, `3021.45678901234567890`},
		{"dotted path", string(asText), `{"path":"RAW.ETH.USD.PRICE"}`, `3021.45678901234567890`},
		{"comma path", string(asText), `{"path":"RAW,ETH,USD,PRICE"}`, `3021.45678901234567890`},
		{"array index", string(asText), `{"path":["list",1,"v"]}`, `"b"`},
		{"string index", string(asText), `{"path":"list.0.v"}`, `"a"`},
		{"negative index", string(asText), `{"path":["list",-1,"v"]}`, `"b"`},
		{"string value", string(asText), `{"path":["s"]}`, `"text"`},
		{"object value", string(asText), `{"Path":["RAW","ETH"]}`, `{"USD":{"PRICE":3021.45678901234567890}}`},
		{"missing last key is null", string(asText), `{"path":["RAW","BTC"]}`, `null`},
		{"index past the end is null", string(asText), `{"path":["list",5]}`, `null`},
		{"no path: whole document", `{"result":"[1,2]"}`, `{}`, `[1,2]`},
		{"result already an object", `{"result":{"a":{"b":7}}}`, `{"path":["a","b"]}`, `7`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "jsonparse", tt.data, tt.params), tt.want)
		})
	}
}

func TestJSONParseErrors(t *testing.T) {
	tests := []struct {
		name, data, params, want string
	}{
		{"missing middle key", `{"result":"{\"a\":{}}"}`, `{"path":["x","y"]}`, `path step "x" not found`},
		{"step into a number", `{"result":"{\"a\":1}"}`, `{"path":["a","b"]}`, `not an object or array`},
		{"word as index", `{"result":"[1]"}`, `{"path":["x"]}`, `want an index`},
		{"result not JSON", `{"result":"<html>"}`, `{"path":["a"]}`, `not a JSON document`},
		{"no result", `{}`, `{"path":["a"]}`, `no result`},
		{"bad path", `{"result":"{}"}`, `{"path":{"a":1}}`, `path: must be an array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := perform(t, "jsonparse", tt.data, tt.params)
			require.Equal(t, models.RunStatusErrored, out.Status)
			assert.Contains(t, out.Error, tt.want)
		})
	}
	assert.Equal(t, []string{"path: must be an array of keys or a dotted string"}, validate(t, "jsonparse", `{"path":5}`))
	assert.Empty(t, validate(t, "jsonparse", `{}`))
}
