package anviltest_test

import (
	"context"
	"io"
	"log/slog"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/anviltest"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"))
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// heads records the numbers a HeadTrackable sees.
type heads struct {
	mu   sync.Mutex
	nums []int64
}

func (h *heads) Connect(context.Context, *models.Head) error { return nil }
func (h *heads) Disconnect()                                 {}
func (h *heads) OnNewHead(_ context.Context, head *models.Head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nums = append(h.nums, head.Number)
}

func (h *heads) seen() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int64(nil), h.nums...)
}

func TestChainClientAndHeadTrackerOnAnvil(t *testing.T) {
	url := anviltest.Start(t, "--block-time", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("wrong chain ID is refused", func(t *testing.T) {
		c, err := chain.New(chain.Config{URL: url, ChainID: big.NewInt(1337)}, quietLogger())
		require.NoError(t, err)
		defer c.Close()
		require.ErrorContains(t, c.Dial(ctx), "reports chain ID 31337, but chain ID 1337 is configured")
	})

	c, err := chain.New(chain.Config{URL: url, ChainID: anviltest.ChainID}, quietLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.Dial(ctx))
	require.NoError(t, c.Start(ctx))

	rec := &heads{}
	ht := headtracker.New(headtracker.Config{}, c, testdb.Open(t), quietLogger())
	require.NoError(t, ht.Subscribe(rec))
	require.NoError(t, ht.Start(ctx))
	t.Cleanup(func() { _ = ht.Close() })

	// The contracts, deployed through the chain client.
	addrs := anviltest.Deploy(t, ctx, c, []common.Address{anviltest.Transactor().From})
	code, err := c.CodeAt(ctx, addrs.Oracle, nil)
	require.NoError(t, err)
	require.NotEmpty(t, code)

	// A request from the consumer shows up as an OracleRequest log.
	topic := oracle.NewOracle().GetABI().Events[oracle.OracleOracleRequestEventName].ID
	logs := make(chan types.Log, 4)
	sub, err := c.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{addrs.Oracle}, Topics: [][]common.Hash{{topic}}}, logs)
	require.NoError(t, err)
	defer sub.Unsubscribe()
	var specID [32]byte
	copy(specID[:], "4c7b7ffb66b344fbaa64995af81e355a")
	tx, err := stack.SendPriceRequest(ctx, c, anviltest.Transactor(), addrs.Consumer, stack.PriceRequest{
		SpecID: specID, URL: "https://example.com/price", Path: "USD", Times: big.NewInt(100), Payment: stack.Link(1),
	})
	require.NoError(t, err)
	select {
	case l := <-logs:
		require.Equal(t, tx.Hash(), l.TxHash)
		reqs, err := stack.OracleRequests([]*types.Log{&l})
		require.NoError(t, err)
		require.Len(t, reqs, 1)
		require.Equal(t, specID, reqs[0].SpecId)
		require.Equal(t, addrs.Consumer, reqs[0].Requester)
	case err := <-sub.Err():
		t.Fatalf("log subscription ended: %v", err)
	case <-ctx.Done():
		t.Fatal("no OracleRequest log")
	}

	// The tracker follows anvil's one-second blocks without gaps.
	require.Eventually(t, func() bool { return len(rec.seen()) >= 4 }, 30*time.Second, 20*time.Millisecond)
	nums := rec.seen()
	for i := 1; i < len(nums); i++ {
		require.Equal(t, nums[i-1]+1, nums[i], "heads seen: %v", nums)
	}
	require.Equal(t, nums[len(nums)-1], ht.LatestHead().Number)
}
