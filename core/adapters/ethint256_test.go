package adapters_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestEthInt256(t *testing.T) {
	tests := []struct {
		name, result, want string
	}{
		{"positive", `"302145"`, `"0x` + strings.Repeat("0", 59) + `49c41"`},
		{"negative one", `-1`, `"0x` + strings.Repeat("f", 64) + `"`},
		{"fraction dropped toward zero", `"-2.9"`, `"0x` + strings.Repeat("f", 63) + `e"`},
		{"min int256", `"-57896044618658097711785492504343953926634992332820282019728792003956564819968"`, `"0x8` + strings.Repeat("0", 63) + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "ethint256", `{"result":`+tt.result+`}`, `{}`), tt.want)
		})
	}
	for _, bad := range []string{`"57896044618658097711785492504343953926634992332820282019728792003956564819968"`, `"x"`, `null`, `{"a":1}`} {
		out := perform(t, "ethint256", `{"result":`+bad+`}`, `{}`)
		require.Equal(t, models.RunStatusErrored, out.Status, "ethint256(%s)", bad)
		assert.NotEmpty(t, out.Error)
	}
}
