package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// Defaults for Config fields left zero.
const (
	// DefaultWorkers is high because a worker mostly waits (on an HTTP
	// fetch, or on its answer being recorded with others'): the answers of
	// a burst are recorded together, up to one per worker at a time.
	DefaultWorkers         = 64
	DefaultMaxTaskAttempts = 3
	DefaultRetryBackoff    = time.Second
	DefaultMaxRetryBackoff = time.Minute
	DefaultSweepInterval   = 15 * time.Second
	sweepLimit             = 1000
)

// Config tunes the JobRunner. Zero fields get the defaults above.
type Config struct {
	// Workers is how many runs execute at once.
	Workers int
	// MaxTaskAttempts is how often a task with transient faults is tried
	// before its run errors; a task's "maxAttempts" param overrides it.
	MaxTaskAttempts int
	// RetryBackoff is the wait before the first retry; it doubles per
	// attempt up to MaxRetryBackoff.
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration
	// SweepInterval is how often runs that should be executing but sat
	// untouched for that long (unstarted, in_progress, and pending_connection
	// while the chain is connected) are queued again, and the runs waiting
	// on their transaction are checked: a safety net for a wake-up lost to
	// a fault. Negative turns it off.
	SweepInterval time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxTaskAttempts <= 0 {
		c.MaxTaskAttempts = DefaultMaxTaskAttempts
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxRetryBackoff < c.RetryBackoff {
		c.MaxRetryBackoff = max(DefaultMaxRetryBackoff, c.RetryBackoff)
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Store is what the runner needs of the store (*store.Store).
type Store interface {
	FindJobRun(ctx context.Context, id string) (*models.JobRun, error)
	FindJobSpec(ctx context.Context, id string) (*models.JobSpec, error)
	SaveJobRunStep(ctx context.Context, run *models.JobRun, tr *models.TaskRun, attempts ...models.TaskRunAttempt) error
	SaveJobRunSteps(ctx context.Context, run *models.JobRun, trs []*models.TaskRun, attempts ...models.TaskRunAttempt) error
	UnfinishedRuns(ctx context.Context) ([]models.JobRun, error)
	StalledRunIDs(ctx context.Context, statuses []models.RunStatus, updatedBefore time.Time, limit int) ([]string, error)
	CancelJobRun(ctx context.Context, id string, at time.Time) error
}

// Adapters finds the adapter of a task type (*adapters.Registry).
type Adapters interface {
	ForTask(ctx context.Context, taskType string) (adapters.Adapter, error)
}

// Hooks resume paused runs on chain events (core/services' RunManager).
// They are called on the runner's own goroutine, one at a time, and log
// their own errors. head is nil when the pass was asked for by Poke.
type Hooks interface {
	ResumeConfirmingTasks(ctx context.Context, head *models.Head)
	ResumeConnectingTasks(ctx context.Context)
	// Sweep asks that the next ResumeConfirmingTasks look at every
	// paused run, not only those it was told of; it must not block.
	Sweep()
}

// Deps are the JobRunner's collaborators. Hooks may be nil (no chain).
type Deps struct {
	Store    Store
	Adapters Adapters
	Hooks    Hooks
}

// JobRunner queues runs and executes them on a pool of workers. Build it
// with New.
type JobRunner struct {
	lifecycle.Base
	cfg   Config
	deps  Deps
	lggr  *slog.Logger
	locks *runLocks
	saver *groupSaver // nil: each save on its own

	qmu    sync.Mutex
	queue  []string
	queued map[string]bool
	fresh  map[string]handoff // runs handed over in memory (EnqueueRun)
	signal chan struct{}
	work   chan string

	jobsMu sync.Mutex
	jobs   map[string]*models.JobSpec // by ID; jobs' tasks never change

	mu       sync.Mutex
	inflight map[string]context.CancelFunc
	timers   map[string]*time.Timer
	faults   map[string]int // consecutive faults per run, for backoff
	closed   bool

	latest       atomic.Pointer[models.Head]
	disconnected atomic.Bool
	headSignal   chan struct{}
	connSignal   chan struct{}
}

var _ lifecycle.Service = (*JobRunner)(nil)

// New returns a JobRunner; it executes nothing until Start.
func New(cfg Config, deps Deps, lggr *slog.Logger) (*JobRunner, error) {
	if deps.Store == nil || deps.Adapters == nil {
		return nil, errors.New("creating job runner: store and adapters are required")
	}
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	r := &JobRunner{
		cfg:        cfg.withDefaults(),
		deps:       deps,
		queued:     map[string]bool{},
		fresh:      map[string]handoff{},
		jobs:       map[string]*models.JobSpec{},
		signal:     make(chan struct{}, 1),
		work:       make(chan string),
		inflight:   map[string]context.CancelFunc{},
		timers:     map[string]*time.Timer{},
		faults:     map[string]int{},
		headSignal: make(chan struct{}, 1),
		connSignal: make(chan struct{}, 1),
	}
	r.lggr = lggr.With("service", r.Name())
	r.locks = newRunLocks(r.Enqueue)
	if b, ok := deps.Store.(StepsBatcher); ok {
		r.saver = newGroupSaver(b, func(ctx context.Context, st store.RunSteps) error {
			return deps.Store.SaveJobRunSteps(ctx, st.Run, st.TaskRuns, st.Attempts...)
		})
	}
	return r, nil
}

// Name is the service's name.
func (r *JobRunner) Name() string { return "JobRunner" }

// Start starts the workers and, on a goroutine, queues every unfinished
// run that can go on and sets the timers of sleeping runs.
func (r *JobRunner) Start(_ context.Context) error {
	return r.StartOnce(func() error {
		r.Go(r.dispatch)
		for range r.cfg.Workers {
			r.Go(r.worker)
		}
		r.Go(r.chainLoop)
		r.Go(r.recover)
		if r.cfg.SweepInterval > 0 {
			r.Go(r.sweepLoop)
		}
		return nil
	})
}

// Close stops the workers (cancelling tasks in flight, which record
// nothing) and the timers. Runs stay saved as they were.
func (r *JobRunner) Close() error {
	return r.CloseOnce(func() error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.closed = true
		for id, t := range r.timers {
			t.Stop()
			delete(r.timers, id)
		}
		return nil
	})
}

// recover queues the runs a stop cut off and re-times sleeping runs.
func (r *JobRunner) recover(ctx context.Context) {
	runs, err := r.deps.Store.UnfinishedRuns(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.lggr.Error("listing unfinished runs at start", "err", err)
		}
		return
	}
	resumed, sleeping := 0, 0
	for i := range runs {
		run := &runs[i]
		if !run.Status.Runnable() && run.Status != models.RunStatusPendingSleep {
			continue // waiting for its trigger
		}
		if tr := run.NextTaskRun(); tr != nil && tr.WakeAt != nil {
			r.WakeAt(run.ID, *tr.WakeAt) // asleep, or backing off before a retry
			sleeping++
		} else {
			r.Enqueue(run.ID)
			resumed++
		}
	}
	r.lggr.Info("recovered unfinished runs", "unfinished", len(runs), "queued", resumed, "timed", sleeping)
	// Answers confirmed while the node was down are found by a pass over
	// the runs waiting on their transaction.
	r.Poke()
}

// sweepLoop queues, every SweepInterval, the runs a lost wake-up left
// behind, and asks the hooks for a pass over the runs waiting on
// confirmations.
func (r *JobRunner) sweepLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.sweep(ctx)
		case <-ctx.Done():
			return
		}
	}
}

func (r *JobRunner) sweep(ctx context.Context) {
	statuses := []models.RunStatus{models.RunStatusUnstarted, models.RunStatusInProgress}
	if r.Connected() {
		statuses = append(statuses, models.RunStatusPendingConnection)
	}
	ids, err := r.deps.Store.StalledRunIDs(ctx, statuses, r.cfg.Now().Add(-r.cfg.SweepInterval), sweepLimit)
	if err != nil {
		if ctx.Err() == nil {
			r.lggr.Warn("sweeping stalled runs", "err", err)
		}
		return
	}
	for _, id := range ids {
		r.Enqueue(id)
	}
	if len(ids) > 0 {
		r.lggr.Info("queued stalled runs again", "runs", len(ids))
	}
	if r.deps.Hooks != nil {
		r.deps.Hooks.Sweep()
	}
	r.Poke()
}

// Enqueue queues a run for a worker. It never blocks; a run already queued
// is queued once. Runs enqueued before Start wait for it; after Close they
// are dropped (they stay saved and resume at the next start).
func (r *JobRunner) Enqueue(runID string) {
	r.qmu.Lock()
	if !r.queued[runID] {
		r.queued[runID] = true
		r.queue = append(r.queue, runID)
	}
	r.qmu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// dispatch hands queued run IDs to idle workers.
func (r *JobRunner) dispatch(ctx context.Context) {
	for {
		r.qmu.Lock()
		if len(r.queue) == 0 {
			r.qmu.Unlock()
			select {
			case <-r.signal:
				continue
			case <-ctx.Done():
				return
			}
		}
		id := r.queue[0]
		r.qmu.Unlock()
		select {
		case r.work <- id:
			r.qmu.Lock()
			r.queue = r.queue[1:]
			delete(r.queued, id)
			r.qmu.Unlock()
		case <-ctx.Done():
			return
		}
	}
}

func (r *JobRunner) worker(ctx context.Context) {
	for {
		select {
		case id := <-r.work:
			r.execute(ctx, id)
		case <-ctx.Done():
			return
		}
	}
}

// WakeAt queues the run at time at (at once when at has passed): a
// sleeping run's wake-up or a retry's backoff. A later call for the same
// run replaces the earlier timer.
func (r *JobRunner) WakeAt(runID string, at time.Time) {
	d := at.Sub(r.cfg.Now())
	if d <= 0 {
		r.Enqueue(runID)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if t, ok := r.timers[runID]; ok {
		t.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		r.mu.Lock()
		if r.timers[runID] == t {
			delete(r.timers, runID)
		}
		closed := r.closed
		r.mu.Unlock()
		if !closed {
			r.Enqueue(runID)
		}
	})
	r.timers[runID] = t
}

// LockRun takes the run's lock, which workers hold while they execute it,
// so a change made by the caller (a resume, a cancellation) never races a
// worker. It returns the unlock function, or ctx's error.
func (r *JobRunner) LockRun(ctx context.Context, runID string) (func(), error) {
	return r.locks.lock(ctx, runID)
}

// CancelRun cancels a run: it is saved cancelled with its unfinished task
// runs, and a task in flight has its context cancelled (it records
// nothing). It returns an error wrapping store.ErrNotFound for an unknown
// run and store.ErrRunFinished for a finished one.
func (r *JobRunner) CancelRun(ctx context.Context, runID string) error {
	if err := r.deps.Store.CancelJobRun(ctx, runID, r.cfg.Now()); err != nil {
		return err
	}
	r.dropFresh(runID)
	r.mu.Lock()
	if cancel, ok := r.inflight[runID]; ok {
		cancel()
	}
	if t, ok := r.timers[runID]; ok {
		t.Stop()
		delete(r.timers, runID)
	}
	r.mu.Unlock()
	r.lggr.Info("cancelled run", "run_id", runID)
	return nil
}

// LatestHead returns the newest head the runner was told of, nil before
// the first.
func (r *JobRunner) LatestHead() *models.Head { return r.latest.Load() }

// Connected reports whether the chain is reachable as far as the runner
// knows (true until the first Disconnect).
func (r *JobRunner) Connected() bool { return !r.disconnected.Load() }

// Connect is called by the head tracker when its subscription is
// (re)established: runs paused in pending_connection resume.
func (r *JobRunner) Connect(_ context.Context, head *models.Head) error {
	r.disconnected.Store(false)
	if head != nil {
		r.setLatest(head)
	}
	select {
	case r.connSignal <- struct{}{}:
	default:
	}
	return nil
}

// Disconnect is called by the head tracker when the chain is lost.
func (r *JobRunner) Disconnect() {
	r.disconnected.Store(true)
	r.lggr.Warn("chain connection lost: runs needing the chain will wait in pending_connection")
}

// OnNewHead records the head and wakes the runs waiting on confirmations.
// It returns at once; the work runs on the runner's goroutine.
func (r *JobRunner) OnNewHead(_ context.Context, head *models.Head) {
	if head == nil {
		return
	}
	r.setLatest(head)
	r.Poke()
}

// Poke asks for a pass over the runs waiting on confirmations (incoming or
// outgoing) without a new head; the TxManager's final-state callback uses
// it.
func (r *JobRunner) Poke() {
	select {
	case r.headSignal <- struct{}{}:
	default:
	}
}

func (r *JobRunner) setLatest(head *models.Head) {
	for {
		cur := r.latest.Load()
		if cur != nil && cur.Number > head.Number {
			return
		}
		if r.latest.CompareAndSwap(cur, head) {
			return
		}
	}
}

// chainLoop runs the hooks for heads and reconnections, one at a time.
func (r *JobRunner) chainLoop(ctx context.Context) {
	for {
		select {
		case <-r.headSignal:
			if r.deps.Hooks != nil {
				r.deps.Hooks.ResumeConfirmingTasks(ctx, r.latest.Load())
			}
		case <-r.connSignal:
			if r.deps.Hooks != nil {
				r.deps.Hooks.ResumeConnectingTasks(ctx)
			}
		case <-ctx.Done():
			return
		}
	}
}

// runLocks is a set of per-run mutexes that honour ctx. A worker that
// finds its run locked does not wait: it leaves a note, and whoever holds
// the lock queues the run again on unlock, so no wake-up is lost and no
// worker sits idle behind another.
type runLocks struct {
	mu      sync.Mutex
	locks   map[string]*runLock
	onAgain func(id string)
}

type runLock struct {
	ch    chan struct{}
	refs  int
	again bool
}

func newRunLocks(onAgain func(id string)) *runLocks {
	return &runLocks{locks: map[string]*runLock{}, onAgain: onAgain}
}

// get returns id's lock with a reference taken; l.mu must be held.
func (l *runLocks) get(id string) *runLock {
	rl, ok := l.locks[id]
	if !ok {
		rl = &runLock{ch: make(chan struct{}, 1)}
		l.locks[id] = rl
	}
	rl.refs++
	return rl
}

// put drops a reference; l.mu must be held.
func (l *runLocks) put(id string, rl *runLock) {
	rl.refs--
	if rl.refs == 0 {
		delete(l.locks, id)
	}
}

func (l *runLocks) unlocker(id string, rl *runLock) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			again := rl.again
			rl.again = false
			<-rl.ch
			l.put(id, rl)
			l.mu.Unlock()
			if again && l.onAgain != nil {
				l.onAgain(id)
			}
		})
	}
}

// lock waits for id's lock or ctx.
func (l *runLocks) lock(ctx context.Context, id string) (func(), error) {
	l.mu.Lock()
	rl := l.get(id)
	l.mu.Unlock()
	select {
	case rl.ch <- struct{}{}:
		return l.unlocker(id, rl), nil
	case <-ctx.Done():
		l.mu.Lock()
		l.put(id, rl)
		l.mu.Unlock()
		return nil, fmt.Errorf("locking run %s: %w", id, ctx.Err())
	}
}

// whileLocked calls fn and notes that the run must be queued when its
// holder unlocks, if id's lock is held; it reports whether it was.
func (l *runLocks) whileLocked(id string, fn func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	rl, ok := l.locks[id]
	if !ok || len(rl.ch) == 0 {
		return false
	}
	rl.again = true
	fn()
	return true
}

// tryLock takes id's lock if it is free; otherwise it notes that the run
// must be queued again when the holder unlocks.
func (l *runLocks) tryLock(id string) (func(), bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rl := l.get(id)
	select {
	case rl.ch <- struct{}{}:
		return l.unlocker(id, rl), true
	default:
		rl.again = true
		l.put(id, rl)
		return nil, false
	}
}
