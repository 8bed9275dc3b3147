package models

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// requestDecMode decodes request parameters with the library's limits on
// nesting (32 levels) and sizes, so a hostile request cannot exhaust memory.
var requestDecMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		BigIntDec:    cbor.BigIntDecodePointer,
		TimeTagToAny: cbor.TimeTagToRFC3339Nano,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("cbor decode options: %v", err)) // programmer error: the options are constant
	}
	return dm
}()

// DecodeRequestParams decodes the CBOR parameters of an OracleRequest.
// Consumer contracts write key/value pairs back to back without a map
// header, so unless the first byte is a map header the data is wrapped in
// an indefinite-length map (0xbf … 0xff) first; only the first byte is
// looked at, since a request ending with an array also ends in 0xff.
//
// Values come out JSON-ready: integers and bignums as exact json.Number,
// byte strings as 0x hex, nested maps with string keys, times as RFC3339
// text. Empty data is the empty map. Malformed data is an error, never a
// panic.
func DecodeRequestParams(data []byte) (map[string]any, error) {
	if len(data) == 0 {
		return map[string]any{}, nil
	}
	if data[0]>>5 != 5 { // major type 5: a map
		wrapped := make([]byte, 0, len(data)+2)
		wrapped = append(wrapped, 0xbf)
		wrapped = append(wrapped, data...)
		data = append(wrapped, 0xff)
	}
	var raw any
	if err := requestDecMode.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding request parameters: %w", err)
	}
	v, err := jsonReady(raw, "")
	if err != nil {
		return nil, fmt.Errorf("decoding request parameters: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decoding request parameters: not a map but %T", v)
	}
	return m, nil
}

// DecodeRequestParamsJSON is DecodeRequestParams encoded as a JSON object,
// the form a run's input takes.
func DecodeRequestParamsJSON(data []byte) (JSON, error) {
	m, err := DecodeRequestParams(data)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding request parameters: %w", err)
	}
	return JSON(b), nil
}

func jsonReady(v any, path string) (any, error) {
	switch x := v.(type) {
	case nil, bool, string:
		return x, nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case *big.Int:
		return json.Number(x.String()), nil
	case big.Int:
		return json.Number(x.String()), nil
	case float32:
		return floatNumber(float64(x)), nil
	case float64:
		return floatNumber(x), nil
	case []byte:
		return "0x" + hex.EncodeToString(x), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case cbor.SimpleValue:
		return json.Number(strconv.Itoa(int(x))), nil
	case cbor.Tag:
		return jsonReady(x.Content, path)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := jsonReady(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			key, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%s: map key %v is a %T, want a text string", orTop(path), k, k)
			}
			c, err := jsonReady(e, JoinPath(path, key))
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%s: unsupported CBOR value of type %T", orTop(path), v)
	}
}

// floatNumber renders a float as a JSON number; NaN and the infinities,
// which JSON cannot hold, become strings.
func floatNumber(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

func orTop(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}
