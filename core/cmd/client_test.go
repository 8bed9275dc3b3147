package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/logging"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
)

// clientNode serves the real router over a real store and points the
// CLI at it; ROOT is a fresh directory.
func clientNode(t *testing.T) (root string, ks *keystore.KeyStore) {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t)
	hash, err := models.HashPasswordWithCost("operator password", 4)
	require.NoError(t, err)
	require.NoError(t, st.CreateUser(ctx, &models.User{Email: "op@example.com", HashedPassword: hash}))
	ks = keystore.New(st, keystore.LightConfig(), logging.Discard())
	require.NoError(t, ks.Unlock(ctx, "keystore password"))
	reg := adapters.NewRegistry(adapters.Deps{Bridges: st})
	rm, err := services.NewRunManager(services.RunConfig{}, services.RunDeps{Store: st, Adapters: reg})
	require.NoError(t, err)
	h, err := web.NewRouter(web.Deps{
		Store: st, Runs: rm, Resumer: rm, Canceller: rm, Keys: ks, Adapters: reg,
		Settings: func() []web.Setting { return []web.Setting{{Name: "CHAINLINK_PORT", Value: "6688"}} },
	})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	root = t.TempDir()
	t.Setenv("CLIENT_NODE_URL", srv.URL)
	t.Setenv("ROOT", root)
	return root, ks
}

// pythia runs the CLI and returns its output and exit code.
func pythia(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(append([]string{"pythia"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustPythia(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := pythia(t, args...)
	require.Zero(t, code, "pythia %s: %s", strings.Join(args, " "), errOut)
	return out
}

var idPattern = regexp.MustCompile(`[0-9a-f]{32}`)

func TestClientCommands(t *testing.T) {
	root, ks := clientNode(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}

	_, errOut, code := pythia(t, "jobs", "list")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "run `pythia admin login`")

	_, errOut, code = pythia(t, "admin", "login", "--file", write("wrong.txt", "op@example.com\nwrong\n"))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "wrong email or password")
	_, errOut, code = pythia(t, "admin", "login")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--file")

	out := mustPythia(t, "admin", "login", "--file", write("api.txt", "op@example.com\noperator password\n"))
	require.Contains(t, out, "Signed in")
	fi, err := os.Stat(filepath.Join(root, "cookie"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	out = mustPythia(t, "admin", "login", "--email", "op@example.com", "--password-file", write("pw.txt", "operator password\n"))
	require.Contains(t, out, "Signed in")

	out = mustPythia(t, "jobs", "create", write("job.json", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`))
	jobID := idPattern.FindString(out)
	require.NotEmpty(t, jobID, out)

	_, errOut, code = pythia(t, "jobs", "create", write("bad.json", `{"initiators":[{"type":"web"}],"tasks":[{"type":"multiply","params":{"times":"x"}}]}`))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "tasks[0].params.times")

	out = mustPythia(t, "jobs", "list")
	require.Regexp(t, `(?m)^ID\s+CREATED\s+INITIATORS\s+TASKS$`, out)
	require.Contains(t, out, jobID)
	require.Contains(t, out, "web")
	out = mustPythia(t, "jobs", "list", "--json")
	var doc struct {
		Meta struct{ Count int } `json:"meta"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Equal(t, 1, doc.Meta.Count)
	out = mustPythia(t, "jobs", "show", jobID)
	require.Contains(t, out, "noop")
	require.Contains(t, out, "Recent runs:")

	out = mustPythia(t, "runs", "create", jobID, "--data", `{"price":"1"}`)
	runID := idPattern.FindString(out)
	require.NotEmpty(t, runID, out)
	_, errOut, code = pythia(t, "runs", "create", jobID, "--data", `{price`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--data is not valid JSON")
	out = mustPythia(t, "runs", "list", "--job", jobID)
	require.Contains(t, out, runID)
	require.Regexp(t, `(?m)^ID\s+JOB\s+STATUS`, out)
	out = mustPythia(t, "runs", "show", runID)
	require.Contains(t, out, "Tasks:")
	require.Contains(t, out, "noop")
	out = mustPythia(t, "runs", "cancel", runID)
	require.Contains(t, out, "cancelled")

	out = mustPythia(t, "bridges", "create", "--confirmations", "2", "prices", "http://127.0.0.1:9/")
	require.Contains(t, out, "Incoming token")
	out = mustPythia(t, "bridges", "list")
	require.Regexp(t, `(?m)^prices\s+http://127.0.0.1:9/\s+2`, out)
	out = mustPythia(t, "bridges", "show", "prices")
	require.Contains(t, out, "http://127.0.0.1:9/")
	_, errOut, code = pythia(t, "bridges", "create", "httpget", "http://127.0.0.1:9/")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "built-in adapter")
	mustPythia(t, "bridges", "destroy", "prices")
	_, errOut, code = pythia(t, "bridges", "show", "prices")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "not found")

	out = mustPythia(t, "txs", "list")
	require.Regexp(t, `(?m)^HASH\s+FROM\s+NONCE`, out)
	_, errOut, code = pythia(t, "txs", "show", "0x"+strings.Repeat("ab", 32))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "not found")

	out = mustPythia(t, "keys", "eth", "create")
	require.Contains(t, out, "Key 0x")
	out = mustPythia(t, "keys", "eth", "list")
	for _, a := range ks.Addresses() {
		require.Contains(t, out, a.Hex())
	}

	out = mustPythia(t, "initiators", "create", "feeds")
	require.Contains(t, out, "Access key")
	require.Contains(t, mustPythia(t, "initiators", "list"), "feeds")
	mustPythia(t, "initiators", "destroy", "feeds")

	out = mustPythia(t, "config")
	require.Regexp(t, `(?m)^CHAINLINK_PORT\s+6688\s+default$`, out)

	out = mustPythia(t, "jobs", "archive", jobID)
	require.Contains(t, out, "archived")
	require.NotContains(t, mustPythia(t, "jobs", "list"), jobID)

	require.Contains(t, mustPythia(t, "admin", "logout"), "Signed out")
	_, err = os.Stat(filepath.Join(root, "cookie"))
	require.True(t, os.IsNotExist(err))
	_, errOut, code = pythia(t, "jobs", "list")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "pythia admin login")
}

func TestClientNodeUnreachable(t *testing.T) {
	t.Setenv("CLIENT_NODE_URL", "http://127.0.0.1:1")
	t.Setenv("ROOT", t.TempDir())
	_, errOut, code := pythia(t, "jobs", "list")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "cannot reach the node at http://127.0.0.1:1")
	require.Contains(t, errOut, "CLIENT_NODE_URL")
}

// TestClientCommandsHaveExamples checks that every client command's help
// shows an example.
func TestClientCommandsHaveExamples(t *testing.T) {
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := strings.TrimSpace(prefix + " " + c.Name)
			if !strings.Contains(c.Description, "Example") {
				t.Errorf("pythia %s: no example in its help", name)
			}
			walk(name, c.Subcommands)
		}
	}
	walk("", clientCommands())
	out := mustPythia(t, "runs", "create", "--help")
	require.Contains(t, out, "pythia runs create 0123456789abcdef0123456789abcdef --data")
}
