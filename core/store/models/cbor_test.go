package models_test

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// pairs encodes items back to back, the way the consumer contracts' CBOR
// library writes request parameters (no map header).
func pairs(t testing.TB, items ...any) []byte {
	t.Helper()
	var out []byte
	for _, it := range items {
		b, err := cbor.Marshal(it)
		require.NoError(t, err)
		out = append(out, b...)
	}
	return out
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestDecodeRequestParams(t *testing.T) {
	// A request as the Solidity library writes it: "get", url, "path" as an
	// indefinite array (0x9f ... 0xff), "times" 100 in the shortest form.
	getPathTimes := append(pairs(t, "get", "https://example.com/price?fsym=ETH"),
		pairs(t, "path")...)
	getPathTimes = append(getPathTimes, 0x9f)
	getPathTimes = append(getPathTimes, pairs(t, "RAW", "ETH", "USD")...)
	getPathTimes = append(getPathTimes, 0xff)
	getPathTimes = append(getPathTimes, pairs(t, "times", 100)...)

	// An array as the last value: the data ends in 0xff although it has no
	// map header.
	lastArray := append(pairs(t, "path"), 0x9f)
	lastArray = append(lastArray, pairs(t, "a", 1)...)
	lastArray = append(lastArray, 0xff)

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, `{}`},
		{"get path times", getPathTimes, `{"get":"https://example.com/price?fsym=ETH","path":["RAW","ETH","USD"],"times":100}`},
		{"last value an array", lastArray, `{"path":["a",1]}`},
		{"already a definite map", unhex(t, "a1636b65796576616c7565"), `{"key":"value"}`},
		{"already an indefinite map", unhex(t, "bf636b65796576616c7565ff"), `{"key":"value"}`},
		{"negative int", pairs(t, "n", -5), `{"n":-5}`},
		{"max uint64", pairs(t, "n", uint64(18446744073709551615)), `{"n":18446744073709551615}`},
		// tag 2 bignum 2^64 and tag 3 bignum -(2^64)-1
		{"bignums", append(append(pairs(t, "big"), unhex(t, "c249010000000000000000")...),
			append(pairs(t, "neg"), unhex(t, "c349010000000000000000")...)...),
			`{"big":18446744073709551616,"neg":-18446744073709551617}`},
		{"bytes", pairs(t, "b", []byte{0xde, 0xad}), `{"b":"0xdead"}`},
		{"float", pairs(t, "f", 1.5), `{"f":1.5}`},
		{"bool and null", append(pairs(t, "t", true), append(pairs(t, "z"), 0xf6)...), `{"t":true,"z":null}`},
		{"nested map", pairs(t, "m", map[string]any{"x": []any{1, "y"}}), `{"m":{"x":[1,"y"]}}`},
		{"nan", append(pairs(t, "f"), unhex(t, "f97e00")...), `{"f":"NaN"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.DecodeRequestParamsJSON(tt.data)
			require.NoError(t, err, "DecodeRequestParams(%x)", tt.data)
			assert.JSONEq(t, tt.want, string(got), "DecodeRequestParams(%x)", tt.data)
		})
	}
}

func TestDecodeRequestParamsExactNumbers(t *testing.T) {
	m, err := models.DecodeRequestParams(pairs(t, "times", uint64(1e18)+1))
	require.NoError(t, err)
	assert.Equal(t, json.Number("1000000000000000001"), m["times"])
}

func TestDecodeRequestParamsErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"odd pair count", pairs(t, "get", "url", "path")},
		{"integer key", pairs(t, 1, "one")},
		{"nested integer key", pairs(t, "m", map[int]string{1: "x"})},
		{"truncated string", unhex(t, "636b6579657661")},
		{"stray break", unhex(t, "ff")},
		{"reserved map header", unhex(t, "bc")},
		{"invalid utf8", append(pairs(t, "s"), 0x61, 0xff)},
		{"trailing bytes after map", unhex(t, "a0a0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.DecodeRequestParams(tt.data)
			assert.Error(t, err, "DecodeRequestParams(%x) = %v", tt.data, got)
		})
	}
}

func BenchmarkDecodeRequestParams(b *testing.B) {
	data := append(pairs(b, "get", "https://min-api.cryptocompare.com/data/price?fsym=ETH&tsyms=USD", "path"), 0x9f)
	data = append(data, pairs(b, "RAW", "ETH", "USD", "PRICE")...)
	data = append(data, 0xff)
	data = append(data, pairs(b, "times", 100)...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := models.DecodeRequestParams(data); err != nil {
			b.Fatal(err)
		}
	}
}
