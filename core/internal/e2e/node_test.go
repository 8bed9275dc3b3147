package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pythia-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "pythia")
	build := exec.Command("go", "build", "-o", binPath, "github.com/pythia-oracle/pythia/core")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building pythia:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process's output safely while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// nodeProc is a running pythia node.
type nodeProc struct {
	cmd    *exec.Cmd
	port   int
	root   string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
}

// baseEnv is a clean environment: no variable from the test runner's shell
// leaks into the node's configuration.
func baseEnv(root string, port int, extra ...string) []string {
	env := []string{
		"HOME=" + root,
		"PATH=" + os.Getenv("PATH"),
		"ROOT=" + root,
		fmt.Sprintf("CHAINLINK_PORT=%d", port),
		fmt.Sprintf("DEV_ETH_PORT=%d", 0),
		"LOG_LEVEL=info",
	}
	return append(env, extra...)
}

// databaseEnv points the node at PostgreSQL on the postgres pass.
func databaseEnv(t *testing.T) []string {
	if testdb.Engine(t) != testdb.EnginePostgres {
		return nil
	}
	return []string{"DATABASE_URL=" + testdb.NewDatabaseURL(t, testdb.EnginePostgres)}
}

func startNode(t *testing.T, root string, env []string, args ...string) *nodeProc {
	t.Helper()
	port := 0
	for _, kv := range env {
		if strings.HasPrefix(kv, "CHAINLINK_PORT=") {
			fmt.Sscanf(strings.TrimPrefix(kv, "CHAINLINK_PORT="), "%d", &port)
		}
	}
	p := &nodeProc{port: port, root: root, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(binPath, append([]string{"node", "start"}, args...)...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("node stdout:\n%s\nnode stderr:\n%s", p.stdout, p.stderr)
		}
		// PYTHIA_E2E_LOG_DIR keeps every node's output, for looking at a
		// passing run too (timings, retries).
		if dir := os.Getenv("PYTHIA_E2E_LOG_DIR"); dir != "" {
			name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
			_ = os.MkdirAll(dir, 0o755)
			_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, p.cmd.Process.Pid)), []byte(p.stderr.String()), 0o644)
		}
	})
	return p
}

// waitHealthy polls /health until it answers 200, the process exits or the
// deadline passes.
func (p *nodeProc) waitHealthy(t *testing.T, within time.Duration) (elapsed time.Duration, body string) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(within)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			t.Fatalf("node exited before becoming healthy: %v", err)
		default:
		}
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/health", p.port))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), string(b)
			}
			body = string(b)
		}
		time.Sleep(50 * time.Millisecond) // polling an external process: no event to wait on
	}
	t.Fatalf("node not healthy within %v; last /health body: %s", within, body)
	return 0, ""
}

// stop sends sig and returns the exit code.
func (p *nodeProc) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("node did not stop within 30s of the signal")
	}
	return p.cmd.ProcessState.ExitCode()
}

// wait waits for the process to exit by itself and returns its exit code.
func (p *nodeProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatal("node did not exit within 60s")
	}
	return p.cmd.ProcessState.ExitCode()
}

func TestDevNodeStartsHealthyAndStopsOnSIGINT(t *testing.T) {
	root := t.TempDir()
	port := freePort(t)
	dbEnv := databaseEnv(t) // one database for both starts
	p := startNode(t, root, append(baseEnv(root, port), dbEnv...), "--dev")
	took, body := p.waitHealthy(t, 60*time.Second)
	t.Logf("healthy after %v: %s", took, body)
	for _, svc := range []string{`{"name":"database","healthy":true}`, `{"name":"ChainClient","healthy":true}`, `{"name":"HeadTracker","healthy":true}`} {
		if !strings.Contains(body, svc) {
			t.Errorf("/health does not report %s: %s", svc, body)
		}
	}
	if code := p.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("exit code after SIGINT = %d, want 0", code)
	}
	for _, want := range []string{"password:", "LINK token:       0x", "Oracle:           0x", "Example consumer: 0x"} {
		if !strings.Contains(p.stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, p.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "devchain.json")); err != nil {
		t.Errorf("devchain.json not written: %v", err)
	}
	for _, f := range []string{"dev-keystore-password", "dev-api-credentials"} {
		fi, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			t.Fatalf("%s not written: %v", f, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", f, fi.Mode().Perm())
		}
	}
	// The generated passwords never reach the log.
	pw, _ := os.ReadFile(filepath.Join(root, "dev-keystore-password"))
	creds, _ := os.ReadFile(filepath.Join(root, "dev-api-credentials"))
	apiPW := strings.Split(string(creds), "\n")[1]
	for _, secret := range []string{strings.TrimSpace(string(pw)), apiPW} {
		if secret == "" || strings.Contains(p.stderr.String(), secret) {
			t.Fatalf("a generated secret is empty or appears in the log")
		}
	}

	// A second start reuses the key and user: no new credentials printed.
	p2 := startNode(t, root, append(baseEnv(root, port), dbEnv...), "--dev")
	p2.waitHealthy(t, 60*time.Second)
	if code := p2.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	if strings.Contains(p2.stdout.String(), "password:") {
		t.Errorf("credentials printed again on the second start:\n%s", p2.stdout)
	}
}

func TestWrongKeystorePasswordExits1(t *testing.T) {
	root := t.TempDir()
	port := freePort(t)
	dbEnv := databaseEnv(t)
	pwFile := filepath.Join(root, "pw")
	apiFile := filepath.Join(root, "api")
	os.WriteFile(pwFile, []byte("correct horse battery staple\n"), 0o600)
	os.WriteFile(apiFile, []byte("ops@example.com\nsecret-api-password\n"), 0o600)
	// Without ETH_URL and --dev the node refuses at once, creating nothing.
	p := startNode(t, root, append(baseEnv(root, port), dbEnv...), "--password", pwFile, "--api", apiFile)
	if code := p.wait(t); code != 1 {
		t.Fatalf("start without ETH_URL: exit %d, want 1", code)
	}
	if !strings.Contains(p.stderr.String(), "ETH_URL is not set") {
		t.Fatalf("stderr does not explain the missing ETH_URL:\n%s", p.stderr)
	}
	// A first start (on the dev chain) creates the key, encrypted with the
	// password in pwFile at the standard scrypt cost.
	first := startNode(t, root, append(baseEnv(root, port), dbEnv...), "--dev", "--password", pwFile, "--api", apiFile)
	first.waitHealthy(t, 60*time.Second)
	if code := first.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("first start: exit %d", code)
	}
	os.WriteFile(pwFile, []byte("wrong password\n"), 0o600)
	p2 := startNode(t, root, append(baseEnv(root, port), dbEnv...), "--dev", "--password", pwFile)
	if code := p2.wait(t); code != 1 {
		t.Fatalf("wrong password: exit %d, want 1", code)
	}
	stderr := p2.stderr.String()
	if !strings.Contains(stderr, "wrong keystore password") {
		t.Fatalf("stderr does not say the password is wrong:\n%s", stderr)
	}
	if strings.Contains(stderr, "wrong password\n") || strings.Contains(stderr, "correct horse") {
		t.Fatalf("a password reached the output:\n%s", stderr)
	}
}

func TestBadConfigExits1NamingEveryVariable(t *testing.T) {
	root := t.TempDir()
	env := baseEnv(root, freePort(t), "ETH_CHAIN_ID=mainnet", "MIN_OUTGOING_CONFIRMATIONS=-2", "SESSION_TIMEOUT=soon")
	p := startNode(t, root, env, "--dev")
	if code := p.wait(t); code != 1 {
		t.Fatalf("exit code = %d, want 1", code)
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(p.stderr.String()))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	for _, name := range []string{"ETH_CHAIN_ID", "MIN_OUTGOING_CONFIRMATIONS", "SESSION_TIMEOUT"} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, "invalid "+name+"=") {
				found = true
			}
		}
		if !found {
			t.Errorf("no line names %s:\n%s", name, p.stderr)
		}
	}
}

func TestVersionAndConfigCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "pythia ") || !strings.Contains(string(out), "commit") {
		t.Fatalf("--version = %q, %v", out, err)
	}
	cmd := exec.CommandContext(ctx, binPath, "node", "config")
	cmd.Env = []string{"ROOT=/tmp/x", "DATABASE_URL=postgres://u:topsecret@db:5432/p", "CHAINLINK_PORT=7001"}
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node config: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "topsecret") || !strings.Contains(string(out), "7001") {
		t.Fatalf("node config output:\n%s", out)
	}
	for _, args := range [][]string{{"help"}, {"node", "--help"}, {"node", "start", "--help"}, {"node", "config", "--help"}} {
		out, err := exec.CommandContext(ctx, binPath, args...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "xample") {
			t.Errorf("pythia %v has no example in its help: %v\n%s", args, err, out)
		}
	}
}
