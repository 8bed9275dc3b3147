package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// buildBinaries builds the node (with pprof when asked: a copy of
// core/main.go that also serves net/http/pprof) and the baseline into dir.
func buildBinaries(ctx context.Context, repo, dir string, pprof bool) (node, baseline string, err error) {
	node, baseline = filepath.Join(dir, "pythia"), filepath.Join(dir, "baseline")
	pkg := "./core"
	if pprof {
		pkg = "./tools/bench/pprofnode"
	}
	for _, b := range [][2]string{{node, pkg}, {baseline, "./tools/bench/baseline"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b[0], b[1])
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("go build %s: %w\n%s", b[1], err, out)
		}
	}
	return node, baseline, nil
}

// node is a running pythia node and its REST session.
type node struct {
	bin, root string
	env       []string
	args      []string
	port      int
	proc      *child
	http      *http.Client
	email, pw string
	starts    int
}

// startNode starts `pythia node start` with a fresh ROOT in dir.
func startNode(ctx context.Context, bin, dir, ethURL, databaseURL string, extraEnv ...string) (*node, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, err
	}
	n := &node{bin: bin, root: root, port: port, email: "bench@example.com", pw: "bench api password 1"}
	pwFile, apiFile := filepath.Join(root, "pw"), filepath.Join(root, "api")
	if err := os.WriteFile(pwFile, []byte("bench keystore password\n"), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(apiFile, []byte(n.email+"\n"+n.pw+"\n"), 0o600); err != nil {
		return nil, err
	}
	n.env = append([]string{
		"HOME=" + root, "PATH=" + os.Getenv("PATH"), "ROOT=" + root,
		fmt.Sprintf("CHAINLINK_PORT=%d", port), fmt.Sprintf("CLIENT_NODE_URL=http://127.0.0.1:%d", port),
		"ETH_URL=" + ethURL, "ETH_CHAIN_ID=31337",
		"MIN_INCOMING_CONFIRMATIONS=0", "MIN_OUTGOING_CONFIRMATIONS=1",
		// Automine makes a block per transaction: a burst sent while the
		// node is away is hundreds of blocks, far deeper than the default
		// backfill of 10 blocks a live chain needs.
		"BLOCK_BACKFILL_DEPTH=5000",
		"MINIMUM_CONTRACT_PAYMENT=1000000000000000", "SECURE_COOKIES=false", "LOG_LEVEL=info", "LOG_FORMAT=text",
	}, extraEnv...)
	if databaseURL != "" {
		n.env = append(n.env, "DATABASE_URL="+databaseURL)
	}
	n.args = []string{"node", "start", "--password", pwFile, "--api", apiFile}
	jar, _ := cookiejar.New(nil)
	n.http = &http.Client{Jar: jar, Timeout: 30 * time.Second}
	if err := n.start(ctx); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *node) logPath() string { return filepath.Join(filepath.Dir(n.root), "node.log") }

// start launches the process (again, after a kill) and waits for /health
// and a signed-in session.
func (n *node) start(ctx context.Context) error {
	n.starts++
	p, err := startChild("pythia", n.logPath(), n.env, n.bin, n.args...)
	if err != nil {
		return err
	}
	n.proc = p
	err = poll(ctx, 90*time.Second, 50*time.Millisecond, func() bool {
		if p.Exited() {
			return true
		}
		resp, err := n.http.Get(n.url("/health"))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if err != nil || p.Exited() {
		p.Kill()
		return fmt.Errorf("node not healthy (log %s): %v", n.logPath(), err)
	}
	if _, err := n.call(ctx, http.MethodPost, "/sessions", map[string]string{"email": n.email, "password": n.pw}); err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	return nil
}

func (n *node) url(path string) string { return fmt.Sprintf("http://127.0.0.1:%d%s", n.port, path) }

// call sends a JSON request and returns the body of a 2xx answer.
func (n *node) call(ctx context.Context, method, path string, body any) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, n.url(path), r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, out)
	}
	return out, nil
}

var addrRE = regexp.MustCompile(`0x[0-9a-fA-F]{40}`)

// address returns the node's first key.
func (n *node) address(ctx context.Context) (common.Address, error) {
	b, err := n.call(ctx, http.MethodGet, "/v2/keys", nil)
	if err != nil {
		return common.Address{}, err
	}
	s := addrRE.FindString(string(b))
	if s == "" {
		return common.Address{}, fmt.Errorf("no key in /v2/keys: %s", b)
	}
	return common.HexToAddress(s), nil
}

// createJob posts a spec and returns the job's ID.
func (n *node) createJob(ctx context.Context, spec string) (string, error) {
	b, err := n.call(ctx, http.MethodPost, "/v2/specs", json.RawMessage(spec))
	if err != nil {
		return "", err
	}
	var doc struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Data.ID) != 32 {
		return "", fmt.Errorf("job created but its ID is unreadable: %s", b)
	}
	return doc.Data.ID, nil
}

// runlogSpec is the benchmark's job: fetch the price, parse, multiply,
// encode and answer.
func runlogSpec(oracle common.Address) string {
	return fmt.Sprintf(`{"initiators":[{"type":"RunLog","params":{"address":%q}}],
	  "tasks":[{"type":"HttpGet"},{"type":"JsonParse"},{"type":"Multiply"},{"type":"EthUint256"},{"type":"EthTx"}]}`, oracle.Hex())
}

// bridgeSpec asks the bridge for the value instead of fetching it.
func bridgeSpec(oracle common.Address, bridge string) string {
	return fmt.Sprintf(`{"initiators":[{"type":"RunLog","params":{"address":%q}}],
	  "tasks":[{"type":%q},{"type":"Multiply"},{"type":"EthUint256"},{"type":"EthTx"}]}`, oracle.Hex(), bridge)
}

func (n *node) stats() (procStats, error) { return readProcStats(n.proc.PID()) }

// Kill SIGKILLs the node.
func (n *node) Kill() { n.proc.Kill() }

// Stop stops the node with SIGINT.
func (n *node) Stop() { n.proc.Stop(syscall.SIGINT, 30*time.Second) }

// deploy runs `pythia dev deploy` against anvil, authorizing and funding
// nodes, and returns the Oracle and consumer addresses.
func deploy(ctx context.Context, bin, wsURL string, nodes ...common.Address) (oracle, consumer common.Address, err error) {
	args := []string{"dev", "deploy", "--url", wsURL, "--fund", "1000000000000000000000"}
	for _, a := range nodes {
		args = append(args, "--node", a.Hex())
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return oracle, consumer, fmt.Errorf("pythia dev deploy: %w\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "ORACLE_CONTRACT_ADDRESS="):
			oracle = common.HexToAddress(addrRE.FindString(line))
		case strings.HasPrefix(line, "CONSUMER_CONTRACT_ADDRESS="):
			consumer = common.HexToAddress(addrRE.FindString(line))
		}
	}
	if oracle == (common.Address{}) || consumer == (common.Address{}) {
		return oracle, consumer, fmt.Errorf("pythia dev deploy printed no addresses:\n%s", out)
	}
	return oracle, consumer, nil
}
