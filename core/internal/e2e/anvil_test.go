package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pythia-oracle/pythia/core/internal/anviltest"
)

// TestNodeOnAnvil runs the node against anvil, an external chain over
// WebSocket: contracts deployed with `pythia dev deploy`, the chain ID
// checked, and /health reporting the chain connected.
func TestNodeOnAnvil(t *testing.T) {
	url := anviltest.Start(t, "--block-time", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "dev", "deploy", "--url", url).CombinedOutput()
	if err != nil {
		t.Fatalf("dev deploy: %v\n%s", err, out)
	}
	for _, v := range []string{"LINK_CONTRACT_ADDRESS=0x", "ORACLE_CONTRACT_ADDRESS=0x", "CONSUMER_CONTRACT_ADDRESS=0x"} {
		if !strings.Contains(string(out), v) {
			t.Fatalf("dev deploy output lacks %s:\n%s", v, out)
		}
	}

	root := t.TempDir()
	pw := filepath.Join(root, "pw")
	api := filepath.Join(root, "api")
	os.WriteFile(pw, []byte("a keystore password\n"), 0o600)
	os.WriteFile(api, []byte("ops@example.com\nan api password\n"), 0o600)
	dbEnv := databaseEnv(t)

	// A wrong chain ID stops the node with both numbers in the message.
	wrong := startNode(t, root, append(baseEnv(root, freePort(t), "ETH_URL="+url, "ETH_CHAIN_ID=5"), dbEnv...), "--password", pw, "--api", api)
	if code := wrong.wait(t); code != 1 {
		t.Fatalf("chain ID mismatch: exit %d, want 1", code)
	}
	if s := wrong.stderr.String(); !strings.Contains(s, "31337") || !strings.Contains(s, "5") || !strings.Contains(s, "chain ID") {
		t.Fatalf("mismatch message lacks the chain IDs:\n%s", s)
	}

	p := startNode(t, root, append(baseEnv(root, freePort(t), "ETH_URL="+url, "ETH_CHAIN_ID=31337"), dbEnv...), "--password", pw)
	_, body := p.waitHealthy(t, 60*time.Second)
	if !strings.Contains(body, `{"name":"ChainClient","healthy":true}`) {
		t.Fatalf("/health does not report the chain connected: %s", body)
	}
	if code := p.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("exit code after SIGINT = %d, want 0", code)
	}
}
