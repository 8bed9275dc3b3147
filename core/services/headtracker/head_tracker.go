package headtracker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// Config tunes the tracker. Zero fields take the defaults.
type Config struct {
	// HistoryDepth is how many heads below the latest are kept in the
	// database, and the most missing heads fetched in one backfill
	// (default 100).
	HistoryDepth int64
	// QueueSize is how many heads may wait for slow subscribers before the
	// oldest waiting head is dropped (default 16). Dropped heads are
	// fetched again by the backfill, so subscribers still see them.
	QueueSize int
	// StaleAfter, when set, makes Healthy fail if no new head arrived for
	// that long. Off by default: chains that mine only on demand (anvil's
	// automine) can be quiet for hours.
	StaleAfter time.Duration
	// ResubscribeBackoff is the wait between attempts to subscribe while
	// the client is connected but the subscription fails (default 1s).
	ResubscribeBackoff time.Duration
	// TrimEvery is how many heads are saved between two trims of the saved
	// history (default 32), so the table holds up to HistoryDepth+TrimEvery
	// heads: a chain that makes a block per transaction (automine, busy
	// L2s) would otherwise pay a DELETE per head.
	TrimEvery int
}

// Defaults for Config's zero fields.
const (
	DefaultHistoryDepth       = 100
	DefaultQueueSize          = 16
	DefaultResubscribeBackoff = time.Second
	DefaultTrimEvery          = 32
)

func (c Config) withDefaults() Config {
	if c.HistoryDepth <= 0 {
		c.HistoryDepth = DefaultHistoryDepth
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.ResubscribeBackoff <= 0 {
		c.ResubscribeBackoff = DefaultResubscribeBackoff
	}
	if c.TrimEvery <= 0 {
		c.TrimEvery = DefaultTrimEvery
	}
	return c
}

// Client is what the tracker needs of the chain client (*chain.Client).
type Client interface {
	SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error)
	Connected() bool
	Subscribe() (<-chan chain.Event, func())
}

// HeadStore is what the tracker needs of the store (*store.Store).
type HeadStore interface {
	SaveHead(ctx context.Context, h *models.Head) error
	LatestHead(ctx context.Context) (*models.Head, error)
	HeadByHash(ctx context.Context, hash common.Hash) (*models.Head, error)
	TrimHeads(ctx context.Context, keepDepth int64) (int64, error)
	DeleteHeadsAbove(ctx context.Context, number int64) (int64, error)
}

// HeadTrackable is a service that acts on block height. Its methods are
// called from one goroutine, one at a time, in chain order, so they must
// return promptly (hand long work to their own goroutines).
type HeadTrackable interface {
	// Connect is called when the head subscription is (re)established,
	// with the latest saved head (nil before the first head ever).
	Connect(ctx context.Context, head *models.Head) error
	// Disconnect is called when the connection to the node is lost.
	Disconnect()
	// OnNewHead is called once for every new head, oldest first.
	OnNewHead(ctx context.Context, head *models.Head)
}

// Reorg describes a chain reorganisation.
type Reorg struct {
	// Depth is how many saved heads the new chain replaced (saved head's
	// number minus the common ancestor's). With no ancestor found it is
	// a lower bound.
	Depth int64
	// Replaced is the head that was latest before the reorg.
	Replaced *models.Head
	// Ancestor is the newest head both chains share, or nil when none
	// was found within HistoryDepth (a deeper reorg, or another chain).
	Ancestor *models.Head
	// Head is the new chain's head.
	Head *models.Head
}

// ReorgTrackable is implemented by subscribers that want to hear of
// reorgs. OnReorg is called before OnNewHead for the new chain's heads.
type ReorgTrackable interface {
	OnReorg(ctx context.Context, r Reorg)
}

// HeadTracker follows the chain's heads. Build it with New.
type HeadTracker struct {
	lifecycle.Base
	cfg    Config
	client Client
	store  HeadStore
	lggr   *slog.Logger
	queue  *queue

	subsMu sync.Mutex
	subs   []HeadTrackable

	mu         sync.RWMutex
	latest     *models.Head
	lastHeadAt time.Time
	startedAt  time.Time

	unTrimmed int // heads saved since the last trim (deliver's goroutine only)
}

var (
	_ lifecycle.Service       = (*HeadTracker)(nil)
	_ lifecycle.HealthChecker = (*HeadTracker)(nil)
	_ Client                  = (*chain.Client)(nil)
)

// New returns a tracker; it does nothing until Start.
func New(cfg Config, client Client, store HeadStore, lggr *slog.Logger) *HeadTracker {
	cfg = cfg.withDefaults()
	ht := &HeadTracker{cfg: cfg, client: client, store: store, queue: newQueue(cfg.QueueSize)}
	ht.lggr = lggr.With("service", ht.Name())
	return ht
}

// Name names the service in logs and /health.
func (ht *HeadTracker) Name() string { return "HeadTracker" }

// ErrSubscribeAfterStart is returned by Subscribe once the tracker runs.
var ErrSubscribeAfterStart = errors.New("headtracker: subscribe before Start")

// Subscribe registers s. Subscribers are called in registration order.
func (ht *HeadTracker) Subscribe(s HeadTrackable) error {
	ht.subsMu.Lock()
	defer ht.subsMu.Unlock()
	ht.mu.RLock()
	started := !ht.startedAt.IsZero()
	ht.mu.RUnlock()
	if started {
		return ErrSubscribeAfterStart
	}
	ht.subs = append(ht.subs, s)
	return nil
}

// Start loads the saved head and follows the chain in the background.
func (ht *HeadTracker) Start(_ context.Context) error {
	return ht.StartOnce(func() error {
		ht.subsMu.Lock()
		ht.mu.Lock()
		ht.startedAt = time.Now()
		ht.mu.Unlock()
		ht.subsMu.Unlock()
		loaded := make(chan struct{})
		ht.Go(func(ctx context.Context) { ht.deliver(ctx, loaded) })
		ht.Go(func(ctx context.Context) { ht.listen(ctx, loaded) })
		return nil
	})
}

// Close stops following and waits for the subscriber loop.
func (ht *HeadTracker) Close() error { return ht.CloseOnce(nil) }

// LatestHead returns a copy of the latest head, or nil before the first.
func (ht *HeadTracker) LatestHead() *models.Head {
	ht.mu.RLock()
	defer ht.mu.RUnlock()
	if ht.latest == nil {
		return nil
	}
	h := *ht.latest
	return &h
}

// Healthy fails when Config.StaleAfter is set and no head arrived for
// that long.
func (ht *HeadTracker) Healthy() error {
	if ht.cfg.StaleAfter <= 0 {
		return nil
	}
	ht.mu.RLock()
	defer ht.mu.RUnlock()
	since := ht.lastHeadAt
	if since.IsZero() {
		since = ht.startedAt
	}
	if since.IsZero() {
		return nil
	}
	if age := time.Since(since); age > ht.cfg.StaleAfter {
		if ht.latest == nil {
			return fmt.Errorf("no head received for %s", age.Round(time.Second))
		}
		return fmt.Errorf("no new head for %s (latest is %d)", age.Round(time.Second), ht.latest.Number)
	}
	return nil
}

// listen keeps a head subscription open while the client is connected and
// queues what it delivers. It never waits on subscribers.
func (ht *HeadTracker) listen(ctx context.Context, loaded <-chan struct{}) {
	events, unsub := ht.client.Subscribe()
	defer unsub()
	select {
	case <-loaded:
	case <-ctx.Done():
		return
	}
	for {
		// Wait for a connection.
		for !ht.client.Connected() {
			select {
			case <-events:
			case <-ctx.Done():
				return
			}
		}
		heads := make(chan *types.Header, 32)
		sub, err := ht.client.SubscribeNewHead(ctx, heads)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			ht.lggr.Warn("subscribing to new heads failed", "err", err, "retry_in", ht.cfg.ResubscribeBackoff.String())
			t := time.NewTimer(ht.cfg.ResubscribeBackoff)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		ht.lggr.Info("subscribed to new heads")
		ht.queue.push(item{kind: itemConnected})
		// The node may have moved on while we were away: fetch its head
		// now so missed heads are filled in without waiting for the next.
		if h, err := ht.client.HeaderByNumber(ctx, nil); err == nil {
			ht.pushHead(h)
		} else {
			ht.lggr.Warn("fetching the latest head failed", "err", err)
		}
		ht.follow(ctx, sub, heads, events)
		sub.Unsubscribe()
		if ctx.Err() != nil {
			return
		}
		ht.queue.push(item{kind: itemDisconnected})
	}
}

// follow queues heads until the subscription or the connection ends.
func (ht *HeadTracker) follow(ctx context.Context, sub ethereum.Subscription, heads <-chan *types.Header, events <-chan chain.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case h := <-heads:
			ht.pushHead(h)
		case err := <-sub.Err():
			ht.lggr.Warn("head subscription ended", "err", err)
			// A dead socket ends the client's own watch at the same moment:
			// give it time to say so, so the next subscribe goes through a
			// fresh connection rather than the dying one.
			t := time.NewTimer(ht.cfg.ResubscribeBackoff)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					return
				case ev := <-events:
					if ev.Kind == chain.Disconnected {
						return
					}
				}
			}
		case ev := <-events:
			if ev.Kind == chain.Disconnected {
				return
			}
		}
	}
}

func (ht *HeadTracker) pushHead(h *types.Header) {
	if ht.queue.push(item{kind: itemHead, header: h}) {
		ht.lggr.Debug("subscribers are slow: dropped the oldest queued head, backfill will fetch it again")
	}
}

// deliver loads the saved head, then hands queued items to subscribers.
func (ht *HeadTracker) deliver(ctx context.Context, loaded chan<- struct{}) {
	if !ht.loadLatest(ctx) {
		return
	}
	close(loaded)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ht.queue.ready:
		}
		for {
			it, ok := ht.queue.pop()
			if !ok || ctx.Err() != nil {
				break
			}
			switch it.kind {
			case itemConnected:
				head := ht.LatestHead()
				for _, s := range ht.subs {
					if err := s.Connect(ctx, head); err != nil {
						ht.lggr.Error("subscriber failed to connect", "subscriber", fmt.Sprintf("%T", s), "err", err)
					}
				}
			case itemDisconnected:
				for _, s := range ht.subs {
					s.Disconnect()
				}
			case itemHead:
				if err := ht.handle(ctx, it.header); err != nil && ctx.Err() == nil {
					ht.lggr.Error("handling new head", "block_number", it.header.Number, "err", err)
				}
			}
		}
	}
}

// loadLatest reads the saved head, retrying while the database fails.
func (ht *HeadTracker) loadLatest(ctx context.Context) bool {
	wait := 100 * time.Millisecond
	for {
		h, err := ht.store.LatestHead(ctx)
		if err == nil {
			ht.mu.Lock()
			ht.latest = h
			ht.mu.Unlock()
			if h != nil {
				ht.lggr.Info("resuming from saved head", "block_number", h.Number, "block_hash", h.Hash.Hex())
			}
			return true
		}
		ht.lggr.Error("loading the latest saved head", "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		if wait < 10*time.Second {
			wait *= 2
		}
	}
}

func toHead(h *types.Header) *models.Head {
	return &models.Head{
		Hash:       h.Hash(),
		Number:     h.Number.Int64(),
		ParentHash: h.ParentHash,
		Timestamp:  time.Unix(int64(h.Time), 0).UTC(),
		BaseFee:    copyBig(h.BaseFee),
	}
}

func copyBig(b *big.Int) *big.Int {
	if b == nil {
		return nil
	}
	return new(big.Int).Set(b)
}

// handle saves h, with any heads missing between it and the saved head,
// and tells subscribers, oldest first.
func (ht *HeadTracker) handle(ctx context.Context, h *types.Header) error {
	cur := ht.LatestHead()
	// A child of the latest head cannot have been seen: the latest head
	// never goes back to a head already saved. Anything else may be a
	// repeat after reconnecting.
	if extends := cur != nil && h.ParentHash == cur.Hash && h.Number.Int64() == cur.Number+1; !extends {
		known, err := ht.store.HeadByHash(ctx, h.Hash())
		if err != nil {
			return err
		}
		if known != nil {
			return nil
		}
	}
	newChain, ancestor, err := ht.collect(ctx, h, cur)
	if err != nil {
		return err
	}
	oldest := newChain[len(newChain)-1]

	var reorg *Reorg
	if cur != nil && (ancestor == nil || ancestor.Hash != cur.Hash) {
		reorg, err = ht.classify(ctx, cur, ancestor, oldest, h)
		if err != nil {
			return err
		}
	}
	if reorg != nil {
		ht.lggr.Warn("chain reorganisation", "depth", reorg.Depth, "block_number", reorg.Head.Number,
			"block_hash", reorg.Head.Hash.Hex(), "replaced_number", cur.Number, "replaced_hash", cur.Hash.Hex(),
			"ancestor_found", reorg.Ancestor != nil)
		if n := h.Number.Int64(); n < cur.Number {
			if _, err := ht.store.DeleteHeadsAbove(ctx, n); err != nil {
				return err
			}
		}
		for _, s := range ht.subs {
			if rt, ok := s.(ReorgTrackable); ok {
				rt.OnReorg(ctx, *reorg)
			}
		}
	} else if cur != nil && oldest.Number.Int64() > cur.Number+1 {
		ht.lggr.Warn("missed more heads than the history depth; subscribers skip them",
			"from", cur.Number+1, "to", oldest.Number.Int64()-1, "history_depth", ht.cfg.HistoryDepth)
	}

	for i := len(newChain) - 1; i >= 0; i-- {
		head := toHead(newChain[i])
		if err := ht.store.SaveHead(ctx, head); err != nil {
			return err
		}
		ht.mu.Lock()
		ht.latest = head
		ht.lastHeadAt = time.Now()
		ht.mu.Unlock()
		ht.lggr.Debug("new head", "block_number", head.Number, "block_hash", head.Hash.Hex())
		for _, s := range ht.subs {
			c := *head
			s.OnNewHead(ctx, &c)
		}
	}
	if ht.unTrimmed += len(newChain); ht.unTrimmed >= ht.cfg.TrimEvery || reorg != nil {
		if _, err := ht.store.TrimHeads(ctx, ht.cfg.HistoryDepth); err != nil {
			return err
		}
		ht.unTrimmed = 0
	}
	return nil
}

// collect walks back from h through parent hashes until it reaches a
// saved head (the ancestor), genesis, HistoryDepth headers, or a parent
// the node does not have. It returns the unsaved headers newest first.
func (ht *HeadTracker) collect(ctx context.Context, h *types.Header, cur *models.Head) ([]*types.Header, *models.Head, error) {
	out := []*types.Header{h}
	if cur == nil {
		return out, nil, nil // first head ever: nothing to fill in
	}
	if h.ParentHash == cur.Hash {
		return out, cur, nil
	}
	for c := h; c.Number.Sign() > 0; {
		parent, err := ht.store.HeadByHash(ctx, c.ParentHash)
		if err != nil {
			return nil, nil, err
		}
		if parent != nil {
			return out, parent, nil
		}
		if int64(len(out)) >= ht.cfg.HistoryDepth {
			break
		}
		ph, err := ht.client.HeaderByHash(ctx, c.ParentHash)
		if errors.Is(err, ethereum.NotFound) {
			// The node does not have the parent: the chain it serves
			// starts here for us (anvil has served a block whose parent
			// its reorg had dropped). Waiting for the parent would stall
			// every head until the gap passed HistoryDepth.
			ht.lggr.Warn("parent header unknown to the node: taking the new chain from its oldest known block",
				"block_number", c.Number, "parent_hash", c.ParentHash.Hex())
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("fetching header %s (parent of %d): %w", c.ParentHash.Hex(), c.Number, err)
		}
		out = append(out, ph)
		c = ph
	}
	return out, nil, nil
}

// classify decides whether a new chain that does not extend cur is a
// reorg, and how deep. With no ancestor found, a chain that starts above
// cur may just be a long gap on the same chain: the node's header at
// cur's height tells.
func (ht *HeadTracker) classify(ctx context.Context, cur, ancestor *models.Head, oldest, h *types.Header) (*Reorg, error) {
	r := &Reorg{Replaced: cur, Ancestor: ancestor, Head: toHead(h)}
	if ancestor != nil {
		r.Depth = cur.Number - ancestor.Number
		return r, nil
	}
	if oldest.Number.Int64() > cur.Number+1 {
		canon, err := ht.client.HeaderByNumber(ctx, big.NewInt(cur.Number))
		if err == nil && canon.Hash() == cur.Hash {
			return nil, nil // a gap, not a reorg
		}
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			return nil, fmt.Errorf("checking header %d for a reorg: %w", cur.Number, err)
		}
	}
	r.Depth = cur.Number - oldest.Number.Int64() + 1
	if r.Depth < 1 {
		r.Depth = 1
	}
	return r, nil
}
