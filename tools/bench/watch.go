package main

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// record is what the harness saw of one request.
type record struct {
	logAt, broadcastAt, minedAt time.Time
	deliveredAt                 time.Time // the log passed the proxy to the answerer
	logBlock, minedBlock        uint64
	nonces                      map[uint64]bool // distinct nonces of broadcast fulfilments
}

// watcher follows OracleRequest and PriceFulfilled logs straight from anvil
// and fulfilment broadcasts from the proxy, timing each request.
type watcher struct {
	c        *contracts
	oracle   common.Address
	consumer common.Address

	mu        sync.Mutex
	recs      map[common.Hash]*record
	requests  int
	fulfilled int
	changed   chan struct{}
	sub       ethereum.Subscription
	done      chan struct{}
}

func newWatcher(ctx context.Context, a *anvil, c *contracts, oracle, consumer common.Address) (*watcher, error) {
	w := &watcher{c: c, oracle: oracle, consumer: consumer, recs: make(map[common.Hash]*record),
		changed: make(chan struct{}, 1), done: make(chan struct{})}
	logs := make(chan types.Log, 65536)
	q := ethereum.FilterQuery{Addresses: []common.Address{oracle, consumer},
		Topics: [][]common.Hash{{c.requestTopic, c.fulfilledTopic}}}
	sub, err := a.eth.SubscribeFilterLogs(ctx, q, logs)
	if err != nil {
		return nil, fmt.Errorf("subscribing to logs: %w", err)
	}
	w.sub = sub
	go func() {
		defer close(w.done)
		for {
			select {
			case l := <-logs:
				w.onLog(l, time.Now())
			case <-sub.Err():
				return
			}
		}
	}()
	return w, nil
}

func (w *watcher) rec(id common.Hash) *record {
	r := w.recs[id]
	if r == nil {
		r = &record{nonces: make(map[uint64]bool)}
		w.recs[id] = r
	}
	return r
}

func (w *watcher) onLog(l types.Log, at time.Time) {
	if l.Removed || len(l.Topics) == 0 {
		return
	}
	w.mu.Lock()
	switch {
	case l.Topics[0] == w.c.requestTopic && l.Address == w.oracle && len(l.Data) >= 64:
		r := w.rec(common.BytesToHash(l.Data[32:64]))
		if r.logAt.IsZero() {
			w.requests++
		}
		r.logAt, r.logBlock = at, l.BlockNumber // a re-included request counts from its new log
	case l.Topics[0] == w.c.fulfilledTopic && l.Address == w.consumer && len(l.Topics) > 1:
		r := w.rec(l.Topics[1])
		if r.minedAt.IsZero() {
			w.fulfilled++
		}
		r.minedAt, r.minedBlock = at, l.BlockNumber
	}
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *watcher) onBroadcast(b broadcast) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.rec(b.RequestID)
	if r.broadcastAt.IsZero() {
		r.broadcastAt = b.At
	}
	r.nonces[b.Nonce] = true
}

func (w *watcher) onDelivered(id common.Hash, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.rec(id)
	if r.deliveredAt.IsZero() {
		r.deliveredAt = at
	}
}

func (w *watcher) counts() (requests, fulfilled int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.requests, w.fulfilled
}

// waitFulfilled waits until fulfilled reaches want, giving up when no
// fulfilment arrived for stall or within passed.
func (w *watcher) waitFulfilled(ctx context.Context, want int, within time.Duration) error {
	const stall = 60 * time.Second
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	_, last := w.counts()
	progress := time.NewTimer(stall)
	defer progress.Stop()
	for {
		_, f := w.counts()
		if f >= want {
			return nil
		}
		if f > last {
			last = f
			progress.Reset(stall)
		}
		select {
		case <-w.changed:
		case <-progress.C:
			return fmt.Errorf("%d of %d fulfilments seen, none for %v: %w", f, want, stall, errTimeout)
		case <-deadline.C:
			return fmt.Errorf("%d of %d fulfilments seen within %v: %w", f, want, within, errTimeout)
		case <-ctx.Done():
			return ctx.Err()
		case <-w.done:
			return fmt.Errorf("log subscription ended")
		}
	}
}

func (w *watcher) Close() {
	w.sub.Unsubscribe()
	<-w.done
}

// latencies are one workload's timings.
type latencies struct {
	broadcastMS, minedMS, blocks []float64
	firstLog, lastMined          time.Time
	multiNonce                   int // requests answered by more than one distinct transaction (nonce)
}

// snapshot returns the timings of the requests whose log arrived at or
// after since.
func (w *watcher) snapshot(since time.Time) latencies {
	w.mu.Lock()
	defer w.mu.Unlock()
	var l latencies
	for _, r := range w.recs {
		if r.logAt.IsZero() || r.logAt.Before(since) {
			continue
		}
		if l.firstLog.IsZero() || r.logAt.Before(l.firstLog) {
			l.firstLog = r.logAt
		}
		// The request's log time: when it reached the answerer through the
		// proxy, else (a log it fetched by eth_getLogs) when it reached the
		// harness.
		at := r.logAt
		if !r.deliveredAt.IsZero() && r.deliveredAt.Before(at) {
			at = r.deliveredAt
		}
		if !r.broadcastAt.IsZero() {
			l.broadcastMS = append(l.broadcastMS, float64(r.broadcastAt.Sub(at).Microseconds())/1000)
		}
		if !r.minedAt.IsZero() {
			l.minedMS = append(l.minedMS, float64(r.minedAt.Sub(at).Microseconds())/1000)
			l.blocks = append(l.blocks, float64(r.minedBlock)-float64(r.logBlock))
			if r.minedAt.After(l.lastMined) {
				l.lastMined = r.minedAt
			}
		}
		if len(r.nonces) > 1 {
			l.multiNonce++
		}
	}
	return l
}

// quantile returns the q-quantile (nearest rank) of xs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(q*float64(len(s)) + 0.5)
	if i < 1 {
		i = 1
	}
	if i > len(s) {
		i = len(s)
	}
	return s[i-1]
}

// chainTruth is what the canonical chain holds at the end of a scenario.
type chainTruth struct {
	requests   int // distinct request IDs logged by the Oracle
	fulfilled  int // distinct request IDs the consumer accepted
	lost       int // requests still holding a commitment (never answered)
	duplicates int // fulfilment transactions beyond one per request, from the answering key
	offChain   int // logs anvil served from blocks the head does not descend from
	fromKey    uint64
}

// truth reads the canonical chain: every OracleRequest, every
// PriceFulfilled, the open commitments, and every transaction the
// answering key mined (one per request answered once).
func truth(ctx context.Context, a *anvil, c *contracts, oracle, consumer, answerer common.Address, keyTxsBefore uint64) (chainTruth, error) {
	var t chainTruth
	logs, err := a.eth.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0), Addresses: []common.Address{oracle, consumer},
		Topics: [][]common.Hash{{c.requestTopic, c.fulfilledTopic}}})
	if err != nil {
		return t, fmt.Errorf("reading logs: %w", err)
	}
	// Logs count only from blocks the head descends from: after a reorg
	// anvil can still serve logs of a block it took out.
	blocks, err := a.canonicalChain(ctx, 0)
	if err != nil {
		return t, err
	}
	canonical := make(map[common.Hash]bool, len(blocks))
	for _, b := range blocks {
		canonical[b.Hash] = true
	}
	reqs := map[common.Hash]bool{}
	done := map[common.Hash]bool{}
	for _, l := range logs {
		switch {
		case !canonical[l.BlockHash]:
			t.offChain++
		case l.Topics[0] == c.requestTopic && len(l.Data) >= 64:
			reqs[common.BytesToHash(l.Data[32:64])] = true
		case l.Topics[0] == c.fulfilledTopic && len(l.Topics) > 1:
			done[l.Topics[1]] = true
		}
	}
	t.requests, t.fulfilled = len(reqs), len(done)
	for id := range reqs {
		if done[id] {
			continue
		}
		data, _ := c.oracle.Pack("commitments", id)
		out, err := a.eth.CallContract(ctx, ethereumCall(oracle, data), nil)
		if err != nil {
			return t, fmt.Errorf("reading commitment %s: %w", id, err)
		}
		if common.BytesToHash(out) != (common.Hash{}) {
			t.lost++
		}
	}
	n, err := a.eth.NonceAt(ctx, answerer, nil)
	if err != nil {
		return t, fmt.Errorf("reading the answering key's nonce: %w", err)
	}
	t.fromKey = n - keyTxsBefore
	if int(t.fromKey) > t.fulfilled {
		t.duplicates = int(t.fromKey) - t.fulfilled
	}
	return t, nil
}
