package adapters_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestEthUint256(t *testing.T) {
	tests := []struct {
		name, result, want string
	}{
		{"string", `"302145"`, `"0x` + strings.Repeat("0", 59) + `49c41"`},
		{"number", `1000000`, `"0x` + strings.Repeat("0", 59) + `f4240"`},
		{"fraction dropped", `"1.99"`, `"0x` + strings.Repeat("0", 63) + `1"`},
		{"max", `"115792089237316195423570985008687907853269984665640564039457584007913129639935"`, `"0x` + strings.Repeat("f", 64) + `"`},
		{"zero", `"0"`, `"0x` + strings.Repeat("0", 64) + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "ethuint256", `{"result":`+tt.result+`}`, `{}`), tt.want)
		})
	}
	for _, bad := range []string{`"-1"`, `"115792089237316195423570985008687907853269984665640564039457584007913129639936"`, `"abc"`, `true`} {
		out := perform(t, "ethuint256", `{"result":`+bad+`}`, `{}`)
		require.Equal(t, models.RunStatusErrored, out.Status, "ethuint256(%s)", bad)
		assert.NotEmpty(t, out.Error)
	}
}
