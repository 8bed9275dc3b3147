package subscriber

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// Config tunes the subscriber. Zero fields take the defaults below.
type Config struct {
	// BackfillDepth bounds a backfill: it never starts more than this many
	// blocks below the head (BLOCK_BACKFILL_DEPTH, default 10).
	BackfillDepth uint64
	// DefaultOracle is the Oracle a runlog job without params.address
	// watches (ORACLE_CONTRACT_ADDRESS). Without either, AddJob refuses
	// the job.
	DefaultOracle *common.Address
	// IsDuplicate reports whether an executor error says the log was
	// already acted on. Such a log counts as handled. By default errors
	// wrapping store.ErrDuplicate (as services.ErrDuplicateLog does) and
	// any error whose message contains "duplicate" do.
	IsDuplicate func(error) bool
	// BackfillBatch is how many blocks one FilterLogs call spans
	// (default 1000).
	BackfillBatch uint64
	// DedupWindow is how many handled log keys each watcher remembers to
	// drop logs delivered twice (default 10000).
	DedupWindow int
	// RetryBackoff is the first wait before a watcher subscribes again
	// after a failure (default 1s); it doubles up to MaxRetryBackoff
	// (default 1m) while failures repeat.
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration
	// ExecuteAttempts is how many times a log is handed to the executor
	// before the watcher gives up on it for now (default 3).
	ExecuteAttempts int
	// MaxBatch is how many logs a watcher hands at most to a
	// BatchRunExecutor at once (default 500): a live log together with
	// those already waiting behind it, or a backfill's logs.
	MaxBatch int
}

// Defaults for Config's zero fields.
const (
	DefaultBackfillDepth   = 10
	DefaultBackfillBatch   = 1000
	DefaultDedupWindow     = 10000
	DefaultRetryBackoff    = time.Second
	DefaultMaxRetryBackoff = time.Minute
	DefaultExecuteAttempts = 3
	DefaultMaxBatch        = 500
)

func (c Config) withDefaults() Config {
	if c.BackfillDepth == 0 {
		c.BackfillDepth = DefaultBackfillDepth
	}
	if c.IsDuplicate == nil {
		c.IsDuplicate = containsDuplicate
	}
	if c.BackfillBatch == 0 {
		c.BackfillBatch = DefaultBackfillBatch
	}
	if c.DedupWindow <= 0 {
		c.DedupWindow = DefaultDedupWindow
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxRetryBackoff < c.RetryBackoff {
		c.MaxRetryBackoff = max(DefaultMaxRetryBackoff, c.RetryBackoff)
	}
	if c.ExecuteAttempts <= 0 {
		c.ExecuteAttempts = DefaultExecuteAttempts
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	return c
}

func containsDuplicate(err error) bool {
	return err != nil && (errors.Is(err, store.ErrDuplicate) || strings.Contains(strings.ToLower(err.Error()), "duplicate"))
}

// Client is what the subscriber needs of the chain client (*chain.Client).
type Client interface {
	BlockNumber(ctx context.Context) (uint64, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
	SubscribeFilterLogs(ctx context.Context, q ethereum.FilterQuery, ch chan<- types.Log) (ethereum.Subscription, error)
	Connected() bool
	Subscribe() (<-chan chain.Event, func())
}

// JobStore lists the jobs to watch at start (*store.Store).
type JobStore interface {
	ActiveJobSpecsByInitiatorType(ctx context.Context, typ string) ([]models.JobSpec, error)
}

// CursorStore persists, per contract address, the last block whose logs
// were all handled, so a restart backfills from the next one.
type CursorStore interface {
	// LastProcessedBlock returns the address's cursor, false when none
	// was ever set.
	LastProcessedBlock(ctx context.Context, addr common.Address) (uint64, bool, error)
	// SetLastProcessedBlock sets the cursor; it may move backwards (after
	// a reorg).
	SetLastProcessedBlock(ctx context.Context, addr common.Address, block uint64) error
}

// ErrLogWaits is what an executor's error wraps to say that a log cannot
// be decided yet, without failing: a request moved by a reorg whose
// earlier run has not finished answering. The watcher keeps such a log,
// holds its cursor below the log's block (a restart backfills it), goes on
// with the logs after it, and hands it over again every RetryBackoff until
// the executor decides.
var ErrLogWaits = errors.New("the log waits for an earlier run of its request")

// RunExecutor starts runs (core/services' run lifecycle). ExecuteJobFromLog
// saves the run of job for the log described by req (for an ethlog job
// only the block hash, tx hash and log index are set) with input, and
// returns once it is saved. It returns nil for a log it decides to ignore
// (a payment too small); an error that IsDuplicate recognises when a run
// already exists for the log; one wrapping ErrLogWaits when the log must
// wait; any other error means "try again later". CancelRunsForLog cancels the runs started by a log a reorg removed.
type RunExecutor interface {
	ExecuteJobFromLog(ctx context.Context, job *models.JobSpec, initr models.Initiator, req *models.RunRequest, input models.JSON) (*models.JobRun, error)
	CancelRunsForLog(ctx context.Context, blockHash, txHash common.Hash, logIndex uint) error
}

// LogRun is one run a log asks for: a job's log initiator matched it. Its
// fields are ExecuteJobFromLog's arguments.
type LogRun struct {
	Job       *models.JobSpec
	Initiator models.Initiator
	Request   *models.RunRequest
	Input     models.JSON
}

// LogRunResult is what ExecuteJobFromLog would have returned for one
// LogRun: the saved run, nil when the log was ignored, or an error
// (IsDuplicate: the log already has its run; any other: try again later).
type LogRunResult struct {
	Run *models.JobRun
	Err error
}

// BatchRunExecutor is a RunExecutor that saves the runs of many logs at
// once, so a burst of requests costs one database transaction instead of
// one each. ExecuteJobsFromLogs returns one result per LogRun, in order;
// its runs start in that order. A watcher whose executor is not one hands
// logs over one at a time.
type BatchRunExecutor interface {
	RunExecutor
	ExecuteJobsFromLogs(ctx context.Context, runs []LogRun) []LogRunResult
}

// Subscriber is the JobSubscriber. Build it with New.
type Subscriber struct {
	lifecycle.Base
	cfg      Config
	client   Client
	jobs     JobStore
	cursors  CursorStore
	executor RunExecutor
	lggr     *slog.Logger

	mu      sync.Mutex
	closing bool
	// loaded is set once Start has loaded the jobs and started their
	// watchers; until then AddJob only adds a job's entries.
	loaded   bool
	entries  map[common.Address][]entry // by watched address
	watchers map[common.Address]*watcher
	removed  map[string]struct{} // job IDs removed while Start's loading may still add them
}

var (
	_ lifecycle.Service       = (*Subscriber)(nil)
	_ lifecycle.HealthChecker = (*Subscriber)(nil)
	_ Client                  = (*chain.Client)(nil)
	_ JobStore                = (*store.Store)(nil)
	_ CursorStore             = (*store.Store)(nil)
)

// New returns a subscriber; it watches nothing until Start.
func New(cfg Config, client Client, jobs JobStore, cursors CursorStore, executor RunExecutor, lggr *slog.Logger) (*Subscriber, error) {
	switch {
	case client == nil:
		return nil, errors.New("new subscriber: chain client is nil")
	case jobs == nil:
		return nil, errors.New("new subscriber: job store is nil")
	case cursors == nil:
		return nil, errors.New("new subscriber: cursor store is nil")
	case executor == nil:
		return nil, errors.New("new subscriber: run executor is nil")
	case lggr == nil:
		return nil, errors.New("new subscriber: logger is nil")
	}
	s := &Subscriber{
		cfg:      cfg.withDefaults(),
		client:   client,
		jobs:     jobs,
		cursors:  cursors,
		executor: executor,
		entries:  make(map[common.Address][]entry),
		watchers: make(map[common.Address]*watcher),
		removed:  make(map[string]struct{}),
	}
	s.lggr = lggr.With("service", s.Name())
	return s, nil
}

// Name names the service in logs and /health.
func (s *Subscriber) Name() string { return "JobSubscriber" }

// Start loads the active runlog and ethlog jobs in the background and
// watches their addresses. It does not block on the store or the chain.
func (s *Subscriber) Start(_ context.Context) error {
	return s.StartOnce(func() error {
		s.Go(s.load)
		return nil
	})
}

// Close stops every watcher and waits for them. Safe before Start.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	return s.CloseOnce(nil)
}

// Healthy is nil unless a watcher's last attempt to subscribe or backfill
// failed.
func (s *Subscriber) Healthy() error {
	s.mu.Lock()
	ws := make([]*watcher, 0, len(s.watchers))
	for _, w := range s.watchers {
		ws = append(ws, w)
	}
	s.mu.Unlock()
	var errs []error
	for _, w := range ws {
		if err := w.lastError(); err != nil {
			errs = append(errs, fmt.Errorf("watching %s: %w", w.addr, err))
		}
	}
	return errors.Join(errs...)
}

// Addresses returns the watched contract addresses, sorted.
func (s *Subscriber) Addresses() []common.Address {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]common.Address, 0, len(s.entries))
	for a := range s.entries {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b common.Address) int { return a.Cmp(b) })
	return out
}

// AddJob watches the addresses of the job's runlog and ethlog initiators,
// replacing what an earlier AddJob of the same job registered. Jobs
// without such initiators, and archived jobs, are ignored. A runlog
// initiator without an address when Config.DefaultOracle is unset, or
// with params that do not decode, is an error and nothing is added.
func (s *Subscriber) AddJob(job *models.JobSpec) error {
	if job == nil {
		return errors.New("adding job: job is nil")
	}
	return s.addJob(job, false)
}

func (s *Subscriber) addJob(job *models.JobSpec, fromLoad bool) error {
	if job.Archived() {
		return nil
	}
	es, err := entriesFor(job, s.cfg.DefaultOracle)
	if err != nil {
		return fmt.Errorf("adding job %s: %w", job.ID, err)
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return fmt.Errorf("adding job %s: %w", job.ID, lifecycle.ErrClosed)
	}
	if fromLoad {
		if _, gone := s.removed[job.ID]; gone {
			s.mu.Unlock()
			return nil
		}
	} else {
		delete(s.removed, job.ID)
	}
	emptied := s.dropJobLocked(job.ID)
	for _, e := range es {
		s.entries[e.address] = append(s.entries[e.address], e)
		if s.loaded {
			s.ensureWatcherLocked(e.address)
		}
		s.lggr.Info("watching address for job", "job_id", job.ID, "initiator", e.initr.Type, "address", e.address)
	}
	stopped := s.stopEmptyLocked(emptied)
	s.mu.Unlock()
	for _, w := range stopped {
		w.stopAndWait()
	}
	return nil
}

// RemoveJob stops watching for the job (archived or deleted); addresses
// no other job watches are dropped, and their watchers have stopped when
// it returns.
func (s *Subscriber) RemoveJob(jobID string) {
	s.mu.Lock()
	if !s.loaded {
		s.removed[jobID] = struct{}{}
	}
	stopped := s.stopEmptyLocked(s.dropJobLocked(jobID))
	s.mu.Unlock()
	for _, w := range stopped {
		w.stopAndWait()
	}
}

// dropJobLocked removes the job's entries and returns the addresses it
// left without any.
func (s *Subscriber) dropJobLocked(jobID string) []common.Address {
	var emptied []common.Address
	for addr, es := range s.entries {
		kept := slices.DeleteFunc(slices.Clone(es), func(e entry) bool { return e.job.ID == jobID })
		switch {
		case len(kept) == len(es):
		case len(kept) > 0:
			s.entries[addr] = kept
		default:
			delete(s.entries, addr)
			emptied = append(emptied, addr)
		}
	}
	return emptied
}

// stopEmptyLocked takes out of the map the watchers of those addresses
// that still have no entries; the caller stops them after unlocking.
func (s *Subscriber) stopEmptyLocked(addrs []common.Address) []*watcher {
	var stopped []*watcher
	for _, addr := range addrs {
		if len(s.entries[addr]) > 0 {
			continue
		}
		if w, ok := s.watchers[addr]; ok {
			delete(s.watchers, addr)
			stopped = append(stopped, w)
			s.lggr.Info("stopped watching address", "address", addr)
		}
	}
	return stopped
}

// ensureWatcherLocked starts the address's watcher unless it runs.
func (s *Subscriber) ensureWatcherLocked(addr common.Address) {
	if _, ok := s.watchers[addr]; ok || s.closing {
		return
	}
	w := newWatcher(s, addr)
	s.watchers[addr] = w
	s.Go(w.run)
}

// entriesOf returns a snapshot of the entries watching addr.
func (s *Subscriber) entriesOf(addr common.Address) []entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.entries[addr])
}

// load adds the active runlog and ethlog jobs, retrying while the store
// fails, then starts the watchers. Not before: a watcher started with an
// address's first job would backfill, and move the cursor past, the logs
// of the blocks mined while the node was down before the address's other
// jobs were added, and those jobs would never see them.
func (s *Subscriber) load(ctx context.Context) {
	if !s.loadJobs(ctx) {
		return // closing
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loaded = true
	clear(s.removed)
	for addr := range s.entries {
		s.ensureWatcherLocked(addr)
	}
}

// loadJobs adds the active runlog and ethlog jobs; false when the
// subscriber closed first.
func (s *Subscriber) loadJobs(ctx context.Context) bool {
	for _, typ := range []string{models.InitiatorRunLog, models.InitiatorEthLog} {
		var jobs []models.JobSpec
		err := retry(ctx, s.cfg.RetryBackoff, s.cfg.MaxRetryBackoff, func() error {
			var err error
			jobs, err = s.jobs.ActiveJobSpecsByInitiatorType(ctx, typ)
			if err != nil {
				s.lggr.Warn("loading jobs failed, retrying", "initiator", typ, "err", err)
			}
			return err
		})
		if err != nil {
			return false
		}
		for i := range jobs {
			if err := s.addJob(&jobs[i], true); err != nil {
				s.lggr.Error("cannot watch job", "job_id", jobs[i].ID, "err", err)
			}
		}
	}
	return true
}

// retry calls fn until it succeeds or ctx ends, waiting between calls
// with a doubling backoff.
func retry(ctx context.Context, first, most time.Duration, fn func() error) error {
	wait := first
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if !sleepCtx(ctx, wait) {
			return ctx.Err()
		}
		wait = min(2*wait, most)
	}
}

// sleepCtx waits d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
