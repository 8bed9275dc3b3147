package subscriber

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/chain"
)

var (
	errDisconnected = errors.New("disconnected from the ethereum node")
	errUnhandled    = errors.New("some logs could not be handed to the run executor")
	errNoResult     = errors.New("the run executor returned no result for the log")
)

// liveBuffer is how many live logs wait in our channel; go-ethereum's
// client buffers many more behind it while a backfill runs.
const liveBuffer = 1024

// logKey identifies a log on a chain: the executor's unique key.
type logKey struct {
	block common.Hash
	tx    common.Hash
	index uint
}

func keyOf(l types.Log) logKey { return logKey{l.BlockHash, l.TxHash, l.Index} }

// watcher follows one address. Every field below errMu belongs to its
// run goroutine.
type watcher struct {
	s        *Subscriber
	addr     common.Address
	lggr     *slog.Logger
	quit     chan struct{}
	quitOnce sync.Once
	done     chan struct{}

	errMu sync.Mutex
	err   error

	seen      map[logKey]struct{}
	ring      []logKey // the keys in seen, oldest overwritten first
	next      int
	cursor    uint64
	hasCursor bool
	pin       *uint64 // lowest block with an unhandled log this session
	failed    bool    // something must be retried: resubscribe after a backoff
	cancels   []types.Log
	// waiting holds the logs the executor said must wait (ErrLogWaits),
	// handed over again every RetryBackoff; the cursor stays below the
	// lowest one's block. wanted is where the cursor would be without them.
	waiting map[logKey]types.Log
	wanted  uint64
}

func newWatcher(s *Subscriber, addr common.Address) *watcher {
	return &watcher{
		s:       s,
		addr:    addr,
		lggr:    s.lggr.With("address", addr),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
		seen:    make(map[logKey]struct{}),
		ring:    make([]logKey, 0, min(s.cfg.DedupWindow, 1024)),
		waiting: make(map[logKey]types.Log),
	}
}

// stopAndWait stops the watcher and waits for its goroutine.
func (w *watcher) stopAndWait() {
	w.quitOnce.Do(func() { close(w.quit) })
	<-w.done
}

func (w *watcher) lastError() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

func (w *watcher) setError(err error) {
	w.errMu.Lock()
	w.err = err
	w.errMu.Unlock()
}

// run subscribes and backfills every time the client connects, until the
// subscriber closes or the watcher is stopped.
func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-w.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	events, unsub := w.s.client.Subscribe()
	defer unsub()
	wait := w.s.cfg.RetryBackoff
	for {
		for !w.s.client.Connected() {
			select {
			case <-events:
			case <-ctx.Done():
				return
			}
		}
		drain(events)
		synced, err := w.session(ctx, events)
		if ctx.Err() != nil {
			return
		}
		if synced {
			wait = w.s.cfg.RetryBackoff
		}
		if errors.Is(err, errDisconnected) {
			w.lggr.Info("log subscription paused until the node reconnects")
			continue
		}
		w.setError(err)
		w.lggr.Warn("log subscription interrupted, subscribing again", "err", err, "retry_in", wait.String())
		if !sleepCtx(ctx, wait) {
			return
		}
		wait = min(2*wait, w.s.cfg.MaxRetryBackoff)
	}
}

func drain(events <-chan chain.Event) {
	for {
		select {
		case <-events:
		default:
			return
		}
	}
}

// session subscribes to live logs, backfills, then follows the live logs
// until the subscription or the connection ends. synced reports whether
// the backfill completed.
func (w *watcher) session(ctx context.Context, events <-chan chain.Event) (synced bool, err error) {
	w.pin, w.failed = nil, false
	logs := make(chan types.Log, liveBuffer)
	sub, err := w.s.client.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{w.addr}}, logs)
	if err != nil {
		return false, fmt.Errorf("subscribing to logs: %w", err)
	}
	defer sub.Unsubscribe()
	w.retryCancels(ctx)
	if err := w.backfill(ctx); err != nil {
		return false, err
	}
	if w.failed {
		return true, errUnhandled
	}
	w.setError(nil)
	w.lggr.Debug("following live logs")
	var retryWaiting <-chan time.Time // set while logs wait; not reset by live logs
	for {
		switch {
		case len(w.waiting) == 0:
			retryWaiting = nil
		case retryWaiting == nil:
			retryWaiting = time.After(w.s.cfg.RetryBackoff)
		}
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-retryWaiting:
			retryWaiting = nil
			w.handleWaiting(ctx)
			if w.failed {
				return true, errUnhandled
			}
		case err := <-sub.Err():
			if err == nil {
				err = errors.New("closed by the node")
			}
			return true, fmt.Errorf("log subscription ended: %w", err)
		case ev := <-events:
			if ev.Kind == chain.Disconnected {
				return true, errDisconnected
			}
		case l := <-logs:
			// The logs that came while the last ones were handled are
			// handled together: a burst costs one save, not one each.
			w.handleLogs(ctx, takeWaiting(logs, []types.Log{l}, w.s.cfg.MaxBatch), true)
			if w.failed {
				return true, errUnhandled
			}
		}
	}
}

// backfill hands over the logs from the block after the cursor (at most
// BackfillDepth below the head) to the head, in chain order, and moves the
// cursor to the head. Without a cursor it only sets it to the head: a new
// address starts with the logs from now on.
func (w *watcher) backfill(ctx context.Context) error {
	head, err := w.s.client.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("reading the head block number: %w", err)
	}
	cur, ok, err := w.s.cursors.LastProcessedBlock(ctx, w.addr)
	if err != nil {
		return fmt.Errorf("reading the log cursor: %w", err)
	}
	if !ok {
		w.lggr.Info("no log cursor yet: following logs from the head", "block_number", head)
		return w.setCursor(ctx, head)
	}
	w.cursor, w.hasCursor = cur, true
	if cur > head {
		w.lggr.Warn("log cursor is above the chain's head (a new chain?): following logs from the head",
			"cursor", cur, "block_number", head)
		return w.setCursor(ctx, head)
	}
	from := cur + 1
	if depth := w.s.cfg.BackfillDepth; head > depth && from < head-depth {
		w.lggr.Warn("backfill limited by BLOCK_BACKFILL_DEPTH: older logs are skipped",
			"skipped_from", from, "skipped_to", head-depth-1)
		from = head - depth
	}
	if from > head {
		return nil
	}
	w.lggr.Info("backfilling logs", "from_block", from, "to_block", head)
	batch := w.s.cfg.BackfillBatch
	for start := from; start <= head; start += batch {
		end := min(start+batch-1, head)
		logs, err := w.s.client.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(start),
			ToBlock:   new(big.Int).SetUint64(end),
			Addresses: []common.Address{w.addr},
		})
		if err != nil {
			return fmt.Errorf("backfilling logs of blocks %d to %d: %w", start, end, err)
		}
		for len(logs) > 0 {
			n := min(len(logs), w.s.cfg.MaxBatch)
			w.handleLogs(ctx, logs[:n], false)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			logs = logs[n:]
		}
		w.advance(ctx, end)
	}
	return nil
}

// takeWaiting appends to batch the logs already waiting in logs, without
// blocking, until batch holds max.
func takeWaiting(logs <-chan types.Log, batch []types.Log, max int) []types.Log {
	for len(batch) < max {
		select {
		case l := <-logs:
			batch = append(batch, l)
		default:
			return batch
		}
	}
	return batch
}

// handleLogs acts on logs in chain order, as handle does on each. With a
// BatchRunExecutor the runs of consecutive new logs are handed over
// together; a removed log splits the batch, so runs are cancelled and
// started in the order the chain reported.
func (w *watcher) handleLogs(ctx context.Context, logs []types.Log, live bool) {
	bx, ok := w.s.executor.(BatchRunExecutor)
	for len(logs) > 0 && ctx.Err() == nil {
		n := 1
		if ok && !logs[0].Removed {
			for n < len(logs) && !logs[n].Removed {
				n++
			}
			w.handleBatch(ctx, bx, logs[:n], live)
		} else {
			w.handle(ctx, logs[0], live)
		}
		logs = logs[n:]
	}
}

// handleBatch is handle for new (not removed) logs in chain order, whose
// runs are handed to the executor at once. Each log whose every run was
// saved (or already existed) counts as handled; the others pin the
// cursor. A live batch moves the cursor once, below its last log's block.
func (w *watcher) handleBatch(ctx context.Context, bx BatchRunExecutor, logs []types.Log, live bool) {
	es := w.s.entriesOf(w.addr)
	fresh := make([]bool, len(logs)) // not handled before, nor earlier in logs
	inBatch := make(map[logKey]struct{}, len(logs))
	var (
		runs  []LogRun
		owner []int // runs[k] is for logs[owner[k]]
	)
	for i, l := range logs {
		key := keyOf(l)
		if _, dup := w.seen[key]; dup {
			continue
		}
		if _, dup := inBatch[key]; dup {
			continue
		}
		inBatch[key] = struct{}{}
		fresh[i] = true
		for _, d := range matchLog(es, l, w.lggr) {
			runs = append(runs, LogRun{Job: d.entry.job, Initiator: d.entry.initr, Request: d.req, Input: d.input})
			owner = append(owner, i)
		}
	}
	unhandled := make([]bool, len(logs))
	waits := make([]bool, len(logs))
	failed, waiting := w.executeBatch(ctx, bx, runs, logs, owner)
	for _, k := range failed {
		unhandled[owner[k]] = true
	}
	for _, k := range waiting {
		waits[owner[k]] = true
	}
	for i, l := range logs {
		switch {
		case !fresh[i]:
		case unhandled[i]:
			w.pinAt(l.BlockNumber)
		case waits[i]:
			w.wait(l)
		default:
			w.remember(keyOf(l))
		}
	}
	// Live logs come in chain order, so every log of the blocks below
	// the last one has been handled (or pinned the cursor); more of its
	// block may follow.
	if last := logs[len(logs)-1]; live && last.BlockNumber > 0 {
		w.advance(ctx, last.BlockNumber-1)
	}
}

// executeBatch hands runs to the executor at once, then the ones that
// failed again, a few times, after a backoff. It returns the indexes of
// the runs still not saved, and of those whose log must wait.
func (w *watcher) executeBatch(ctx context.Context, bx BatchRunExecutor, runs []LogRun, logs []types.Log, owner []int) (failed, waiting []int) {
	todo := make([]int, len(runs))
	for k := range todo {
		todo[k] = k
	}
	for attempt := 1; len(todo) > 0; attempt++ {
		batch := make([]LogRun, len(todo))
		for j, k := range todo {
			batch[j] = runs[k]
		}
		results := bx.ExecuteJobsFromLogs(ctx, batch)
		failed = nil
		var lastErr error
		for j, k := range todo {
			res := LogRunResult{Err: errNoResult}
			if j < len(results) {
				res = results[j]
			}
			args := runLogArgs(runs[k], logs[owner[k]])
			switch {
			case res.Err == nil && res.Run != nil:
				w.lggr.Info("started run for log", append(args, "run_id", res.Run.ID)...)
			case res.Err == nil:
				w.lggr.Info("run executor ignored log", args...)
			case errors.Is(res.Err, ErrLogWaits):
				w.lggr.Debug("log waits", append(args, "err", res.Err)...)
				waiting = append(waiting, k)
			case w.s.cfg.IsDuplicate(res.Err):
				w.lggr.Debug("log already has its run", append(args, "err", res.Err)...)
			default:
				failed, lastErr = append(failed, k), res.Err
			}
		}
		todo = failed
		switch {
		case len(todo) == 0, ctx.Err() != nil:
			return todo, waiting
		case attempt >= w.s.cfg.ExecuteAttempts:
			for _, k := range todo {
				w.lggr.Error("could not start run for log; will retry after resubscribing",
					append(runLogArgs(runs[k], logs[owner[k]]), "attempts", attempt, "err", lastErr)...)
			}
			return todo, waiting
		}
		w.lggr.Warn("starting runs for logs failed, retrying", "attempt", attempt, "runs", len(todo), "err", lastErr)
		if !sleepCtx(ctx, w.s.cfg.RetryBackoff) {
			return todo, waiting
		}
	}
	return todo, waiting
}

// wait keeps a log the executor could not decide yet (ErrLogWaits) for
// handleWaiting, and the cursor below its block until it is decided.
func (w *watcher) wait(l types.Log) {
	key := keyOf(l)
	if _, ok := w.waiting[key]; !ok {
		w.lggr.Info("log waits for an earlier run of its request (a reorg moved it)",
			"tx_hash", l.TxHash, "block_number", l.BlockNumber, "log_index", l.Index)
	}
	w.waiting[key] = l
}

// handleWaiting hands the waiting logs over again, in chain order, and
// moves the cursor as far as the ones still waiting allow.
func (w *watcher) handleWaiting(ctx context.Context) {
	logs := make([]types.Log, 0, len(w.waiting))
	for _, l := range w.waiting {
		logs = append(logs, l)
	}
	clear(w.waiting)
	slices.SortFunc(logs, func(a, b types.Log) int {
		if c := cmp.Compare(a.BlockNumber, b.BlockNumber); c != 0 {
			return c
		}
		return cmp.Compare(a.Index, b.Index)
	})
	w.handleLogs(ctx, logs, false)
	if ctx.Err() == nil && w.wanted > 0 {
		w.advance(ctx, w.wanted)
	}
}

// runLogArgs are the log attributes of one log's run.
func runLogArgs(r LogRun, l types.Log) []any {
	return []any{"job_id", r.Job.ID, "initiator", r.Initiator.Type,
		"tx_hash", l.TxHash, "block_number", l.BlockNumber, "log_index", l.Index}
}

// pinAt keeps the cursor below block, which has an unhandled log, and
// asks for a resubscription.
func (w *watcher) pinAt(block uint64) {
	if w.pin == nil || block < *w.pin {
		w.pin = &block
	}
	w.failed = true
}

// handle acts on one log: a removed one cancels its runs, a new one is
// matched against the address's jobs and handed to the executor. Only a
// log whose every run was saved (or already existed) counts as handled.
func (w *watcher) handle(ctx context.Context, l types.Log, live bool) {
	key := keyOf(l)
	if l.Removed {
		delete(w.seen, key)
		delete(w.waiting, key)
		w.cancel(ctx, l)
		return
	}
	if _, dup := w.seen[key]; dup {
		return
	}
	handled, waits := true, false
	for _, d := range matchLog(w.s.entriesOf(w.addr), l, w.lggr) {
		switch w.execute(ctx, d, l) {
		case executeFailed:
			handled = false
		case executeWaits:
			waits = true
		}
	}
	switch {
	case !handled:
		w.pinAt(l.BlockNumber)
		return
	case waits:
		w.wait(l)
	default:
		w.remember(key)
	}
	// Live logs come in chain order, so every log of the blocks below
	// this one has been handled; more of this block may follow.
	if live && l.BlockNumber > 0 {
		w.advance(ctx, l.BlockNumber-1)
	}
}

// executeOutcome is what became of one run handed to the executor.
type executeOutcome int

const (
	executeHandled executeOutcome = iota // saved, ignored or already there
	executeWaits                         // ErrLogWaits: hand it over later
	executeFailed                        // try again after resubscribing
)

// execute hands one run to the executor, retrying a failure a few times.
func (w *watcher) execute(ctx context.Context, d delivery, l types.Log) executeOutcome {
	lg := w.lggr.With("job_id", d.entry.job.ID, "initiator", d.entry.initr.Type,
		"tx_hash", l.TxHash, "block_number", l.BlockNumber, "log_index", l.Index)
	for attempt := 1; ; attempt++ {
		run, err := w.s.executor.ExecuteJobFromLog(ctx, d.entry.job, d.entry.initr, d.req, d.input)
		switch {
		case err == nil:
			if run != nil {
				lg.Info("started run for log", "run_id", run.ID)
			} else {
				lg.Info("run executor ignored log")
			}
			return executeHandled
		case errors.Is(err, ErrLogWaits):
			lg.Debug("log waits", "err", err)
			return executeWaits
		case w.s.cfg.IsDuplicate(err):
			lg.Debug("log already has its run", "err", err)
			return executeHandled
		case ctx.Err() != nil:
			return executeFailed
		case attempt >= w.s.cfg.ExecuteAttempts:
			lg.Error("could not start run for log; will retry after resubscribing", "attempts", attempt, "err", err)
			return executeFailed
		}
		lg.Warn("starting run for log failed, retrying", "attempt", attempt, "err", err)
		if !sleepCtx(ctx, w.s.cfg.RetryBackoff) {
			return executeFailed
		}
	}
}

// cancel moves the cursor below the block of a log a reorg removed, so a
// restart backfills the block's replacement, then cancels the log's runs.
// The cursor goes first: a crash between the two then leaves a run to
// answer a request no longer on the chain (its answer reverts), not a
// replacement block's requests behind the cursor, never to be answered.
func (w *watcher) cancel(ctx context.Context, l types.Log) {
	if l.BlockNumber > 0 {
		w.wanted = min(w.wanted, l.BlockNumber-1)
	}
	if w.hasCursor && l.BlockNumber > 0 && w.cursor >= l.BlockNumber {
		if err := w.setCursor(ctx, l.BlockNumber-1); err != nil {
			w.lggr.Warn("lowering the log cursor after a reorg failed", "err", err)
		}
	}
	if !w.cancelOne(ctx, l) {
		w.cancels = append(w.cancels, l)
		w.failed = true
	}
}

func (w *watcher) cancelOne(ctx context.Context, l types.Log) bool {
	lg := w.lggr.With("tx_hash", l.TxHash, "block_hash", l.BlockHash, "block_number", l.BlockNumber, "log_index", l.Index)
	for attempt := 1; ; attempt++ {
		err := w.s.executor.CancelRunsForLog(ctx, l.BlockHash, l.TxHash, l.Index)
		switch {
		case err == nil:
			lg.Info("log removed by a reorg: cancelled its runs")
			return true
		case ctx.Err() != nil:
			return false
		case attempt >= w.s.cfg.ExecuteAttempts:
			lg.Error("could not cancel the runs of a removed log; will retry after resubscribing", "err", err)
			return false
		}
		lg.Warn("cancelling the runs of a removed log failed, retrying", "attempt", attempt, "err", err)
		if !sleepCtx(ctx, w.s.cfg.RetryBackoff) {
			return false
		}
	}
}

// retryCancels retries the cancellations that failed before.
func (w *watcher) retryCancels(ctx context.Context) {
	pending := w.cancels
	w.cancels = nil
	for _, l := range pending {
		if !w.cancelOne(ctx, l) {
			w.cancels = append(w.cancels, l)
			w.failed = true
		}
	}
}

// remember adds key to the window of handled logs, forgetting the oldest.
func (w *watcher) remember(key logKey) {
	if len(w.ring) < w.s.cfg.DedupWindow {
		w.ring = append(w.ring, key)
	} else {
		delete(w.seen, w.ring[w.next])
		w.ring[w.next] = key
		w.next = (w.next + 1) % len(w.ring)
	}
	w.seen[key] = struct{}{}
}

// advance moves the cursor forward to block, but never past a block with
// an unhandled or waiting log.
func (w *watcher) advance(ctx context.Context, block uint64) {
	w.wanted = max(w.wanted, block)
	for _, l := range w.waiting {
		if l.BlockNumber == 0 {
			return
		}
		block = min(block, l.BlockNumber-1)
	}
	if w.pin != nil {
		if *w.pin == 0 {
			return
		}
		block = min(block, *w.pin-1)
	}
	if w.hasCursor && block <= w.cursor {
		return
	}
	if err := w.setCursor(ctx, block); err != nil {
		w.lggr.Warn("saving the log cursor failed", "block_number", block, "err", err)
	}
}

// cursorWriteTimeout bounds a cursor write. The write does not end with
// the watcher's context: one cut off on the client may still commit on
// the database server after Close returned, over whatever set the cursor
// since (a node started again on the same database).
const cursorWriteTimeout = 5 * time.Second

func (w *watcher) setCursor(ctx context.Context, block uint64) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cursorWriteTimeout)
	defer cancel()
	if err := w.s.cursors.SetLastProcessedBlock(ctx, w.addr, block); err != nil {
		return fmt.Errorf("saving the log cursor at block %d: %w", block, err)
	}
	w.cursor, w.hasCursor = block, true
	return nil
}
