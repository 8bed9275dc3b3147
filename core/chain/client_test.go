package chain_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/faultproxy"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

// TestMain checks for leaked goroutines, ignoring the ones go-ethereum's
// simulated chain leaves behind by design (a global sender cache, leveldb
// pools that drain after Close, a server-side unsubscribe racing Close).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe.func1"),
		goleak.IgnoreAnyFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe"),
	)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// served starts a simulated chain served over WebSocket and returns it
// with its host:port.
func served(t *testing.T, alloc types.GenesisAlloc) (*simulated.Backend, string) {
	t.Helper()
	port, err := simchain.FreePort()
	require.NoError(t, err)
	b := simchain.New(alloc, simchain.WithRPC(port))
	t.Cleanup(func() { _ = b.Close() })
	return b, fmt.Sprintf("127.0.0.1:%d", port)
}

func newClient(t *testing.T, cfg chain.Config) *chain.Client {
	t.Helper()
	if cfg.ReconnectMinBackoff == 0 {
		cfg.ReconnectMinBackoff = 20 * time.Millisecond
		cfg.ReconnectMaxBackoff = 200 * time.Millisecond
	}
	c, err := chain.New(cfg, quietLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestDialChecksChainID(t *testing.T) {
	_, addr := served(t, nil)
	tests := []struct {
		name    string
		chainID *big.Int
		wantErr string
	}{
		{"unset accepts any", nil, ""},
		{"matching", big.NewInt(1337), ""},
		{"mismatch names both", big.NewInt(31337), "reports chain ID 1337, but chain ID 31337 is configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, chain.Config{URL: "ws://" + addr, ChainID: tt.chainID})
			err := c.Dial(context.Background())
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.True(t, c.Connected())
				require.NoError(t, c.Healthy())
				id, err := c.ChainID(context.Background())
				require.NoError(t, err)
				require.Equal(t, int64(1337), id.Int64())
				return
			}
			var mm *chain.ChainIDMismatchError
			require.ErrorAs(t, err, &mm)
			require.Contains(t, err.Error(), tt.wantErr)
			require.False(t, c.Connected())
		})
	}
}

func TestNotConnectedFailsFast(t *testing.T) {
	port, err := simchain.FreePort()
	require.NoError(t, err)
	url := fmt.Sprintf("ws://127.0.0.1:%d/v3/secretkey", port)
	c := newClient(t, chain.Config{URL: url, DialTimeout: time.Second})
	require.Error(t, c.Dial(context.Background()))

	start := time.Now()
	_, err = c.BlockNumber(context.Background())
	require.ErrorIs(t, err, chain.ErrNotConnected)
	_, err = c.HeaderByNumber(context.Background(), nil)
	require.ErrorIs(t, err, chain.ErrNotConnected)
	err = c.SendTransaction(context.Background(), types.NewTx(&types.LegacyTx{}))
	require.ErrorIs(t, err, chain.ErrNotConnected)
	require.Less(t, time.Since(start), time.Second)

	herr := c.Healthy()
	require.EqualError(t, herr, fmt.Sprintf("not connected to ws://127.0.0.1:%d/[redacted]", port))
	require.NotContains(t, herr.Error(), "secretkey")
}

func TestStartConnectsInBackground(t *testing.T) {
	_, addr := served(t, nil)
	c := newClient(t, chain.Config{URL: "ws://" + addr})
	events, unsub := c.Subscribe()
	defer unsub()
	require.NoError(t, c.Start(context.Background()))
	select {
	case ev := <-events:
		require.Equal(t, chain.Connected, ev.Kind)
	case <-time.After(10 * time.Second):
		t.Fatal("no Connected event")
	}
	n, err := c.BlockNumber(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(0), n)
}

func TestReconnectsAfterServerDrop(t *testing.T) {
	b, addr := served(t, nil)
	proxy := faultproxy.Start(t, addr)
	c := newClient(t, chain.Config{URL: "ws://" + proxy.Addr()})
	require.NoError(t, c.Dial(context.Background()))
	events, unsub := c.Subscribe()
	defer unsub()
	require.NoError(t, c.Start(context.Background()))

	next := func() chain.Event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(10 * time.Second):
			t.Fatal("no connection event")
			return chain.Event{}
		}
	}

	proxy.Cut()
	ev := next()
	require.Equal(t, chain.Disconnected, ev.Kind)
	require.Error(t, ev.Err)
	require.False(t, c.Connected())
	_, err := c.BlockNumber(context.Background())
	require.ErrorIs(t, err, chain.ErrNotConnected)
	require.ErrorContains(t, c.Healthy(), "not connected to ws://"+proxy.Addr())

	b.Commit()
	proxy.Restore()
	require.Equal(t, chain.Connected, next().Kind)
	n, err := c.BlockNumber(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(1), n)
	require.NoError(t, c.Healthy())
}

func TestSendsTransactionsThroughBind(t *testing.T) {
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	from := crypto.PubkeyToAddress(key.PublicKey)
	b, addr := served(t, types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	c := newClient(t, chain.Config{URL: "ws://" + addr, ChainID: simchain.ChainID})
	ctx := context.Background()
	require.NoError(t, c.Dial(ctx))

	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	nonce, err := c.PendingNonceAt(ctx, from)
	require.NoError(t, err)
	tip, err := c.SuggestGasTipCap(ctx)
	require.NoError(t, err)
	head, err := c.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(simchain.ChainID), &types.DynamicFeeTx{
		ChainID: simchain.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: params.TxGas, To: &to, Value: big.NewInt(1234),
	})
	require.NoError(t, err)
	require.NoError(t, c.SendTransaction(ctx, tx))

	// Committed until mined: the simulated chain takes a sent tx into its
	// pool on a goroutine of its own and may leave it for the next block.
	var rcpt *types.Receipt
	require.Eventually(t, func() bool {
		b.Commit()
		rcpt, err = c.TransactionReceipt(ctx, tx.Hash())
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "tx never mined")
	require.Equal(t, types.ReceiptStatusSuccessful, rcpt.Status)
	bal, err := c.BalanceAt(ctx, to, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1234), bal.Int64())
	got, pending, err := c.TransactionByHash(ctx, tx.Hash())
	require.NoError(t, err)
	require.False(t, pending)
	require.Equal(t, tx.Hash(), got.Hash())

	var raw string
	require.NoError(t, c.CallContext(ctx, &raw, "eth_blockNumber"))
	require.Equal(t, "0x1", raw)
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ws://127.0.0.1:8546", "ws://127.0.0.1:8546"},
		{"ws://127.0.0.1:8546/", "ws://127.0.0.1:8546"},
		{"wss://mainnet.example.io/v3/abcdef", "wss://mainnet.example.io/[redacted]"},
		{"wss://user:pass@node.example.io", "wss://node.example.io/[redacted]"},
		{"wss://node.example.io?key=abc", "wss://node.example.io/[redacted]"},
		{"not a url", "[redacted]"},
	}
	for _, tt := range tests {
		if got := chain.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(chain.RedactURL(tt.in), "pass") {
			t.Errorf("RedactURL(%q) leaks a password", tt.in)
		}
	}
}

func TestNewRejectsEmptyURL(t *testing.T) {
	_, err := chain.New(chain.Config{}, quietLogger())
	require.Error(t, err)
}

func TestCloseBeforeStartAndTwice(t *testing.T) {
	c, err := chain.New(chain.Config{URL: "ws://127.0.0.1:1"}, quietLogger())
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	_, err = c.BlockNumber(context.Background())
	require.True(t, errors.Is(err, chain.ErrNotConnected))
}
