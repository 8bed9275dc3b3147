package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEveryCLICommand runs each client command against a node on the dev
// chain and checks what it prints.
func TestEveryCLICommand(t *testing.T) {
	root := t.TempDir()
	port := freePort(t)
	env := append(baseEnv(root, port), databaseEnv(t)...)
	p := startNode(t, root, env, "--dev")
	p.waitHealthy(t, 60*time.Second)

	// Not signed in yet: the error says what to do.
	if out, err := runCLIErr(env, "jobs", "list"); err == nil || !strings.Contains(out, "run `pythia admin login`") {
		t.Fatalf("jobs list before login: %v\n%s", err, out)
	}
	expect(t, runCLI(t, env, "admin", "login", "--file", filepath.Join(root, "dev-api-credentials")), "Signed in to", "as dev@pythia.local")
	if fi, err := os.Stat(filepath.Join(root, "cookie")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v (mode %v), want mode 0600", err, fi.Mode().Perm())
	}

	spec := filepath.Join(root, "web.json")
	os.WriteFile(spec, []byte(`{"initiators":[{"type":"Web"}],"tasks":[{"type":"NoOp"}]}`), 0o600)
	jobID := jobIDRE.FindString(expect(t, runCLI(t, env, "jobs", "create", spec), "created"))
	expect(t, runCLI(t, env, "jobs", "list"), "INITIATORS", jobID, "web", "runlog")
	expect(t, runCLI(t, env, "jobs", "show", jobID), "Initiators:", "noop")
	expect(t, runCLI(t, env, "jobs", "list", "--json"), `"data"`, `"type": "specs"`)

	expect(t, runCLI(t, env, "runs", "create", jobID, "--data", `{"price":"7"}`), "started")
	var runID string
	waitFor(t, "the web run to complete", func() bool {
		out := runCLI(t, env, "runs", "list", "--job", jobID)
		runID = jobIDRE.FindString(strings.SplitN(out, "\n", 2)[1])
		return strings.Contains(out, "completed")
	})
	expect(t, runCLI(t, env, "runs", "show", runID), "Status:     completed", `{"price":"7"}`, "noop")

	bridge := expect(t, runCLI(t, env, "bridges", "create", "--confirmations", "2", "prices", "http://127.0.0.1:9/prices"), "Incoming token", "Outgoing token")
	expect(t, runCLI(t, env, "bridges", "list"), "prices", "http://127.0.0.1:9/prices")
	show := expect(t, runCLI(t, env, "bridges", "show", "prices"), "Confirmations:  2")
	for _, line := range strings.Split(bridge, "\n") {
		if i := strings.LastIndex(line, " "); strings.Contains(line, "token") && i > 0 && strings.Contains(show, line[i+1:]) {
			t.Fatalf("bridges show repeats a token that is shown only at creation:\n%s", show)
		}
	}
	expect(t, runCLI(t, env, "bridges", "destroy", "prices"), "deleted")
	if out := runCLI(t, env, "bridges", "list"); strings.Contains(out, "prices") {
		t.Fatalf("bridge still listed after destroy:\n%s", out)
	}

	expect(t, runCLI(t, env, "initiators", "create", "feeds", "http://127.0.0.1:9/ei"), "Access key", "Secret")
	expect(t, runCLI(t, env, "initiators", "destroy", "feeds"), "deleted")

	keys := expect(t, runCLI(t, env, "keys", "eth", "list"), "ETH (WEI)", "LINK (JUELS)", "100000000000000000000")
	newKey := addressRE.FindString(expect(t, runCLI(t, env, "keys", "eth", "create"), "0x"))
	if strings.Contains(keys, newKey) || !strings.Contains(runCLI(t, env, "keys", "eth", "list"), newKey) {
		t.Fatalf("keys eth create made no new listed key %s", newKey)
	}

	// A request answered on chain gives a transaction to list and show.
	expect(t, runCLI(t, env, "dev", "request"), "fulfilled: the consumer stored")
	txs := expect(t, runCLI(t, env, "txs", "list"), "HASH", "confirmed")
	hash := regexp.MustCompile(`0x[0-9a-f]{64}`).FindString(txs)
	expect(t, runCLI(t, env, "txs", "show", hash), "State:          confirmed", "Gas used:")

	expect(t, runCLI(t, env, "config"), "CHAINLINK_PORT", "SESSION_TIMEOUT")
	expect(t, runCLI(t, env, "jobs", "archive", jobID), "archived")
	if out := runCLI(t, env, "jobs", "list"); strings.Contains(out, jobID) {
		t.Fatalf("archived job still listed:\n%s", out)
	}
	expect(t, runCLI(t, env, "admin", "logout"), "Signed out")
	if out, err := runCLIErr(env, "runs", "list"); err == nil || !strings.Contains(out, "pythia admin login") {
		t.Fatalf("runs list after logout: %v\n%s", err, out)
	}
	p.stop(t, syscall.SIGINT)
}

// runCLIErr runs the pythia binary with env for at most a minute and
// returns its combined output and exit error.
func runCLIErr(env []string, args ...string) (string, error) {
	return runPythia(time.Minute, env, args...)
}

// runPythia runs the pythia binary with env for at most timeout.
func runPythia(timeout time.Duration, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// expect fails unless out holds every want; it returns out.
func expect(t *testing.T, out string, wants ...string) string {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Fatalf("output lacks %q:\n%s", w, out)
		}
	}
	return out
}

// waitFor polls cond (each call asks the node over the CLI) for a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
