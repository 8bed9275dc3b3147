package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/pythia-oracle/pythia/core/internal/anviltest"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
)

var (
	addressRE = regexp.MustCompile(`0x[0-9a-fA-F]{40}`)
	jobIDRE   = regexp.MustCompile(`\b[0-9a-f]{32}\b`)
)

// runCLI runs the pythia binary with env and fails the test on a non-zero
// exit.
func runCLI(t *testing.T, env []string, args ...string) string {
	t.Helper()
	out, err := runPythia(3*time.Minute, env, args...)
	if err != nil {
		t.Fatalf("pythia %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestDevRequestIsFulfilled(t *testing.T) {
	root := t.TempDir()
	port := freePort(t)
	env := append(baseEnv(root, port), databaseEnv(t)...)
	p := startNode(t, root, env, "--dev")
	p.waitHealthy(t, 60*time.Second)
	if !strings.Contains(p.stdout.String(), "pythia dev request") {
		t.Fatalf("--dev does not announce the example job:\n%s", p.stdout)
	}
	out := runCLI(t, env, "dev", "request", "--price", "1234.5", "--times", "100")
	if !strings.Contains(out, "fulfilled: the consumer stored 123450") {
		t.Fatalf("dev request output:\n%s", out)
	}
	if !regexp.MustCompile(`run [0-9a-f]{32}: completed`).MatchString(out) {
		t.Fatalf("dev request does not show the run completed:\n%s", out)
	}
	if code := p.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("exit code = %d", code)
	}

	// After a restart the dev chain is new; the same job answers again.
	p2 := startNode(t, root, env, "--dev")
	p2.waitHealthy(t, 60*time.Second)
	out = runCLI(t, env, "dev", "request", "--price", "7", "--times", "3")
	if !strings.Contains(out, "fulfilled: the consumer stored 21") {
		t.Fatalf("dev request after restart:\n%s", out)
	}
	p2.stop(t, syscall.SIGINT)
}

// anvilNode is a node following anvil, with the contracts deployed, its
// key funded and authorized, a runlog job, and the CLI signed in.
type anvilNode struct {
	proc      *nodeProc
	env       []string
	root      string
	url       string
	nodeAddr  common.Address
	oracle    common.Address
	consumer  common.Address
	jobID     string
	startArgs []string
}

func startAnvilNode(t *testing.T, anvilArgs ...string) *anvilNode {
	t.Helper()
	url := anviltest.Start(t, anvilArgs...)
	root := t.TempDir()
	pw, api := filepath.Join(root, "pw"), filepath.Join(root, "api")
	os.WriteFile(pw, []byte("a keystore password\n"), 0o600)
	os.WriteFile(api, []byte("ops@example.com\nan api password\n"), 0o600)
	port := freePort(t)
	env := append(baseEnv(root, port, "ETH_URL="+url, "ETH_CHAIN_ID=31337",
		"MIN_INCOMING_CONFIRMATIONS=0", "MIN_OUTGOING_CONFIRMATIONS=1",
		fmt.Sprintf("CLIENT_NODE_URL=http://127.0.0.1:%d", port)), databaseEnv(t)...)
	n := &anvilNode{env: env, root: root, url: url, startArgs: []string{"--password", pw, "--api", api}}
	n.proc = startNode(t, root, env, n.startArgs...)
	n.proc.waitHealthy(t, 60*time.Second)
	runCLI(t, env, "admin", "login", "--file", api)

	n.nodeAddr = common.HexToAddress(addressRE.FindString(runCLI(t, env, "keys", "eth", "list")))
	out := runCLI(t, env, "dev", "deploy", "--url", url, "--node", n.nodeAddr.Hex())
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "ORACLE_CONTRACT_ADDRESS="):
			n.oracle = common.HexToAddress(addressRE.FindString(line))
		case strings.HasPrefix(line, "CONSUMER_CONTRACT_ADDRESS="):
			n.consumer = common.HexToAddress(addressRE.FindString(line))
		}
	}
	spec := filepath.Join(root, "job.json")
	os.WriteFile(spec, fmt.Appendf(nil, `{"initiators":[{"type":"RunLog","params":{"address":%q}}],
	  "tasks":[{"type":"HttpGet"},{"type":"JsonParse"},{"type":"Multiply"},{"type":"EthUint256"},{"type":"EthTx"}]}`, n.oracle.Hex()), 0o600)
	n.jobID = jobIDRE.FindString(runCLI(t, env, "jobs", "create", spec))
	if n.jobID == "" || n.oracle == (common.Address{}) || n.consumer == (common.Address{}) {
		t.Fatalf("set-up incomplete: job %q oracle %s consumer %s", n.jobID, n.oracle, n.consumer)
	}
	return n
}

// priceServer answers {"USD": price} and counts its requests; delay slows
// each answer.
func priceServer(t *testing.T, price string, delay time.Duration, hits *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"USD": %s}`, price)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRunLogOnAnvil: the example consumer on anvil, an external chain over
// WebSocket, asks for a price; a runlog job created through the CLI
// (httpget, jsonparse, multiply, ethuint256, ethtx) answers it.
func TestRunLogOnAnvil(t *testing.T) {
	n := startAnvilNode(t, "--block-time", "1")
	var hits atomic.Int64
	srv := priceServer(t, "3120.75", 0, &hits)
	out := runCLI(t, n.env, "dev", "request", "--url", n.url, "--consumer", n.consumer.Hex(), "--job", n.jobID,
		"--get", srv.URL, "--path", "USD", "--times", "100", "--timeout", "90s")
	if !strings.Contains(out, "fulfilled: the consumer stored 312075") {
		t.Fatalf("dev request output:\n%s", out)
	}
	runs := runCLI(t, n.env, "runs", "list", "--job", n.jobID)
	if !strings.Contains(runs, "completed") {
		t.Fatalf("runs list does not show the run completed:\n%s", runs)
	}
	if hits.Load() != 1 {
		t.Fatalf("the price server was asked %d times, want 1", hits.Load())
	}
}

// TestCrashMidBurstAnswersEachRequestOnce SIGKILLs the node while 100
// requests are being answered and restarts it: every request is fulfilled
// exactly once on chain.
func TestCrashMidBurstAnswersEachRequestOnce(t *testing.T) {
	const total = 100
	n := startAnvilNode(t, "--block-time", "1")
	var hits atomic.Int64
	srv := priceServer(t, "42", 20*time.Millisecond, &hits)
	runCLI(t, n.env, "dev", "request", "--url", n.url, "--consumer", n.consumer.Hex(), "--job", n.jobID,
		"--get", srv.URL, "--path", "USD", "--times", "1", "--count", fmt.Sprint(total), "--wait=false")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	client, err := ethclient.DialContext(ctx, n.url)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	fulfilled := func() uint64 {
		c, err := stack.FulfilmentCount(ctx, client, n.consumer)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// Kill once the node is busy answering: some price fetches done, not all.
	deadline := time.Now().Add(2 * time.Minute)
	for hits.Load() < total/4 {
		if time.Now().After(deadline) {
			t.Fatalf("the node fetched only %d prices in 2 minutes", hits.Load())
		}
		time.Sleep(10 * time.Millisecond) // polling an external process
	}
	if err := n.proc.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-n.proc.done
	atKill := fulfilled()
	t.Logf("killed after %d price fetches, %d answers on chain", hits.Load(), atKill)
	if atKill >= total {
		t.Logf("every request was answered before the kill landed; the restart below still must send nothing twice")
	}

	p := startNode(t, n.root, n.env, n.startArgs...)
	p.waitHealthy(t, 60*time.Second)
	for fulfilled() < total {
		if time.Now().After(deadline.Add(time.Minute)) {
			t.Fatalf("only %d of %d requests answered after the restart", fulfilled(), total)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let a few more blocks pass: a duplicate answer would land now.
	head, _ := client.BlockNumber(ctx)
	for b, _ := client.BlockNumber(ctx); b < head+3; b, _ = client.BlockNumber(ctx) {
		time.Sleep(200 * time.Millisecond)
	}

	if got := fulfilled(); got != total {
		t.Fatalf("consumer fulfilments = %d, want %d", got, total)
	}
	logs, err := client.FilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{n.oracle}, FromBlock: common.Big0})
	if err != nil {
		t.Fatal(err)
	}
	ptrs := make([]*types.Log, 0, len(logs))
	for i := range logs {
		ptrs = append(ptrs, &logs[i])
	}
	reqs, err := stack.OracleRequests(ptrs)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != total {
		t.Fatalf("OracleRequest events = %d, want %d", len(reqs), total)
	}
	for _, r := range reqs {
		open, err := stack.IsOpen(ctx, client, n.oracle, r.RequestId)
		if err != nil {
			t.Fatal(err)
		}
		if open {
			t.Fatalf("request %x still has its commitment: not fulfilled", r.RequestId)
		}
	}
	// Every transaction the node's key ever mined: one per request, so no
	// answer was sent twice (a second one would revert but still be mined).
	nonce, err := client.NonceAt(ctx, n.nodeAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if nonce != total {
		t.Fatalf("node key mined %d transactions, want exactly %d", nonce, total)
	}
	p.stop(t, syscall.SIGINT)
}
