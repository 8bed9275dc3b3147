package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/urfave/cli/v2"

	"github.com/pythia-oracle/pythia/core/devchain"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func devRequestCommand() *cli.Command {
	return &cli.Command{
		Name:  "request",
		Usage: "make the example consumer ask for a price and wait for the node's answer",
		Description: `Sends requestPrice on the example consumer for the dev job, serving the price itself on 127.0.0.1
unless --get is given, waits until the consumer stores the answer, and prints it with the run's status.
Without flags it uses the dev chain and dev job of a running "pythia node start --dev" (ROOT/devchain.json,
ROOT/dev-job-id, ROOT/dev-api-credentials).

Examples:
   pythia dev request
   pythia dev request --price 3120.5 --times 100
   pythia dev request --url ws://127.0.0.1:8545 --consumer 0x9fE4... --job 7f3a... --get http://127.0.0.1:9000/price --path USD`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "url", Usage: "WebSocket `URL` of the chain (default: the dev chain's)"},
			&cli.StringFlag{Name: "consumer", Usage: "example consumer `ADDRESS` (default: the dev chain's)"},
			&cli.StringFlag{Name: "job", Usage: "the runlog job's `ID` (default: the dev job)"},
			&cli.StringFlag{Name: "key", Usage: "requester's private key in `HEX` (default: the dev chain's deployer, or anvil's account 0 with --url)"},
			&cli.StringFlag{Name: "get", Usage: "price `URL` the node fetches (default: served by this command)"},
			&cli.StringFlag{Name: "path", Usage: "JSON `PATH` of the price in the answer", Value: "USD"},
			&cli.StringFlag{Name: "price", Usage: "the price this command serves when --get is not given", Value: "2093.51"},
			&cli.Int64Flag{Name: "times", Usage: "multiplier applied by the node", Value: 100},
			&cli.StringFlag{Name: "payment", Usage: "LINK payment in juels", Value: "1000000000000000000"},
			&cli.IntFlag{Name: "count", Usage: "how many requests to send", Value: 1},
			&cli.BoolFlag{Name: "wait", Usage: "wait for the answers", Value: true},
			&cli.DurationFlag{Name: "timeout", Usage: "how long to wait", Value: 2 * time.Minute},
		},
		Action: devRequest,
	}
}

func devRequest(c *cli.Context) error {
	r := newEnvReader(nil)
	root := r.path("ROOT", "~/.pythia")
	port := r.port("CHAINLINK_PORT", 6688, false)
	nodeURL := r.url("CLIENT_NODE_URL", fmt.Sprintf("http://localhost:%d", port), nil, "http", "https")
	if len(r.errs) > 0 {
		return cli.Exit(strings.Join(r.errs, "\n"), 1)
	}
	chainURL, consumerHex, jobID, keyHex := c.String("url"), c.String("consumer"), c.String("job"), c.String("key")
	if chainURL == "" || consumerHex == "" {
		info, err := devchain.ReadInfo(root)
		if err != nil {
			return exitf("no dev chain found in %s (%v): start `pythia node start --dev`, or pass --url and --consumer", root, err)
		}
		if chainURL == "" {
			chainURL = info.URL
		}
		if consumerHex == "" {
			consumerHex = info.Consumer.Hex()
		}
		if keyHex == "" {
			keyHex = common.Bytes2Hex(crypto.FromECDSA(devchain.DeployerKey()))
		}
	}
	if keyHex == "" {
		keyHex = anvilAccount0Key
	}
	if jobID == "" {
		b, err := os.ReadFile(filepath.Join(root, devJobFile))
		if err != nil {
			return exitf("no dev job found in %s: start `pythia node start --dev`, or pass --job", root)
		}
		jobID = strings.TrimSpace(string(b))
	}
	jobID, ok := models.NormalizeJobID(jobID)
	if !ok {
		return exitf("--job %q is not a job ID (32 hex characters)", c.String("job"))
	}
	if !common.IsHexAddress(consumerHex) {
		return exitf("--consumer %q is not a 20-byte hex address", consumerHex)
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(keyHex, "0x"))
	if err != nil {
		return exitf("--key is not a private key in hex: %v", err)
	}
	payment, ok := new(big.Int).SetString(c.String("payment"), 10)
	if !ok || payment.Sign() < 0 {
		return exitf("--payment %q is not a whole number of juels", c.String("payment"))
	}
	count := c.Int("count")
	if count < 1 {
		return exitf("--count must be at least 1")
	}

	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	getURL := c.String("get")
	if getURL == "" {
		if !c.Bool("wait") {
			return exitf("without --wait this command exits at once, so it cannot serve the price: pass --get URL")
		}
		url, stop, err := servePrice(c.String("path"), c.String("price"))
		if err != nil {
			return exitf("serving the price: %v", err)
		}
		defer stop()
		getURL = url
	}
	client, err := ethclient.DialContext(ctx, chainURL)
	if err != nil {
		return exitf("connecting to %s: %v", chainURL, err)
	}
	defer client.Close()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return exitf("reading the chain ID: %v", err)
	}
	consumerAddr := common.HexToAddress(consumerHex)
	before, err := stack.FulfilmentCount(ctx, client, consumerAddr)
	if err != nil {
		return exitf("reading the consumer at %s: %v", consumerAddr.Hex(), err)
	}
	auth := bind.NewKeyedTransactor(key, chainID)
	req := stack.PriceRequest{SpecID: models.SpecIDForJob(jobID), URL: getURL, Path: c.String("path"), Times: big.NewInt(c.Int64("times")), Payment: payment}
	for i := 0; i < count; i++ {
		tx, err := stack.SendPriceRequest(ctx, client, auth, consumerAddr, req)
		if err != nil {
			return exitf("sending request %d: %v", i+1, err)
		}
		if count == 1 {
			fmt.Fprintf(c.App.Writer, "request sent in transaction %s\n", tx.Hash().Hex())
		}
	}
	if count > 1 {
		fmt.Fprintf(c.App.Writer, "%d requests sent\n", count)
	}
	if !c.Bool("wait") {
		return nil
	}
	want := before + uint64(count)
	for {
		got, err := stack.FulfilmentCount(ctx, client, consumerAddr)
		if err == nil && got >= want {
			break
		}
		select {
		case <-ctx.Done():
			return exitf("the consumer received %d of %d answers within %s: is the node running with job %s?", got-before, count, c.Duration("timeout"), jobID)
		case <-time.After(200 * time.Millisecond):
		}
	}
	price, err := stack.CurrentPrice(ctx, client, consumerAddr)
	if err != nil {
		return exitf("reading the stored price: %v", err)
	}
	fmt.Fprintf(c.App.Writer, "fulfilled: the consumer stored %s\n", price)
	if status, err := latestRunStatus(ctx, nodeURL, root, jobID); err != nil {
		fmt.Fprintf(c.App.Writer, "(run status not shown: %v)\n", err)
	} else {
		fmt.Fprintf(c.App.Writer, "%s\n", status)
	}
	return nil
}

// servePrice answers every GET on 127.0.0.1 with {path: price}.
func servePrice(path, price string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	body := fmt.Sprintf(`{%q: %s}`, path, price)
	if !json.Valid([]byte(body)) {
		ln.Close()
		return "", nil, fmt.Errorf("--price %q is not a number", price)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/price", func() { srv.Close() }, nil
}

// latestRunStatus signs in with the dev API credentials and describes the
// job's newest run.
func latestRunStatus(ctx context.Context, nodeURL, root, jobID string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, devCredentialsFile))
	if err != nil {
		return "", fmt.Errorf("no dev API credentials in %s", root)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return "", fmt.Errorf("malformed %s", devCredentialsFile)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	creds, _ := json.Marshal(map[string]string{"email": lines[0], "password": lines[1]})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, nodeURL+"/sessions", bytes.NewReader(creds))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("signing in: HTTP %d", resp.StatusCode)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, nodeURL+"/v2/runs?size=1&jobId="+jobID, nil)
	resp, err = hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var doc struct {
		Data []struct {
			ID         string `json:"id"`
			Attributes struct {
				Status string `json:"status"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || len(doc.Data) == 0 {
		return "", fmt.Errorf("no run of job %s listed", jobID)
	}
	return fmt.Sprintf("run %s: %s", doc.Data[0].ID, doc.Data[0].Attributes.Status), nil
}
