package adapters_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestRandom(t *testing.T) {
	limit := new(big.Int).Lsh(big.NewInt(1), 256)
	seen := map[string]bool{}
	for range 20 {
		out := perform(t, "random", `{"a":1}`, `{}`)
		require.Equal(t, models.RunStatusCompleted, out.Status)
		var s string
		require.NoError(t, json.Unmarshal(out.Result(), &s))
		n, ok := new(big.Int).SetString(s, 10)
		require.True(t, ok, "result %q is a decimal string", s)
		assert.True(t, n.Sign() >= 0 && n.Cmp(limit) < 0, "result %s in [0, 2^256)", n)
		seen[s] = true
	}
	assert.Greater(t, len(seen), 1, "results vary")
}
