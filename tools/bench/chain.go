package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// anvilAccount0 is anvil's first default account's well-known test key; it
// deploys the contracts and funds the load generator's keys.
const anvilAccount0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// contracts holds the ABIs parsed from evm-contracts/artifacts.
type contracts struct {
	oracle, consumer, link abi.ABI
	requestTopic           common.Hash // OracleRequest
	fulfilledTopic         common.Hash // ExampleConsumer.PriceFulfilled
	fulfilSel              []byte      // fulfillOracleRequest
}

func loadContracts(repo string) (*contracts, error) {
	read := func(name string) (abi.ABI, error) {
		f, err := os.Open(filepath.Join(repo, "evm-contracts", "artifacts", name+".abi"))
		if err != nil {
			return abi.ABI{}, fmt.Errorf("reading %s's ABI: %w", name, err)
		}
		defer f.Close()
		a, err := abi.JSON(f)
		if err != nil {
			return abi.ABI{}, fmt.Errorf("parsing %s's ABI: %w", name, err)
		}
		return a, nil
	}
	var c contracts
	var err error
	if c.oracle, err = read("Oracle"); err != nil {
		return nil, err
	}
	if c.consumer, err = read("ExampleConsumer"); err != nil {
		return nil, err
	}
	if c.link, err = read("LinkToken"); err != nil {
		return nil, err
	}
	ev, ok := c.oracle.Events["OracleRequest"]
	if !ok {
		return nil, fmt.Errorf("oracle ABI has no OracleRequest event")
	}
	c.requestTopic = ev.ID
	fe, ok := c.consumer.Events["PriceFulfilled"]
	if !ok {
		return nil, fmt.Errorf("consumer ABI has no PriceFulfilled event")
	}
	c.fulfilledTopic = fe.ID
	m, ok := c.oracle.Methods["fulfillOracleRequest"]
	if !ok {
		return nil, fmt.Errorf("oracle ABI has no fulfillOracleRequest")
	}
	c.fulfilSel = m.ID
	return &c, nil
}

// anvil is a running anvil with clients connected straight to it.
type anvil struct {
	proc  *child
	port  int
	ws    string
	rpc   *rpc.Client
	eth   *ethclient.Client
	chain *big.Int
}

// startAnvil runs anvil with automine ("automine") or a block every second
// ("interval"). The block gas limit is raised so the chain, not the node,
// is never the limit the benchmark measures.
func startAnvil(ctx context.Context, repo, dir, mode string) (*anvil, error) {
	bin := os.Getenv("PYTHIA_ANVIL")
	if bin == "" {
		bin = filepath.Join(repo, "tools", "anvil", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil")
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("anvil not installed (run bash tools/ci/install.sh): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(port), "--quiet",
		"--gas-limit", "3000000000", "--balance", "1000000"}
	if mode == "interval" {
		args = append(args, "--block-time", "1")
	}
	p, err := startChild("anvil", filepath.Join(dir, "anvil.log"), os.Environ(), bin, args...)
	if err != nil {
		return nil, err
	}
	a := &anvil{proc: p, port: port, ws: fmt.Sprintf("ws://127.0.0.1:%d", port)}
	err = poll(ctx, 20*time.Second, 50*time.Millisecond, func() bool {
		if p.Exited() {
			return true
		}
		c, err := rpc.DialContext(ctx, fmt.Sprintf("http://127.0.0.1:%d", port))
		if err != nil {
			return false
		}
		defer c.Close()
		var id string
		return c.CallContext(ctx, &id, "eth_chainId") == nil
	})
	if err != nil || p.Exited() {
		p.Kill()
		return nil, fmt.Errorf("anvil did not start (log %s): %v", filepath.Join(dir, "anvil.log"), err)
	}
	if a.rpc, err = rpc.DialContext(ctx, a.ws); err != nil {
		p.Kill()
		return nil, fmt.Errorf("dialing anvil: %w", err)
	}
	a.eth = ethclient.NewClient(a.rpc)
	if a.chain, err = a.eth.ChainID(ctx); err != nil {
		a.Close()
		return nil, fmt.Errorf("anvil chain ID: %w", err)
	}
	return a, nil
}

func (a *anvil) Close() {
	if a.rpc != nil {
		a.rpc.Close()
	}
	a.proc.Kill()
}

// sendRaw broadcasts signed transactions in JSON-RPC batches.
func (a *anvil) sendRaw(ctx context.Context, txs []*types.Transaction) error {
	const batch = 100
	for i := 0; i < len(txs); i += batch {
		end := min(i+batch, len(txs))
		elems := make([]rpc.BatchElem, 0, end-i)
		for _, tx := range txs[i:end] {
			raw, err := tx.MarshalBinary()
			if err != nil {
				return err
			}
			elems = append(elems, rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(raw)}, Result: new(common.Hash)})
		}
		if err := a.rpc.BatchCallContext(ctx, elems); err != nil {
			return fmt.Errorf("sending transactions: %w", err)
		}
		for _, e := range elems {
			if e.Error != nil && !strings.Contains(e.Error.Error(), "already") {
				return fmt.Errorf("sending a transaction: %w", e.Error)
			}
		}
	}
	return nil
}

// fundKeys makes n fresh keys and sends each eth from anvil's account 0.
func (a *anvil) fundKeys(ctx context.Context, n int, eth int64) ([]*ecdsa.PrivateKey, error) {
	k0, _ := crypto.HexToECDSA(anvilAccount0)
	from := crypto.PubkeyToAddress(k0.PublicKey)
	nonce, err := a.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("funding keys: %w", err)
	}
	signer := types.LatestSignerForChainID(a.chain)
	value := new(big.Int).Mul(big.NewInt(eth), big.NewInt(1e18))
	var keys []*ecdsa.PrivateKey
	var txs []*types.Transaction
	for i := 0; i < n; i++ {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, err
		}
		to := crypto.PubkeyToAddress(k.PublicKey)
		tx, err := types.SignNewTx(k0, signer, &types.LegacyTx{Nonce: nonce + uint64(i), To: &to, Value: value, Gas: 21000, GasPrice: big.NewInt(10e9)})
		if err != nil {
			return nil, err
		}
		keys, txs = append(keys, k), append(txs, tx)
	}
	if err := a.sendRaw(ctx, txs); err != nil {
		return nil, fmt.Errorf("funding keys: %w", err)
	}
	last := txs[len(txs)-1].Hash()
	if err := poll(ctx, time.Minute, 100*time.Millisecond, func() bool {
		r, err := a.eth.TransactionReceipt(ctx, last)
		return err == nil && r != nil
	}); err != nil {
		return nil, fmt.Errorf("funding keys: waiting for the transfers: %w", err)
	}
	return keys, nil
}

// fulfilledCount reads ExampleConsumer.fulfilledCount.
func (a *anvil) fulfilledCount(ctx context.Context, c *contracts, consumer common.Address) (uint64, error) {
	data, _ := c.consumer.Pack("fulfilledCount")
	out, err := a.eth.CallContract(ctx, ethereumCall(consumer, data), nil)
	if err != nil {
		return 0, fmt.Errorf("reading fulfilledCount: %w", err)
	}
	return new(big.Int).SetBytes(out).Uint64(), nil
}

// canonicalChain returns the blocks after from, with their transactions,
// in chain order, found by walking parent hashes back from the head. An
// anvil_reorg under load can leave anvil serving a reorged-out block by
// number, with receipts for its transactions (the same nonce then looks
// mined twice); the head's ancestry is what is canonical.
func (a *anvil) canonicalChain(ctx context.Context, from uint64) ([]*rpcBlock, error) {
	var blocks []*rpcBlock
	head := new(rpcBlock)
	if err := a.rpc.CallContext(ctx, head, "eth_getBlockByNumber", "latest", true); err != nil {
		return nil, fmt.Errorf("reading the head: %w", err)
	}
	for b := head; uint64(b.Number) > from; {
		blocks = append(blocks, b)
		if b.Number == 0 {
			break
		}
		parent := new(rpcBlock)
		if err := a.rpc.CallContext(ctx, parent, "eth_getBlockByHash", b.ParentHash, true); err != nil {
			return nil, fmt.Errorf("reading block %s: %w", b.ParentHash, err)
		}
		if parent.Hash != b.ParentHash {
			return nil, fmt.Errorf("anvil has no block %s, the parent of block %d", b.ParentHash, b.Number)
		}
		b = parent
	}
	slices.Reverse(blocks)
	return blocks, nil
}

// staleByNumber counts the blocks of a canonical chain at whose numbers
// anvil serves another block or other transactions.
func (a *anvil) staleByNumber(ctx context.Context, blocks []*rpcBlock) (stale int, err error) {
	byNumber := make([]struct {
		Hash         common.Hash   `json:"hash"`
		Transactions []common.Hash `json:"transactions"`
	}, len(blocks))
	elems := make([]rpc.BatchElem, len(blocks))
	for i, b := range blocks {
		elems[i] = rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.EncodeUint64(uint64(b.Number)), false}, Result: &byNumber[i]}
	}
	if err := a.batch(ctx, elems); err != nil {
		return 0, err
	}
	for i, b := range blocks {
		if elems[i].Error != nil {
			continue
		}
		same := byNumber[i].Hash == b.Hash && len(byNumber[i].Transactions) == len(b.Transactions)
		for j := 0; same && j < len(b.Transactions); j++ {
			same = byNumber[i].Transactions[j] == b.Transactions[j].Hash
		}
		if !same {
			stale++
		}
	}
	return stale, nil
}

// batch sends elems to anvil 200 at a time.
func (a *anvil) batch(ctx context.Context, elems []rpc.BatchElem) error {
	for i := 0; i < len(elems); i += 200 {
		if err := a.rpc.BatchCallContext(ctx, elems[i:min(i+200, len(elems))]); err != nil {
			return err
		}
	}
	return nil
}
