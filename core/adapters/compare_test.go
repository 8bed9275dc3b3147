package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		result, params, want string
	}{
		{`"10"`, `{"operator":"eq","value":10}`, `true`},
		{`"10.0"`, `{"operator":"eq","value":"10"}`, `true`},
		{`10`, `{"operator":"neq","value":"10"}`, `false`},
		{`"11"`, `{"operator":"gt","value":"10"}`, `true`},
		{`"10"`, `{"operator":">=","value":10}`, `true`},
		{`"9.99"`, `{"operator":"lt","value":10}`, `true`},
		{`"10"`, `{"operator":"LTE","value":9}`, `false`},
		{`"abc"`, `{"operator":"eq","value":"abc"}`, `true`},
		{`"abc"`, `{"operator":"!=","value":"abd"}`, `true`},
	}
	for _, tt := range tests {
		t.Run(tt.result+" "+tt.params, func(t *testing.T) {
			requireResult(t, perform(t, "compare", `{"result":`+tt.result+`}`, tt.params), tt.want)
		})
	}
	out := perform(t, "compare", `{"result":"abc"}`, `{"operator":"gt","value":"abd"}`)
	require.Equal(t, models.RunStatusErrored, out.Status)
	assert.Contains(t, out.Error, "needs two numbers")

	assert.Equal(t, []string{"operator: must be one of eq, neq, gt, gte, lt, lte"}, validate(t, "compare", `{"operator":"approx","value":1}`))
	assert.Equal(t, []string{"operator: is required", "value: is required"}, validate(t, "compare", `{}`))
}
