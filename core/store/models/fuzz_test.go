package models_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// FuzzDecodeRequestParams feeds request data from the chain, which anyone
// can write, to the decoder: it must never panic, and what it accepts must
// encode as JSON. Seeds are in testdata/fuzz/FuzzDecodeRequestParams.
func FuzzDecodeRequestParams(f *testing.F) {
	f.Add([]byte{})
	f.Add(pairs(f, "get", "https://example.com/api", "times", 100))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := models.DecodeRequestParams(data)
		if err != nil {
			return
		}
		if m == nil {
			t.Fatalf("DecodeRequestParams(%x) = nil map without error", data)
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("DecodeRequestParams(%x) = %v, which does not encode as JSON: %v", data, m, err)
		}
	})
}

// FuzzParseJobSpec feeds job spec documents, which come from operators and
// scripts, to the parser: it must never panic, and a spec it accepts has a
// canonical ID, lowercase types and object params. Seeds are in
// testdata/fuzz/FuzzParseJobSpec.
func FuzzParseJobSpec(f *testing.F) {
	f.Add([]byte(classicRunLogSpec))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := models.ParseJobSpec(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseJobSpec(%q): empty error message", data)
			}
			return
		}
		if id, ok := models.NormalizeJobID(spec.ID); !ok || id != spec.ID {
			t.Fatalf("ParseJobSpec(%q) ID %q is not canonical", data, spec.ID)
		}
		for _, in := range spec.Initiators {
			checkTypeAndParams(t, data, in.Type, in.Params)
			_, _ = in.DecodeParams() // must not panic either
		}
		for _, task := range spec.Tasks {
			checkTypeAndParams(t, data, task.Type, task.Params)
		}
	})
}

func checkTypeAndParams(t *testing.T, data []byte, typ string, params models.JSON) {
	t.Helper()
	if typ != strings.ToLower(typ) {
		t.Fatalf("ParseJobSpec(%q) type %q not lowercase", data, typ)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(params, &obj); err != nil || obj == nil {
		t.Fatalf("ParseJobSpec(%q) params %s not an object", data, params)
	}
}
