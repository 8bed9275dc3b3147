package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestQuotient(t *testing.T) {
	tests := []struct {
		name, result, params, want string
	}{
		{"exact", `"4"`, `{"dividend":100}`, `"25"`},
		{"rounded to 18 places", `3`, `{"dividend":"1"}`, `"0.333333333333333333"`},
		{"inverse price", `"2000"`, `{"dividend":1}`, `"0.0005"`},
		{"no dividend", `"7"`, `{}`, `"7"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "quotient", `{"result":`+tt.result+`}`, tt.params), tt.want)
		})
	}
	out := perform(t, "quotient", `{"result":"0"}`, `{"dividend":1}`)
	require.Equal(t, models.RunStatusErrored, out.Status)
	assert.Contains(t, out.Error, "division by zero")
	assert.Equal(t, []string{"dividend: must be a number"}, validate(t, "quotient", `{"dividend":true}`))
}
