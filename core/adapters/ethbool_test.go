package adapters_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestEthBool(t *testing.T) {
	yes := `"0x` + strings.Repeat("0", 63) + `1"`
	no := `"0x` + strings.Repeat("0", 64) + `"`
	tests := []struct{ result, want string }{
		{`true`, yes}, {`false`, no}, {`1`, yes}, {`0`, no}, {`"0.0"`, yes}, {`0.0`, no},
		{`"true"`, yes}, {`"FALSE"`, no}, {`"0"`, no}, {`""`, no}, {`"yes"`, yes}, {`null`, no},
	}
	for _, tt := range tests {
		t.Run(tt.result, func(t *testing.T) {
			requireResult(t, perform(t, "ethbool", `{"result":`+tt.result+`}`, `{}`), tt.want)
		})
	}
	out := perform(t, "ethbool", `{"result":[1]}`, `{}`)
	require.Equal(t, models.RunStatusErrored, out.Status)
}
