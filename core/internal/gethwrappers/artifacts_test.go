package gethwrappers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/consumer"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/linktoken"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
)

// contractsDir is evm-contracts/, seen from this package's directory.
var contractsDir = filepath.Join("..", "..", "..", "evm-contracts")

var bindings = []struct {
	contract string
	meta     *bind.MetaData
}{
	{"LinkToken", &linktoken.LinkTokenMetaData},
	{"Oracle", &oracle.OracleMetaData},
	{"ExampleConsumer", &consumer.ExampleConsumerMetaData},
}

// TestArtifactsFresh compiles the contracts afresh with the pinned solc and
// fails when the committed artifacts differ: run `make contracts` after
// editing a contract and commit the result.
func TestArtifactsFresh(t *testing.T) {
	if _, err := os.Stat(filepath.Join(contractsDir, "node_modules", "solc")); err != nil {
		missing(t, "the pinned solc is not installed: run `npm ci --prefix evm-contracts`")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not on PATH: install Node.js 20 or newer")
	}

	out := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(contractsDir, "compile.js"), out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "compile.js: %s", stderr.String())

	committed := listFiles(t, filepath.Join(contractsDir, "artifacts"))
	fresh := listFiles(t, out)
	require.Equal(t, fresh, committed, "files in evm-contracts/artifacts; run `make contracts`")
	for _, name := range fresh {
		want, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(contractsDir, "artifacts", name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "evm-contracts/artifacts/%s differs from a fresh compile; run `make contracts`", name)
	}
}

// TestBindingsEmbedArtifacts fails when the Go bindings were not
// regenerated after the artifacts changed.
func TestBindingsEmbedArtifacts(t *testing.T) {
	for _, b := range bindings {
		t.Run(b.contract, func(t *testing.T) {
			bin, err := os.ReadFile(filepath.Join(contractsDir, "artifacts", b.contract+".bin"))
			require.NoError(t, err)
			assert.Equal(t, "0x"+string(bin), b.meta.Bin, "%s binding bytecode is stale; run `make contracts`", b.contract)

			abiJSON, err := os.ReadFile(filepath.Join(contractsDir, "artifacts", b.contract+".abi"))
			require.NoError(t, err)
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, abiJSON))
			assert.Equal(t, compact.String(), b.meta.ABI, "%s binding ABI is stale; run `make contracts`", b.contract)
		})
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// missing skips the test on a developer machine but fails it in CI, where
// the toolchain must be present.
func missing(t *testing.T, why string) {
	t.Helper()
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatal(why)
	}
	t.Skip(why)
}
