package testdb_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestStoresAreIsolated(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		a := testdb.OpenEngine(t, engine)
		b := testdb.OpenEngine(t, engine)
		require.Equal(t, engine, a.Dialect())
		require.NoError(t, a.CreateUser(ctx, &models.User{Email: "a@example.com", HashedPassword: "h"}))
		_, err := b.FindUser(ctx, "a@example.com")
		require.ErrorIs(t, err, store.ErrNotFound)
		v, err := b.SchemaVersion(ctx)
		require.NoError(t, err)
		require.Equal(t, store.LatestVersion(), v)
	})
}

func TestOpenUsesEnvEngine(t *testing.T) {
	s := testdb.Open(t)
	require.Equal(t, testdb.Engine(t), s.Dialect())
}

// TestPostgresURLUnset runs the helper in a child test process with the
// URL unset: skipped normally, failed under CI=true.
func TestPostgresURLUnset(t *testing.T) {
	if os.Getenv("TESTDB_CHILD") == "1" {
		testdb.PostgresURL(t)
		t.Log("reached after PostgresURL")
		return
	}
	tests := []struct {
		name, ci string
		wantFail bool
		wantOut  string
	}{
		{"skips locally", "", false, "SKIP"},
		{"fails in CI", "true", true, "CI=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresURLUnset$", "-test.v")
			cmd.Env = append(filteredEnv(), "TESTDB_CHILD=1", "CI="+tt.ci)
			out, err := cmd.CombinedOutput()
			require.Equal(t, tt.wantFail, err != nil, "child error %v, output:\n%s", err, out)
			require.Contains(t, string(out), tt.wantOut)
			require.NotContains(t, string(out), "reached after PostgresURL")
		})
	}
}

func filteredEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, testdb.EnvPostgresURL+"=") || strings.HasPrefix(kv, "CI=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
