package models_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

const classicRunLogSpec = `{
  "initiators": [{"type": "RunLog", "params": {"address": "0x9FBDa871d559710256a2502A2517b794B482Db40"}}],
  "tasks": [
    {"type": "HttpGet"},
    {"type": "JsonParse"},
    {"type": "Multiply", "params": {"times": 100}},
    {"type": "EthUint256"},
    {"type": "EthTx", "confirmations": 2}
  ],
  "startAt": "2026-01-02T15:04:05Z",
  "endAt": "2027-01-02T15:04:05+02:00",
  "minPayment": "1000000000000000000",
  "name": "ignored"
}`

func TestParseJobSpecClassic(t *testing.T) {
	spec, err := models.ParseJobSpec([]byte(classicRunLogSpec))
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), spec.ID)
	require.Len(t, spec.Initiators, 1)
	assert.Equal(t, models.InitiatorRunLog, spec.Initiators[0].Type)
	assert.Equal(t, spec.ID, spec.Initiators[0].JobSpecID)
	assert.JSONEq(t, `{"address":"0x9FBDa871d559710256a2502A2517b794B482Db40"}`, string(spec.Initiators[0].Params))

	var types []string
	for i, task := range spec.Tasks {
		types = append(types, task.Type)
		assert.Equal(t, i, task.Index)
		assert.Equal(t, spec.ID, task.JobSpecID)
	}
	assert.Equal(t, []string{"httpget", "jsonparse", "multiply", "ethuint256", "ethtx"}, types)
	assert.JSONEq(t, `{}`, string(spec.Tasks[0].Params))
	assert.JSONEq(t, `{"times":100}`, string(spec.Tasks[2].Params))
	assert.Nil(t, spec.Tasks[0].Confirmations)
	require.NotNil(t, spec.Tasks[4].Confirmations)
	assert.Equal(t, uint32(2), *spec.Tasks[4].Confirmations)

	require.NotNil(t, spec.StartAt)
	assert.True(t, spec.StartAt.Equal(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)))
	require.NotNil(t, spec.EndAt)
	assert.True(t, spec.EndAt.Equal(time.Date(2027, 1, 2, 13, 4, 5, 0, time.UTC)))
	require.NotNil(t, spec.MinPayment)
	assert.Equal(t, "1000000000000000000", *spec.MinPayment)
}

func TestParseJobSpecKeysCaseInsensitive(t *testing.T) {
	spec, err := models.ParseJobSpec([]byte(`{"ID":"0123456789ABCDEF0123456789abcdef","INITIATORS":[{"Type":"WEB"}],
		"Tasks":[{"TYPE":"NoOp","Confirmations":"3","PARAMS":{"a":1}}],"MINPAYMENT":42,"StartAt":null}`))
	require.NoError(t, err)
	assert.Equal(t, "0123456789abcdef0123456789abcdef", spec.ID)
	assert.Equal(t, "web", spec.Initiators[0].Type)
	assert.Equal(t, "noop", spec.Tasks[0].Type)
	assert.Equal(t, uint32(3), *spec.Tasks[0].Confirmations)
	assert.JSONEq(t, `{"a":1}`, string(spec.Tasks[0].Params))
	assert.Equal(t, "42", *spec.MinPayment)
	assert.Nil(t, spec.StartAt)
}

func TestParseJobSpecIDs(t *testing.T) {
	a, err := models.ParseJobSpec([]byte(`{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`))
	require.NoError(t, err)
	b, err := models.ParseJobSpec([]byte(`{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`))
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, b.ID, "each spec without an id gets a fresh one")

	uuid, err := models.ParseJobSpec([]byte(`{"id":"01234567-89ab-cdef-0123-456789abcdef"}`))
	require.NoError(t, err)
	assert.Equal(t, "0123456789abcdef0123456789abcdef", uuid.ID)
}

func TestParseJobSpecErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // field error strings, in order
	}{
		{"not JSON", `{"initiators":`, []string{"invalid JSON"}},
		{"array", `[1,2]`, []string{"must be a JSON object"}},
		{"null", `null`, []string{"must be a JSON object"}},
		{"initiators not array", `{"initiators":{"type":"web"}}`, []string{"initiators: must be an array"}},
		{"initiator not object", `{"initiators":["web"]}`, []string{"initiators[0]: must be an object"}},
		{"type not string", `{"tasks":[{"type":"noop"},{"type":7}]}`, []string{"tasks[1].type: must be a string"}},
		{"params not object", `{"tasks":[{"type":"noop","params":[1]}]}`, []string{"tasks[0].params: must be an object"}},
		{"negative confirmations", `{"tasks":[{"type":"noop","confirmations":-1}]}`, []string{"tasks[0].confirmations: must be a non-negative integer below 2^32"}},
		{"huge confirmations", `{"tasks":[{"type":"noop","confirmations":4294967296}]}`, []string{"tasks[0].confirmations: must be a non-negative integer below 2^32"}},
		{"bad times", `{"startAt":"yesterday","endAt":17}`, []string{"startAt: must be an RFC3339 time, like 2026-01-02T15:04:05Z", "endAt: must be an RFC3339 time string"}},
		{"bad minPayment", `{"minPayment":{"amount":1}}`, []string{"minPayment: must be a decimal string or a number"}},
		{"bad id", `{"id":"xyz"}`, []string{"id: must be 32 hex characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := models.ParseJobSpec([]byte(tt.input))
			require.Error(t, err)
			assert.Nil(t, spec)
			var ve *models.ValidationError
			require.True(t, errors.As(err, &ve), "ParseJobSpec(%q) error %T, want *ValidationError", tt.input, err)
			require.Len(t, ve.Errors, len(tt.want), "errors: %v", ve)
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(ve.Errors[i].Error(), w), "error %d = %q, want prefix %q", i, ve.Errors[i], w)
			}
		})
	}
}

func TestSpecIDMatches(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	raw := [32]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	var upper [32]byte
	copy(upper[:], strings.ToUpper(id))
	rawTail := raw
	rawTail[31] = 1
	var other [32]byte
	copy(other[:], "ffffffffffffffffffffffffffffffff")

	tests := []struct {
		name   string
		jobID  string
		specID [32]byte
		want   bool
	}{
		{"ascii", id, models.SpecIDForJob(id), true},
		{"ascii upper case", id, upper, true},
		{"raw bytes padded", id, raw, true},
		{"raw bytes with non-zero tail", id, rawTail, false},
		{"other job", id, other, false},
		{"zero", id, [32]byte{}, false},
		{"invalid job id", "nothex", models.SpecIDForJob("nothex"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, models.SpecIDMatches(tt.jobID, tt.specID), "SpecIDMatches(%q, %x)", tt.jobID, tt.specID)
		})
	}
}

func TestNewJobID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := models.NewJobID()
		norm, ok := models.NormalizeJobID(id)
		require.True(t, ok, id)
		require.Equal(t, id, norm, "NewJobID is already canonical")
		require.False(t, seen[id], "duplicate ID %s", id)
		seen[id] = true
	}
}

func BenchmarkParseJobSpec(b *testing.B) {
	data := []byte(classicRunLogSpec)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := models.ParseJobSpec(data); err != nil {
			b.Fatal(err)
		}
	}
}
