package adapters_test

import (
	"strings"
	"testing"
)

func TestEthBytes32(t *testing.T) {
	tests := []struct {
		name, result, want string
	}{
		{"short string", `"ETH"`, `"0x` + "455448" + strings.Repeat("0", 58) + `"`},
		{"number as text", `42`, `"0x` + "3432" + strings.Repeat("0", 60) + `"`},
		{"cut to 32 bytes", `"` + strings.Repeat("a", 40) + `"`, `"0x` + strings.Repeat("61", 32) + `"`},
		{"empty", `""`, `"0x` + strings.Repeat("0", 64) + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireResult(t, perform(t, "ethbytes32", `{"result":`+tt.result+`}`, `{}`), tt.want)
		})
	}
}
