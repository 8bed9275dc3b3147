package cmd

import (
	"fmt"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/web"
)

// setting is one configuration variable as the node sees it: its effective
// value (already redacted when secret) and where that value came from. It
// is the API's type, so GET /v2/config shows exactly what `node config` does.
type setting = web.Setting

// envReader reads typed variables and collects every bad value, so the
// operator sees all of them at once instead of fixing one per start.
type envReader struct {
	lookup   func(string) (string, bool)
	errs     []string
	settings []setting
}

func newEnvReader(lookup func(string) (string, bool)) *envReader {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	return &envReader{lookup: lookup}
}

func (r *envReader) raw(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

func (r *envReader) bad(name, value, expected string) {
	r.errs = append(r.errs, fmt.Sprintf("invalid %s=%q: expected %s", name, value, expected))
}

func (r *envReader) record(name, shown string, fromEnv bool) {
	r.settings = append(r.settings, setting{Name: name, Value: shown, FromEnv: fromEnv})
}

func (r *envReader) str(name, def string) string {
	v, ok := r.raw(name)
	if !ok {
		v = def
	}
	r.record(name, v, ok)
	return v
}

func (r *envReader) path(name, def string) string {
	v, ok := r.raw(name)
	if !ok {
		v = def
	}
	if strings.HasPrefix(v, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			v = filepath.Join(home, v[2:])
		}
	}
	r.record(name, v, ok)
	return v
}

func (r *envReader) uint(name string, def uint64, max uint64) uint64 {
	v, ok := r.raw(name)
	if !ok {
		r.record(name, strconv.FormatUint(def, 10), false)
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > max {
		r.bad(name, v, fmt.Sprintf("a whole number from 0 to %d", max))
		return def
	}
	r.record(name, v, true)
	return n
}

func (r *envReader) port(name string, def uint16, allowAny bool) uint16 {
	v, ok := r.raw(name)
	if !ok {
		r.record(name, strconv.Itoa(int(def)), false)
		return def
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil || (n == 0 && !allowAny) {
		if allowAny {
			r.bad(name, v, "a TCP port from 0 (any free port) to 65535")
		} else {
			r.bad(name, v, "a TCP port from 1 to 65535")
		}
		return def
	}
	r.record(name, v, true)
	return uint16(n)
}

// bigInt reads a non-negative integer; wei amounts overflow uint64.
func (r *envReader) bigInt(name string, def *big.Int) *big.Int {
	v, ok := r.raw(name)
	if !ok {
		if def != nil {
			r.record(name, def.String(), false)
		} else {
			r.record(name, "", false)
		}
		return def
	}
	n, good := new(big.Int).SetString(v, 10)
	if !good || n.Sign() < 0 {
		r.bad(name, v, "a non-negative whole number (in wei or juels, no decimals or units)")
		return def
	}
	r.record(name, v, true)
	return n
}

func (r *envReader) duration(name string, def time.Duration) time.Duration {
	v, ok := r.raw(name)
	if !ok {
		r.record(name, def.String(), false)
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.bad(name, v, `a positive duration such as "15s", "10m" or "1h30m"`)
		return def
	}
	r.record(name, v, true)
	return d
}

func (r *envReader) bool(name string, def bool) bool {
	v, ok := r.raw(name)
	if !ok {
		r.record(name, strconv.FormatBool(def), false)
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.bad(name, v, "true or false")
		return def
	}
	r.record(name, strconv.FormatBool(b), true)
	return b
}

func (r *envReader) address(name string) *common.Address {
	v, ok := r.raw(name)
	if !ok {
		r.record(name, "", false)
		return nil
	}
	if !common.IsHexAddress(v) {
		r.bad(name, v, "a 20-byte hex address such as 0x514910771AF9Ca656af840dff83E8264EcF986CA")
		return nil
	}
	a := common.HexToAddress(v)
	r.record(name, a.Hex(), true)
	return &a
}

// url reads a URL with one of schemes. redact hides its secret parts in
// what is recorded and in error messages; nil shows the URL as it is.
func (r *envReader) url(name, def string, redact func(string) string, schemes ...string) string {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	v, ok := r.raw(name)
	if !ok {
		r.record(name, redact(def), false)
		return def
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || !contains(schemes, strings.ToLower(u.Scheme)) {
		r.bad(name, redact(v), "a URL starting with "+strings.Join(schemes, ":// or ")+"://")
		return def
	}
	r.record(name, redact(v), true)
	return v
}

func (r *envReader) list(name, def string) []string {
	v := r.str(name, def)
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
