package anviltest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

// ChainID is anvil's default chain ID.
var ChainID = big.NewInt(31337)

// Account0Key is the private key of anvil's first default account
// (0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266), funded with 10,000 ETH by
// the standard test mnemonic. Public: tests only.
const Account0Key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// binRel is the binary's path inside tools/anvil.
const binRel = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

// Binary returns the anvil binary: $PYTHIA_ANVIL when set, else
// tools/anvil's, found by walking up from the working directory. It
// returns an error saying how to install it when missing.
func Binary() (string, error) {
	if p := os.Getenv("PYTHIA_ANVIL"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("PYTHIA_ANVIL names no anvil binary: %w", err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding anvil: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "anvil", "package.json")); err == nil {
			bin := filepath.Join(dir, "tools", "anvil", binRel)
			if _, err := os.Stat(bin); err != nil {
				return "", fmt.Errorf("anvil is not installed at %s: run `npm ci --prefix tools/anvil`", bin)
			}
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding anvil: no tools/anvil above the working directory")
		}
		dir = parent
	}
}

// lockedBuffer collects anvil's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Start runs anvil on a free 127.0.0.1 port with args (e.g.
// "--block-time", "1"; none: automine), waits until it answers
// eth_chainId and returns its ws:// URL. It is killed in t.Cleanup.
func Start(t testing.TB, args ...string) string {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("anviltest: %v", err)
		}
		t.Skipf("anviltest: %v", err)
	}
	port, err := simchain.FreePort()
	if err != nil {
		t.Fatalf("anviltest: %v", err)
	}
	all := append([]string{"--host", "127.0.0.1", "--port", strconv.Itoa(port)}, args...)
	cmd := exec.Command(bin, all...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("anviltest: starting %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	httpURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("anviltest: anvil exited (%v):\n%s", err, out.String())
		default:
		}
		if ready(httpURL) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("anviltest: anvil did not answer eth_chainId within 15s:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond) // polling a child process; nothing to wait on
	}
	return fmt.Sprintf("ws://127.0.0.1:%d", port)
}

func ready(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return false
	}
	defer c.Close()
	var id string
	return c.CallContext(ctx, &id, "eth_chainId") == nil && id != ""
}

// Key0 returns anvil's account 0 key.
func Key0() *ecdsa.PrivateKey {
	k, err := crypto.HexToECDSA(Account0Key)
	if err != nil {
		panic(fmt.Sprintf("anviltest: account 0 key: %v", err)) // a constant: cannot fail
	}
	return k
}

// Transactor returns transact options for anvil's account 0.
func Transactor() *bind.TransactOpts {
	return bind.NewKeyedTransactor(Key0(), ChainID)
}

// Deploy deploys LINK, the Oracle (authorizing nodes) and the example
// consumer through backend from anvil's account 0.
func Deploy(t testing.TB, ctx context.Context, backend stack.Backend, nodes []common.Address) *stack.Addresses {
	t.Helper()
	addrs, err := stack.Deploy(ctx, backend, Transactor(), nodes)
	if err != nil {
		t.Fatalf("anviltest: deploying the contracts: %v", err)
	}
	return addrs
}
