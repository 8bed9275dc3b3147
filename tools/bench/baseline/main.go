package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// fulfilGas is the gas limit of a fulfilment: the Oracle demands 400,000
// gas left after its checks.
const fulfilGas = 500_000

func main() {
	lggr := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(lggr); err != nil {
		lggr.Error("baseline failed", "err", err)
		os.Exit(1)
	}
}

type config struct {
	url, abiPath, keyHex string
	oracle               common.Address
	answer               *big.Int
	gasPrice             *big.Int
}

func parseFlags() (config, error) {
	var c config
	var oracle, answer string
	var gwei int64
	flag.StringVar(&c.url, "url", "", "WebSocket URL of the chain")
	flag.StringVar(&oracle, "oracle", "", "Oracle contract address")
	flag.StringVar(&c.abiPath, "abi", "evm-contracts/artifacts/Oracle.abi", "the Oracle's ABI file")
	flag.StringVar(&c.keyHex, "key", "", "hex private key of an authorized node (or env BASELINE_KEY)")
	flag.StringVar(&answer, "answer", "4200", "the value every fulfilment answers")
	flag.Int64Var(&gwei, "gas-price-gwei", 20, "gas price of fulfilments")
	flag.Parse()
	if c.keyHex == "" {
		c.keyHex = os.Getenv("BASELINE_KEY")
	}
	if c.url == "" || !common.IsHexAddress(oracle) || c.keyHex == "" {
		return c, errors.New("-url, -oracle and -key are required")
	}
	c.oracle = common.HexToAddress(oracle)
	var ok bool
	if c.answer, ok = new(big.Int).SetString(answer, 10); !ok {
		return c, fmt.Errorf("-answer %q is not a whole number", answer)
	}
	c.gasPrice = new(big.Int).Mul(big.NewInt(gwei), big.NewInt(1e9))
	return c, nil
}

func run(lggr *slog.Logger) error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(cfg.keyHex, "0x"))
	if err != nil {
		return fmt.Errorf("reading the key: %w", err)
	}
	f, err := os.Open(cfg.abiPath)
	if err != nil {
		return fmt.Errorf("opening the Oracle ABI: %w", err)
	}
	oracleABI, err := abi.JSON(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("parsing the Oracle ABI: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	client, err := ethclient.DialContext(ctx, cfg.url)
	if err != nil {
		return fmt.Errorf("dialing %s: %w", cfg.url, err)
	}
	defer client.Close()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("reading the chain ID: %w", err)
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		return fmt.Errorf("reading the nonce: %w", err)
	}
	ev := oracleABI.Events["OracleRequest"]
	logs := make(chan types.Log, 65536)
	sub, err := client.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{cfg.oracle},
		Topics: [][]common.Hash{{ev.ID}}}, logs)
	if err != nil {
		return fmt.Errorf("subscribing to OracleRequest logs: %w", err)
	}
	defer sub.Unsubscribe()
	lggr.Info("baseline ready", "address", from.Hex(), "oracle", cfg.oracle.Hex())

	txs := make(chan *types.Transaction, 65536)
	go send(ctx, lggr, client.Client(), txs)
	signer := types.LatestSignerForChainID(chainID)
	var answer [32]byte
	cfg.answer.FillBytes(answer[:])
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-sub.Err():
			return fmt.Errorf("log subscription: %w", err)
		case l := <-logs:
			if l.Removed {
				continue
			}
			tx, err := fulfilment(oracleABI, ev, l, cfg.oracle, answer, nonce, cfg.gasPrice, signer, key)
			if err != nil {
				lggr.Warn("skipping a request", "tx_hash", l.TxHash, "err", err)
				continue
			}
			nonce++
			txs <- tx
		}
	}
}

// fulfilment builds the signed fulfillOracleRequest answering the request
// in l.
func fulfilment(a abi.ABI, ev abi.Event, l types.Log, oracle common.Address, answer [32]byte, nonce uint64,
	gasPrice *big.Int, signer types.Signer, key *ecdsa.PrivateKey) (*types.Transaction, error) {
	vals, err := ev.Inputs.NonIndexed().Unpack(l.Data)
	if err != nil || len(vals) < 6 {
		return nil, fmt.Errorf("decoding OracleRequest: %v", err)
	}
	requestID, _ := vals[1].([32]byte)
	payment, _ := vals[2].(*big.Int)
	callback, _ := vals[3].(common.Address)
	fn, _ := vals[4].([4]byte)
	expiration, _ := vals[5].(*big.Int)
	data, err := a.Pack("fulfillOracleRequest", requestID, payment, callback, fn, expiration, answer)
	if err != nil {
		return nil, fmt.Errorf("packing the fulfilment: %w", err)
	}
	return types.SignNewTx(key, signer, &types.LegacyTx{Nonce: nonce, To: &oracle, Gas: fulfilGas, GasPrice: gasPrice, Data: data})
}

// send broadcasts fulfilments in nonce order: whatever has queued up
// since the last call goes out as one JSON-RPC batch, so a burst is
// pipelined and anvil never sees a nonce gap.
func send(ctx context.Context, lggr *slog.Logger, client *rpc.Client, txs <-chan *types.Transaction) {
	for {
		var batch []*types.Transaction
		select {
		case <-ctx.Done():
			return
		case tx := <-txs:
			batch = append(batch, tx)
		}
	drain:
		for len(batch) < 500 {
			select {
			case tx := <-txs:
				batch = append(batch, tx)
			default:
				break drain
			}
		}
		elems := make([]rpc.BatchElem, len(batch))
		for i, tx := range batch {
			raw, err := tx.MarshalBinary()
			if err != nil {
				lggr.Warn("encoding a fulfilment", "tx_hash", tx.Hash(), "err", err)
				continue
			}
			elems[i] = rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(raw)}, Result: new(common.Hash)}
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := client.BatchCallContext(sctx, elems); err != nil {
			lggr.Warn("sending fulfilments", "count", len(batch), "err", err)
		}
		cancel()
		for i, e := range elems {
			if e.Error != nil {
				lggr.Warn("sending a fulfilment", "tx_hash", batch[i].Hash(), "nonce", batch[i].Nonce(), "err", e.Error)
			}
		}
	}
}
