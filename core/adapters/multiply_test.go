package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestMultiply(t *testing.T) {
	tests := []struct {
		name, result, params, want string
	}{
		{"string times number", `"3021.45"`, `{"times":100}`, `"302145"`},
		{"number times string", `3021.45`, `{"times":"100"}`, `"302145"`},
		{"exact beyond float64", `"1234567890.123456789012345678"`, `{"times":1000000000000000000}`, `"1234567890123456789012345678"`},
		{"fraction stays", `"1.5"`, `{"times":"0.5"}`, `"0.75"`},
		{"negative", `-2`, `{"times":3}`, `"-6"`},
		{"no times", `"42.10"`, `{}`, `"42.1"`},
		{"Times key in any case", `"2"`, `{"TIMES":21}`, `"42"`},
		{"scientific", `"1e3"`, `{"times":"2"}`, `"2000"`},
		{"hex result", `"0x10"`, `{"times":2}`, `"32"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "multiply", `{"result":`+tt.result+`,"keep":true}`, tt.params), tt.want)
		})
	}
	out := perform(t, "multiply", `{"result":"abc"}`, `{"times":2}`)
	require.Equal(t, models.RunStatusErrored, out.Status)
	assert.Contains(t, out.Error, "not a number")
	out = perform(t, "multiply", `{"result":"1e99999999"}`, `{"times":2}`)
	require.Equal(t, models.RunStatusErrored, out.Status, "a huge exponent is refused, not computed")

	assert.Equal(t, []string{"times: must be a number"}, validate(t, "multiply", `{"times":"ten"}`))
	assert.Equal(t, []string{"times: must be a number"}, validate(t, "multiply", `{"times":[1]}`))
	assert.Empty(t, validate(t, "multiply", `{"times":"1e18"}`))
}
