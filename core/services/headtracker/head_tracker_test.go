package headtracker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/faultproxy"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestMain checks for leaked goroutines, ignoring the ones go-ethereum's
// simulated chain leaves behind by design.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe.func1"),
		goleak.IgnoreAnyFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe"),
		// database drivers' pools, closed by testdb's cleanup
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
	)
}

var _ headtracker.HeadStore = (*store.Store)(nil)

const waitFor = 15 * time.Second

// quietLogger discards logs unless PYTHIA_TEST_LOGS is set.
func quietLogger() *slog.Logger {
	if os.Getenv("PYTHIA_TEST_LOGS") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// recorder is a subscriber that remembers every call.
type recorder struct {
	mu       sync.Mutex
	events   []string
	heads    []models.Head
	reorgs   []headtracker.Reorg
	connects []*models.Head
	gate     chan struct{} // when set, OnNewHead waits for it to close
}

func (r *recorder) Connect(_ context.Context, h *models.Head) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "connect")
	r.connects = append(r.connects, h)
	return nil
}

func (r *recorder) Disconnect() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "disconnect")
}

func (r *recorder) OnNewHead(ctx context.Context, h *models.Head) {
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("head %d", h.Number))
	r.heads = append(r.heads, *h)
}

func (r *recorder) OnReorg(_ context.Context, re headtracker.Reorg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("reorg %d", re.Depth))
	r.reorgs = append(r.reorgs, re)
}

// String lists the recorded events, for failure messages.
func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.events)
}

func (r *recorder) numbers() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, h := range r.heads {
		out = append(out, h.Number)
	}
	return out
}

func (r *recorder) last() *models.Head {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.heads) == 0 {
		return nil
	}
	h := r.heads[len(r.heads)-1]
	return &h
}

func (r *recorder) count(event string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if e == event {
			n++
		}
	}
	return n
}

// waitHead waits until the recorder has seen a head numbered n.
func (r *recorder) waitHead(t *testing.T, n int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		h := r.last()
		return h != nil && h.Number >= n
	}, waitFor, 5*time.Millisecond, "no head %d; saw %v", n, r.numbers())
}

func contiguous(t *testing.T, nums []int64, from, to int64) {
	t.Helper()
	var want []int64
	for n := from; n <= to; n++ {
		want = append(want, n)
	}
	require.Equal(t, want, nums, "heads seen by the subscriber")
}

type env struct {
	backend *simulated.Backend
	addr    string // host:port of the chain's WebSocket
}

func newChain(t *testing.T, alloc types.GenesisAlloc) env {
	t.Helper()
	port, err := simchain.FreePort()
	require.NoError(t, err)
	b := simchain.New(alloc, simchain.WithRPC(port))
	t.Cleanup(func() { _ = b.Close() })
	return env{backend: b, addr: fmt.Sprintf("127.0.0.1:%d", port)}
}

func (e env) commit(n int) {
	for range n {
		e.backend.Commit()
	}
}

func dial(t *testing.T, addr string) *chain.Client {
	t.Helper()
	c, err := chain.New(chain.Config{URL: "ws://" + addr, ChainID: simchain.ChainID,
		ReconnectMinBackoff: 20 * time.Millisecond, ReconnectMaxBackoff: 200 * time.Millisecond}, quietLogger())
	require.NoError(t, err)
	require.NoError(t, c.Dial(context.Background()))
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// track starts a tracker with one recorder; it is closed in t.Cleanup
// (or earlier by the returned stop).
func track(t *testing.T, cfg headtracker.Config, c headtracker.Client, s *store.Store, rec *recorder) (*headtracker.HeadTracker, func()) {
	t.Helper()
	ht := headtracker.New(cfg, c, s, quietLogger())
	require.NoError(t, ht.Subscribe(rec))
	require.NoError(t, ht.Start(context.Background()))
	stop := func() { require.NoError(t, ht.Close()) }
	t.Cleanup(func() { _ = ht.Close() })
	return ht, stop
}

func TestSavesHeadsInOrder(t *testing.T) {
	tests := []struct {
		name   string
		depth  int64
		blocks int
	}{
		{"default depth", 0, 5},
		{"history trimmed to depth", 3, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := newChain(t, nil)
			s := testdb.Open(t)
			rec := &recorder{}
			ht, _ := track(t, headtracker.Config{HistoryDepth: tt.depth, TrimEvery: 1}, dial(t, e.addr), s, rec)
			rec.waitHead(t, 0) // the genesis, fetched on connect
			e.commit(tt.blocks)
			rec.waitHead(t, int64(tt.blocks))
			contiguous(t, rec.numbers(), 0, int64(tt.blocks))

			// Every head the subscriber saw was saved first, linked to its parent.
			heads := rec.heads
			for i, h := range heads {
				saved, err := s.HeadByHash(ctx, h.Hash)
				require.NoError(t, err)
				keep := tt.depth
				if keep == 0 {
					keep = headtracker.DefaultHistoryDepth
				}
				if h.Number < int64(tt.blocks)-keep {
					require.Nil(t, saved, "head %d should have been trimmed", h.Number)
					continue
				}
				require.NotNil(t, saved, "head %d not saved", h.Number)
				require.Equal(t, h.ParentHash, saved.ParentHash)
				require.NotNil(t, h.BaseFee, "head %d carries its header's base fee", h.Number)
				if i > 0 {
					require.Equal(t, heads[i-1].Hash, h.ParentHash)
				}
			}
			latest, err := s.LatestHead(ctx)
			require.NoError(t, err)
			require.EqualValues(t, tt.blocks, latest.Number)
			require.Equal(t, latest.Hash, ht.LatestHead().Hash)
			require.Equal(t, 1, rec.count("connect"))
		})
	}
}

func TestResumesFromSavedHead(t *testing.T) {
	e := newChain(t, nil)
	s := testdb.Open(t)
	first := &recorder{}
	_, stop := track(t, headtracker.Config{}, dial(t, e.addr), s, first)
	first.waitHead(t, 0)
	e.commit(3)
	first.waitHead(t, 3)
	stop()

	e.commit(3) // mined while the node is down
	second := &recorder{}
	_, _ = track(t, headtracker.Config{}, dial(t, e.addr), s, second)
	second.waitHead(t, 6)
	contiguous(t, second.numbers(), 4, 6)
	require.Equal(t, first.last().Hash, second.connects[0].Hash, "Connect gets the saved head")
	require.Equal(t, first.last().Hash, second.heads[0].ParentHash)
}

func TestDetectsReorgWithDepth(t *testing.T) {
	ctx := context.Background()
	e := newChain(t, nil)
	s := testdb.Open(t)
	rec := &recorder{}
	ht, _ := track(t, headtracker.Config{}, dial(t, e.addr), s, rec)
	rec.waitHead(t, 0)
	var hashes []common.Hash
	for range 5 {
		hashes = append(hashes, e.backend.Commit())
	}
	rec.waitHead(t, 5)
	replaced := rec.last()

	// Fork after block 2 and mine a longer side chain: 3', 4', 5', 6'.
	require.NoError(t, e.backend.Fork(hashes[1]))
	e.commit(4)
	require.Eventually(t, func() bool { return rec.count("reorg 3") == 1 }, waitFor, 5*time.Millisecond,
		"no reorg of depth 3; events %v", rec)
	rec.waitHead(t, 6)

	rec.mu.Lock()
	r := rec.reorgs[0]
	require.EqualValues(t, 3, r.Depth)
	require.NotNil(t, r.Ancestor)
	require.Equal(t, hashes[1], r.Ancestor.Hash)
	require.Equal(t, replaced.Hash, r.Replaced.Hash)
	// After the reorg event, the new chain's heads from the fork point on.
	i := len(rec.events) - 1
	for rec.events[i] != "reorg 3" {
		i--
	}
	after := rec.events[i+1:]
	rec.mu.Unlock()
	require.Equal(t, []string{"head 3", "head 4", "head 5", "head 6"}, after)

	latest, err := s.LatestHead(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 6, latest.Number)
	require.Equal(t, ht.LatestHead().Hash, latest.Hash)
	at3, err := s.HeadsByNumber(ctx, 3)
	require.NoError(t, err)
	require.Len(t, at3, 2, "both the old and the new head 3 are kept")
}

// hidingClient is the chain client with one block missing: once armed,
// the block at height hideAt other than keep gets no head notification
// and is not found by hash. anvil did this after anvil_reorg, serving a
// block whose parent it had dropped; the simulated chain cannot, so this
// is a fake of that one fault.
type hidingClient struct {
	*chain.Client
	hideAt int64
	keep   common.Hash
	armed  atomic.Bool
}

func (c *hidingClient) hides(h *types.Header) bool {
	return c.armed.Load() && h.Number.Int64() == c.hideAt && h.Hash() != c.keep
}

func (c *hidingClient) HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error) {
	h, err := c.Client.HeaderByHash(ctx, hash)
	if err == nil && c.hides(h) {
		return nil, ethereum.NotFound
	}
	return h, err
}

func (c *hidingClient) SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error) {
	in := make(chan *types.Header, 16)
	sub, err := c.Client.SubscribeNewHead(ctx, in)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			select {
			case h := <-in:
				if c.hides(h) {
					continue
				}
				select {
				case ch <- h:
				case <-sub.Err():
					return
				}
			case <-sub.Err():
				return
			}
		}
	}()
	return sub, nil
}

// TestParentUnknownToTheNodeDoesNotStallHeads: after a reorg, a new head
// whose parent the node cannot serve starts the tracker's new chain, as a
// reorg without a known ancestor, instead of failing every head until the
// gap is deeper than the history.
func TestParentUnknownToTheNodeDoesNotStallHeads(t *testing.T) {
	e := newChain(t, nil)
	s := testdb.Open(t)
	rec := &recorder{}
	c := &hidingClient{Client: dial(t, e.addr), hideAt: 3}
	ht, _ := track(t, headtracker.Config{HistoryDepth: 100}, c, s, rec)
	rec.waitHead(t, 0)
	var hashes []common.Hash
	for range 5 {
		hashes = append(hashes, e.backend.Commit())
	}
	rec.waitHead(t, 5)

	// Fork after block 2; the new block 3' is never seen, and 4', 5', 6'
	// follow it.
	c.keep = hashes[2]
	c.armed.Store(true)
	require.NoError(t, e.backend.Fork(hashes[1]))
	e.commit(4)
	require.Eventually(t, func() bool { h := ht.LatestHead(); return h != nil && h.Number == 6 }, waitFor, 5*time.Millisecond,
		"the tracker stalled; events %v", rec)
	require.Equal(t, 1, rec.count("reorg 2"), "a reorg from the oldest block known (4'); events %v", rec)
	head4, err := c.HeaderByNumber(context.Background(), big.NewInt(4))
	require.NoError(t, err)
	_, err = c.HeaderByHash(context.Background(), head4.ParentHash)
	require.ErrorIs(t, err, ethereum.NotFound, "the fake hides 3'")
}

func TestFillsHeadsMissedWhileDisconnected(t *testing.T) {
	e := newChain(t, nil)
	proxy := faultproxy.Start(t, e.addr)
	s := testdb.Open(t)
	c := dial(t, proxy.Addr())
	rec := &recorder{}
	_, _ = track(t, headtracker.Config{}, c, s, rec)
	rec.waitHead(t, 0)
	e.commit(3)
	rec.waitHead(t, 3)

	proxy.Cut() // the server side drops the WebSocket
	require.Eventually(t, func() bool { return rec.count("disconnect") == 1 }, waitFor, 5*time.Millisecond)
	e.commit(4) // 4..7 mined while the node is cut off
	proxy.Restore()

	rec.waitHead(t, 7)
	contiguous(t, rec.numbers(), 0, 7)
	require.Equal(t, 2, rec.count("connect"), "events %v", rec)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Equal(t, []string{"connect", "head 0", "head 1", "head 2", "head 3", "disconnect", "connect",
		"head 4", "head 5", "head 6", "head 7"}, rec.events)
}

func TestFollowsAFreshChainAfterRestart(t *testing.T) {
	tests := []struct {
		name      string
		alloc     types.GenesisAlloc
		ancestor  bool // the fresh chain shares the old chain's genesis
		depth     int64
		firstSeen int64
	}{
		// The same genesis: the fresh chain forks off at block 0.
		{"same genesis", nil, true, 6, 1},
		// Another genesis: no head in common.
		{"another genesis", types.GenesisAlloc{common.HexToAddress("0x01"): {Balance: simchain.Ether(1)}}, false, 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := testdb.Open(t)
			old := newChain(t, nil)
			first := &recorder{}
			_, stop := track(t, headtracker.Config{}, dial(t, old.addr), s, first)
			first.waitHead(t, 0)
			old.commit(6)
			first.waitHead(t, 6)
			stop()

			// A dev chain started afresh: shorter than the saved history.
			fresh := newChain(t, tt.alloc)
			fresh.commit(2)
			second := &recorder{}
			ht, _ := track(t, headtracker.Config{}, dial(t, fresh.addr), s, second)
			second.waitHead(t, 2)
			fresh.commit(1)
			second.waitHead(t, 3)

			require.Len(t, second.reorgs, 1)
			require.Equal(t, tt.ancestor, second.reorgs[0].Ancestor != nil)
			require.Equal(t, tt.depth, second.reorgs[0].Depth)
			contiguous(t, second.numbers(), tt.firstSeen, 3)
			latest, err := s.LatestHead(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 3, latest.Number)
			require.Equal(t, ht.LatestHead().Hash, latest.Hash)
			gone, err := s.HeadsByNumber(ctx, 6)
			require.NoError(t, err)
			require.Empty(t, gone, "the old chain's heads above the new head are deleted")
		})
	}
}

func TestSlowSubscriberStillSeesEveryHeight(t *testing.T) {
	e := newChain(t, nil)
	s := testdb.Open(t)
	rec := &recorder{gate: make(chan struct{})}
	ht, _ := track(t, headtracker.Config{QueueSize: 2}, dial(t, e.addr), s, rec)
	// The genesis is saved; its OnNewHead is blocked on the gate.
	require.Eventually(t, func() bool { return ht.LatestHead() != nil }, waitFor, 5*time.Millisecond)
	e.commit(12) // far more than the queue holds, while OnNewHead is blocked
	close(rec.gate)
	rec.waitHead(t, 12)
	contiguous(t, rec.numbers(), 0, 12)
}

func TestSubscribeAfterStartFails(t *testing.T) {
	e := newChain(t, nil)
	s := testdb.Open(t)
	ht, _ := track(t, headtracker.Config{}, dial(t, e.addr), s, &recorder{})
	require.ErrorIs(t, ht.Subscribe(&recorder{}), headtracker.ErrSubscribeAfterStart)
}

func TestHealthyReportsStaleChain(t *testing.T) {
	e := newChain(t, nil)
	s := testdb.Open(t)
	rec := &recorder{}
	ht, _ := track(t, headtracker.Config{StaleAfter: 50 * time.Millisecond}, dial(t, e.addr), s, rec)
	rec.waitHead(t, 0)
	require.Eventually(t, func() bool { return ht.Healthy() != nil }, waitFor, 5*time.Millisecond)
	require.ErrorContains(t, ht.Healthy(), "no new head for")
	e.commit(1)
	require.Eventually(t, func() bool { return ht.Healthy() == nil }, waitFor, 5*time.Millisecond)
}
