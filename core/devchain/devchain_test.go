package devchain_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/devchain"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

// TestMain checks for leaked goroutines, ignoring the ones go-ethereum's
// simulated chain leaves behind by design.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe.func1"),
		goleak.IgnoreAnyFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe"),
	)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func start(t *testing.T, cfg devchain.Config) *devchain.DevChain {
	t.Helper()
	if cfg.Port == 0 {
		port, err := simchain.FreePort()
		require.NoError(t, err)
		cfg.Port = port
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := devchain.Start(ctx, cfg, quietLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func TestDevChainDeploysFundsAndMines(t *testing.T) {
	ctx := context.Background()
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	node := crypto.PubkeyToAddress(key.PublicKey)
	root := t.TempDir()
	d := start(t, devchain.Config{BlockTime: 50 * time.Millisecond, Fund: []common.Address{node}, RootDir: root})

	c, err := chain.New(chain.Config{URL: d.URL(), ChainID: simchain.ChainID}, quietLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.Dial(ctx))

	addrs := d.Addresses()
	for name, a := range map[string]common.Address{"LinkToken": addrs.LinkToken, "Oracle": addrs.Oracle, "Consumer": addrs.Consumer} {
		code, err := c.CodeAt(ctx, a, nil)
		require.NoError(t, err)
		require.NotEmpty(t, code, "no code for %s at %s", name, a)
	}
	eth, err := c.BalanceAt(ctx, node, nil)
	require.NoError(t, err)
	require.Equal(t, devchain.FundETH, eth)
	link, err := stack.LinkBalance(ctx, c, addrs.LinkToken, node)
	require.NoError(t, err)
	require.Equal(t, devchain.FundLINK, link)
	consumerLink, err := stack.LinkBalance(ctx, c, addrs.LinkToken, addrs.Consumer)
	require.NoError(t, err)
	require.Positive(t, consumerLink.Sign(), "the consumer holds LINK")

	first, err := c.BlockNumber(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		n, err := c.BlockNumber(ctx)
		return err == nil && n >= first+3
	}, 10*time.Second, 10*time.Millisecond, "blocks do not advance")

	info, err := devchain.ReadInfo(root)
	require.NoError(t, err)
	require.Equal(t, d.Info(), *info)
	require.Equal(t, addrs.Oracle, info.Oracle)
	require.Equal(t, []common.Address{node}, info.Funded)
	require.EqualValues(t, 1337, info.ChainID)
}

func TestDevChainRestartKeepsAddresses(t *testing.T) {
	port, err := simchain.FreePort()
	require.NoError(t, err)
	cfg := devchain.Config{Port: port, BlockTime: time.Hour}
	first := start(t, cfg)
	want := first.Addresses()
	require.NoError(t, first.Close())
	require.NoError(t, first.Close(), "Close is idempotent")

	second := start(t, cfg)
	require.Equal(t, want, second.Addresses(), "a fresh chain, the same addresses")
}

func TestDevChainRejectsBadConfig(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name    string
		cfg     devchain.Config
		wantErr string
	}{
		{"port taken", devchain.Config{Port: busyPort}, "port " + strconv.Itoa(busyPort) + " is not free"},
		{"port out of range", devchain.Config{Port: 70000}, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := devchain.Start(context.Background(), tt.cfg, quietLogger())
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}
