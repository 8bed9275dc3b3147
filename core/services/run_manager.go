package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/services/scheduler"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// RunConfig tunes the run lifecycle.
type RunConfig struct {
	// MinIncomingConfirmations is how deep a request log must be before
	// its run starts (MIN_INCOMING_CONFIRMATIONS); a task's own
	// confirmations, or its bridge's, raise it for that task.
	MinIncomingConfirmations uint32
	// MinimumContractPayment is the least a runlog request must pay, in
	// juels (MINIMUM_CONTRACT_PAYMENT); nil is zero.
	MinimumContractPayment *big.Int
	// Runner configures the JobRunner's workers and retries.
	Runner runner.Config
}

// HeaderReader reads canonical headers (*chain.Client, or a simulated
// chain's client).
type HeaderReader interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
}

// RunDeps are the run lifecycle's collaborators. Chain may be nil (no
// chain configured): the canonical check of a request log's block is then
// skipped.
type RunDeps struct {
	Store    *store.Store
	Adapters runner.Adapters // *adapters.Registry
	Chain    HeaderReader
	Logger   *slog.Logger
}

// RunManager is the run lifecycle: it creates runs (NewRun, ExecuteJob and
// the per-initiator entry points) and resumes paused ones
// (ResumePendingTask, ResumeConfirmingTasks, ResumeConnectingTask,
// QueueSleepingTask). It owns the JobRunner that executes them.
type RunManager struct {
	cfg    RunConfig
	store  *store.Store
	chain  HeaderReader
	runner *runner.JobRunner
	lggr   *slog.Logger
	now    func() time.Time
	// builtins are the built-in task types: a task of any other type
	// names a bridge.
	builtins map[string]struct{}

	mu         sync.Mutex
	finalTxs   map[string]struct{} // task runs whose tx the TxManager reported final
	scanAll    bool                // the next pass looks at every run waiting on a final tx
	passFaults int                 // failed passes in a row
	passRetry  *time.Timer
}

// NewRunManager builds the run lifecycle and its JobRunner. Start and
// stop the runner (Runner()) as a service, and subscribe it to the head
// tracker.
func NewRunManager(cfg RunConfig, deps RunDeps) (*RunManager, error) {
	if deps.Store == nil || deps.Adapters == nil {
		return nil, errors.New("creating run manager: store and adapters are required")
	}
	lggr := deps.Logger
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	rm := &RunManager{cfg: cfg, store: deps.Store, chain: deps.Chain, lggr: lggr.With("service", "RunManager"), now: cfg.Runner.Now,
		finalTxs: map[string]struct{}{}, scanAll: true, builtins: map[string]struct{}{}}
	for _, name := range adapters.NewRegistry(adapters.Deps{}).Names() {
		rm.builtins[name] = struct{}{}
	}
	if rm.now == nil {
		rm.now = time.Now
	}
	r, err := runner.New(cfg.Runner, runner.Deps{Store: deps.Store, Adapters: deps.Adapters, Hooks: rm}, lggr)
	if err != nil {
		return nil, err
	}
	rm.runner = r
	return rm, nil
}

// Runner returns the JobRunner: a lifecycle.Service for the Application
// and a head-tracker subscriber.
func (rm *RunManager) Runner() *runner.JobRunner { return rm.runner }

// NewRun builds, without saving, a run of job started by initr with input
// (a JSON object or null) and the request that started it (nil for runs
// not started by a log). Task runs are unstarted and each carries the
// incoming confirmations it needs: the highest of MinIncomingConfirmations,
// the task's own and its bridge's.
func (rm *RunManager) NewRun(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON, req *models.RunRequest) (*models.JobRun, error) {
	return rm.newRun(ctx, job, initr, input, req, rm.bridgeOf)
}

// bridgeLookup finds the bridge a task type names (RunManager.bridgeOf,
// or a batch's memo of it).
type bridgeLookup func(ctx context.Context, typ string) (*models.BridgeType, error)

func (rm *RunManager) newRun(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON, req *models.RunRequest, bridgeOf bridgeLookup) (*models.JobRun, error) {
	if job == nil {
		return nil, errors.New("new run: no job")
	}
	now := rm.now()
	switch {
	case job.Archived():
		return nil, fmt.Errorf("job %s: %w", job.ID, ErrJobArchived)
	case job.StartAt != nil && now.Before(*job.StartAt):
		return nil, fmt.Errorf("job %s starts at %s: %w", job.ID, job.StartAt.UTC().Format(time.RFC3339), ErrJobNotActive)
	case job.EndAt != nil && now.After(*job.EndAt):
		return nil, fmt.Errorf("job %s ended at %s: %w", job.ID, job.EndAt.UTC().Format(time.RFC3339), ErrJobNotActive)
	case len(job.Tasks) == 0:
		return nil, fmt.Errorf("job %s has no tasks", job.ID)
	}
	if !input.IsNull() {
		if _, err := models.JSONObject(input); err != nil {
			return nil, fmt.Errorf("run input must be a JSON object: %w", err)
		}
	}
	if req == nil {
		req = &models.RunRequest{}
	} else {
		cp := *req // the caller may retry with the same request
		cp.ID = 0
		req = &cp
	}
	if !input.IsNull() || req.RequestParams.IsNull() {
		req.RequestParams = input
	}
	if req.RequestParams.IsNull() {
		req.RequestParams = models.JSON(`{}`)
	}
	run := &models.JobRun{
		ID:            models.NewRunID(),
		JobSpecID:     job.ID,
		InitiatorID:   initr.ID,
		InitiatorType: initr.Type,
		Status:        models.RunStatusUnstarted,
		RunRequest:    req,
		Payment:       req.Payment,
	}
	if req.BlockNumber != nil {
		creation := new(big.Int).SetUint64(*req.BlockNumber)
		run.CreationHeight = models.NewBig(creation)
		observed := creation
		if h := rm.runner.LatestHead(); h != nil && h.Number > creation.Int64() {
			observed = big.NewInt(h.Number)
		}
		run.ObservedHeight = models.NewBig(observed)
	}
	for i, task := range job.Tasks {
		need := rm.cfg.MinIncomingConfirmations
		if task.Confirmations != nil {
			need = max(need, *task.Confirmations)
		}
		typ := strings.ToLower(task.Type)
		if bt, err := bridgeOf(ctx, typ); err != nil {
			return nil, err
		} else if bt != nil {
			need = max(need, bt.Confirmations)
		}
		run.TaskRuns = append(run.TaskRuns, models.TaskRun{
			ID:                               models.NewRunID(),
			TaskSpecID:                       task.ID,
			Index:                            i,
			Type:                             typ,
			Status:                           models.RunStatusUnstarted,
			MinRequiredIncomingConfirmations: need,
		})
	}
	return run, nil
}

// bridgeOf returns the bridge a task type names, nil for built-ins
// (without a database lookup) and unknown types.
func (rm *RunManager) bridgeOf(ctx context.Context, typ string) (*models.BridgeType, error) {
	if _, builtin := rm.builtins[strings.ToLower(typ)]; builtin {
		return nil, nil
	}
	bt, err := rm.store.FindBridge(ctx, typ)
	if err != nil {
		return nil, fmt.Errorf("looking up bridge %s: %w", typ, err)
	}
	return bt, nil
}

// ExecuteJob builds a run (NewRun), saves it and queues it. A run started
// by a log that is not yet deep enough is saved in
// pending_incoming_confirmations and starts when new heads bring it deep
// enough. A request for a log already acted on gives ErrDuplicateLog.
func (rm *RunManager) ExecuteJob(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON, req *models.RunRequest) (*models.JobRun, error) {
	run, err := rm.prepareRun(ctx, job, initr, input, req, rm.bridgeOf)
	if err != nil {
		return nil, err
	}
	// Held from before the insert to the hand-over: a worker that takes
	// the run meanwhile (the start's recovery found it) waits for the
	// copy instead of performing it from the database too.
	unlock, err := rm.runner.LockRun(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := rm.store.CreateJobRun(ctx, run); err != nil {
		if errors.Is(err, store.ErrDuplicate) && run.RunRequest.BlockHash != nil {
			return nil, fmt.Errorf("job %s, log %s/%d: %w", job.ID, run.RunRequest.TxHash.Hex(), derefUint(run.RunRequest.LogIndex), ErrDuplicateLog)
		}
		return nil, err
	}
	rm.runSaved(run, job)
	return run, nil
}

// prepareRun is NewRun for ExecuteJob: a run whose log is not yet deep
// enough for its first task waits in pending_incoming_confirmations.
func (rm *RunManager) prepareRun(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON, req *models.RunRequest, bridgeOf bridgeLookup) (*models.JobRun, error) {
	run, err := rm.newRun(ctx, job, initr, input, req, bridgeOf)
	if err != nil {
		return nil, err
	}
	if first := &run.TaskRuns[0]; run.CreationHeight != nil && runner.Confirmations(run) < first.MinRequiredIncomingConfirmations {
		run.Status, first.Status = models.RunStatusPendingIncomingConfirmations, models.RunStatusPendingIncomingConfirmations
		first.Confirmations = runner.Confirmations(run)
	}
	return run, nil
}

// runSaved logs a run just created and queues it unless it waits.
func (rm *RunManager) runSaved(run *models.JobRun, job *models.JobSpec) {
	level := slog.LevelInfo
	if run.RunRequest != nil && run.RunRequest.TxHash != nil {
		// The log subscriber says "started run for log" at Info, with the
		// log's coordinates: one line per request is enough under a burst.
		level = slog.LevelDebug
	}
	rm.lggr.Log(context.Background(), level, "run created", "run_id", run.ID, "job_id", job.ID, "initiator", run.InitiatorType, "status", run.Status)
	if run.Status == models.RunStatusUnstarted {
		rm.queueRun(run, job)
	}
}

// queueRun hands a run just saved, and its job, to the JobRunner in
// memory, so its worker does not load them back from the database.
func (rm *RunManager) queueRun(run *models.JobRun, job *models.JobSpec) {
	rm.runner.EnqueueRun(run, job)
}

func derefUint(p *uint) uint {
	if p == nil {
		return 0
	}
	return *p
}

// ExecuteJobFromWeb starts a run of the job's web initiator with input,
// for an authenticated API call. It fails with store.ErrNotFound for an
// unknown job and ErrNoInitiator for a job without a web initiator.
func (rm *RunManager) ExecuteJobFromWeb(ctx context.Context, jobID string, input models.JSON) (*models.JobRun, error) {
	return rm.executeByInitiator(ctx, jobID, input, func(in models.Initiator) bool {
		return in.Type == models.InitiatorWeb
	}, "web")
}

// ExecuteJobFromExternal starts a run of the job's external initiator
// named initiatorName (case-insensitive) with input.
func (rm *RunManager) ExecuteJobFromExternal(ctx context.Context, jobID, initiatorName string, input models.JSON) (*models.JobRun, error) {
	return rm.executeByInitiator(ctx, jobID, input, func(in models.Initiator) bool {
		if in.Type != models.InitiatorExternal {
			return false
		}
		p, err := in.DecodeParams()
		return err == nil && strings.EqualFold(p.Name, initiatorName)
	}, "external "+initiatorName)
}

func (rm *RunManager) executeByInitiator(ctx context.Context, jobID string, input models.JSON, match func(models.Initiator) bool, what string) (*models.JobRun, error) {
	job, err := rm.store.FindJobSpec(ctx, jobID)
	if err != nil {
		return nil, err
	}
	for _, in := range job.Initiators {
		if match(in) {
			return rm.ExecuteJob(ctx, job, in, input, nil)
		}
	}
	return nil, fmt.Errorf("job %s has no %s initiator: %w", jobID, what, ErrNoInitiator)
}

// ExecuteJobFromLog starts the run of job for a log, as the log
// subscriber asks. req carries the log's block number and hash, tx hash
// and log index and, for a runlog request, the OracleRequest's fields;
// input (the request's CBOR parameters, or an ethlog's fields) becomes the
// run's input and sits under each task's params. It returns (nil, nil) for
// a log it ignores, after logging why: a payment below the minimum
// (MinimumContractPayment, the job's minPayment, plus the bridges'
// minimum payments), a requester not on the initiator's allow-list, or a
// job that is archived or outside its startAt/endAt. A log that already
// has its run gives an error wrapping ErrDuplicateLog (and
// store.ErrDuplicate); a request moved by a reorg whose run has not
// decided yet gives ErrRequestUndecided (see requestHasRun).
func (rm *RunManager) ExecuteJobFromLog(ctx context.Context, job *models.JobSpec, initr models.Initiator, req *models.RunRequest, input models.JSON) (*models.JobRun, error) {
	if job == nil || req == nil {
		return nil, errors.New("run from log: job and request are required")
	}
	lggr := rm.logLogger(job, initr, req)
	if ok, err := rm.logAccepted(ctx, job, initr, req, lggr, rm.bridgeOf); err != nil || !ok {
		return nil, err
	}
	if req.RequestID != nil {
		live, err := rm.store.RequestsWithLiveRuns(ctx, job.ID, []common.Hash{*req.RequestID})
		if err != nil {
			return nil, err
		}
		if held, ok := live[*req.RequestID]; ok {
			if err := requestHasRun(job, req, held); err != nil {
				return nil, err
			}
			logMovedWithNewCommitment(lggr, req, held)
		}
	}
	run, err := rm.ExecuteJob(ctx, job, initr, input, req)
	if inactiveJob(err) {
		lggr.Warn("ignoring log", "err", err)
		return nil, nil
	}
	return run, err
}

// logLogger is the logger of one log's run: its job, initiator, tx hash
// and block.
func (rm *RunManager) logLogger(job *models.JobSpec, initr models.Initiator, req *models.RunRequest) *slog.Logger {
	lggr := rm.lggr.With("job_id", job.ID, "initiator", initr.Type)
	if req.TxHash != nil {
		lggr = lggr.With("tx_hash", req.TxHash.Hex())
	}
	if req.BlockNumber != nil {
		lggr = lggr.With("block_number", *req.BlockNumber)
	}
	return lggr
}

// logAccepted reports whether a log may start a run of job: a runlog
// request must pay enough and come from a requester on the initiator's
// allow-list. A refusal is logged.
func (rm *RunManager) logAccepted(ctx context.Context, job *models.JobSpec, initr models.Initiator, req *models.RunRequest, lggr *slog.Logger, bridgeOf bridgeLookup) (bool, error) {
	if initr.Type != models.InitiatorRunLog {
		return true, nil
	}
	ok, err := rm.paymentAccepted(ctx, job, req, lggr, bridgeOf)
	if err != nil || !ok {
		return false, err
	}
	if p, err := initr.DecodeParams(); err == nil && len(p.Requesters) > 0 {
		if req.Requester == nil || !slices.Contains(p.Requesters, *req.Requester) {
			lggr.Warn("ignoring request from a requester not on the job's allow-list", "requester", req.Requester)
			return false, nil
		}
	}
	return true, nil
}

// inactiveJob reports whether err says the job takes no runs now
// (archived, or outside its startAt/endAt): a log for it is ignored.
func inactiveJob(err error) bool {
	return errors.Is(err, ErrJobArchived) || errors.Is(err, ErrJobNotActive)
}

// requestHasRun is the error for a request log whose request already has
// a live run, held: the same log delivered again, or the same request in
// another block after a reorg. For a moved log, a run still waiting for
// its own log's confirmations (a reorg took that log), or whose answer is
// sent but not final (it reverts if it reached the chain while the
// request was off it), decides nothing yet: the log waits for it
// (ErrRequestUndecided). Otherwise the run stands (ErrDuplicateLog): its
// answer is confirmed, or it has none yet and will send it with the
// request back on chain.
//
// It returns nil for a moved log whose parameters differ from the held
// run's (movedWithNewCommitment): the held run can never answer it, so
// the log needs a run of its own.
func requestHasRun(job *models.JobSpec, req *models.RunRequest, held store.RequestRun) error {
	if movedWithNewCommitment(req, held) {
		return nil
	}
	reason := ErrDuplicateLog
	undecided := held.Status == models.RunStatusPendingIncomingConfirmations ||
		held.AnswerState == models.TxStateUnconfirmed || held.AnswerState == models.TxStateMined
	if undecided && !held.SameLog(req.BlockHash, req.TxHash, req.LogIndex) {
		reason = ErrRequestUndecided
	}
	return fmt.Errorf("job %s, request %s (log %s/%d) has its run already (%s): %w",
		job.ID, req.RequestID.Hex(), req.TxHash.Hex(), derefUint(req.LogIndex), held.Status, reason)
}

// movedWithNewCommitment reports whether req is its request's log in
// another block than held's, with other parameters: the Oracle contract
// stores the request with the new block's expiration, and held's answer,
// built for the old log, reverts against it ("params do not match
// request ID") whether it is confirmed (a reorg took it out, and the
// TxManager sends it again), in flight, or not sent yet. Dropping the log
// as held's duplicate would leave the request without an answer.
func movedWithNewCommitment(req *models.RunRequest, held store.RequestRun) bool {
	return !held.SameLog(req.BlockHash, req.TxHash, req.LogIndex) && store.CommitmentOf(req) != held.Commitment
}

// logMovedWithNewCommitment logs why a request that has a run gets
// another one (see movedWithNewCommitment).
func logMovedWithNewCommitment(lggr *slog.Logger, req *models.RunRequest, held store.RequestRun) {
	lggr.Warn("request log moved by a reorg with new parameters: the earlier run's answer cannot fulfil it, starting a run for it",
		"request_id", req.RequestID.Hex(), "earlier_run_status", held.Status, "earlier_answer_state", held.AnswerState,
		"earlier_tx_hash", held.TxHash.Hex(), "earlier_expiration", held.Commitment.CancelExpiration,
		"expiration", store.CommitmentOf(req).CancelExpiration)
}

// paymentAccepted reports whether a runlog request pays enough.
func (rm *RunManager) paymentAccepted(ctx context.Context, job *models.JobSpec, req *models.RunRequest, lggr *slog.Logger, bridgeOf bridgeLookup) (bool, error) {
	need := new(big.Int)
	if rm.cfg.MinimumContractPayment != nil {
		need.Set(rm.cfg.MinimumContractPayment)
	}
	if job.MinPayment != nil {
		if jm, ok := new(big.Int).SetString(strings.TrimSpace(*job.MinPayment), 10); ok && jm.Cmp(need) > 0 {
			need = jm
		}
	}
	for _, task := range job.Tasks {
		bt, err := bridgeOf(ctx, strings.ToLower(task.Type))
		if err != nil {
			return false, err
		}
		if bt != nil && bt.MinimumContractPayment != nil {
			if fee, ok := new(big.Int).SetString(*bt.MinimumContractPayment, 10); ok {
				need.Add(need, fee)
			}
		}
	}
	paid := req.Payment.ToInt()
	if paid == nil {
		paid = new(big.Int)
	}
	if paid.Cmp(need) < 0 {
		lggr.Warn("ignoring request: payment below the minimum", "payment", paid.String(), "minimum", need.String())
		return false, nil
	}
	return true, nil
}

// CancelRunsForLog cancels the runs started by a log that a reorg
// removed. A run that has already sent its answer (its ethtx task is
// pending_outgoing_confirmations or completed) is left to the TxManager and
// logged; every other unfinished run is cancelled, so it never answers.
func (rm *RunManager) CancelRunsForLog(ctx context.Context, blockHash, txHash common.Hash, logIndex uint) error {
	runs, err := rm.store.JobRunsForLog(ctx, blockHash, txHash, logIndex)
	if err != nil {
		return err
	}
	var errs []error
	for i := range runs {
		run := &runs[i]
		if run.Status.Finished() {
			continue
		}
		if answered(run) {
			rm.lggr.Warn("log removed by a reorg, but its run already sent its answer", "run_id", run.ID, "job_id", run.JobSpecID)
			continue
		}
		if err := rm.runner.CancelRun(ctx, run.ID); err != nil && !errors.Is(err, store.ErrRunFinished) {
			errs = append(errs, err)
			continue
		}
		rm.lggr.Info("cancelled run of a log removed by a reorg", "run_id", run.ID, "job_id", run.JobSpecID)
	}
	return errors.Join(errs...)
}

// answered reports whether a run's ethtx has sent its transaction.
func answered(run *models.JobRun) bool {
	for _, tr := range run.TaskRuns {
		if tr.Type == adapters.TypeEthTx &&
			(tr.Status == models.RunStatusPendingOutgoingConfirmations || tr.Status == models.RunStatusCompleted) {
			return true
		}
	}
	return false
}

// CancelRun cancels a run (PUT /v2/runs/:id/cancellation). It returns an
// error wrapping store.ErrNotFound for an unknown run and
// store.ErrRunFinished for a finished one.
func (rm *RunManager) CancelRun(ctx context.Context, runID string) error {
	return rm.runner.CancelRun(ctx, runID)
}

// withRun loads a run under its lock, lets fn change it, and queues it when
// fn says it can go on. fn saves what it changed.
func (rm *RunManager) withRun(ctx context.Context, runID string, fn func(run *models.JobRun) (queue bool, err error)) error {
	unlock, err := rm.runner.LockRun(ctx, runID)
	if err != nil {
		return err
	}
	run, err := rm.store.FindJobRun(ctx, runID)
	if err != nil {
		unlock()
		return err
	}
	queue, err := fn(run)
	if queue {
		// The worker goes on from the run in memory instead of loading it
		// back; it is queued on unlock.
		rm.runner.EnqueueRun(run, nil)
	}
	unlock()
	return err
}

// pendingTask returns the run's task run paused in status, or nil.
func pendingTask(run *models.JobRun, status models.RunStatus) *models.TaskRun {
	tr := run.NextTaskRun()
	if run.Status != status || tr == nil || tr.Status != status {
		return nil
	}
	return tr
}

// ResumeBridgeRun takes an external adapter's answer to a run paused in
// pending_bridge (PATCH /v2/runs/:id). incomingToken must be the incoming
// token of the bridge the run waits for (ErrBridgeUnauthorized otherwise).
// A run that is not pending a bridge gives ErrRunNotPending; an unknown
// one store.ErrNotFound.
func (rm *RunManager) ResumeBridgeRun(ctx context.Context, runID, incomingToken string, data models.JSON, errMsg string) error {
	return rm.withRun(ctx, runID, func(run *models.JobRun) (bool, error) {
		tr := pendingTask(run, models.RunStatusPendingBridge)
		if tr == nil {
			return false, fmt.Errorf("run %s is %s: %w", runID, run.Status, ErrRunNotPending)
		}
		bt, err := rm.store.FindBridge(ctx, tr.Type)
		if err != nil {
			return false, err
		}
		if bt == nil || !bt.IncomingTokenMatches(incomingToken) {
			return false, fmt.Errorf("run %s: %w", runID, ErrBridgeUnauthorized)
		}
		return rm.ResumePendingTask(ctx, run, data, errMsg)
	})
}

// ResumePendingTask resumes a run paused in pending_bridge with the
// bridge's data (merged into the data the task paused with) or errors it
// with errMsg. The caller holds the run's lock (see ResumeBridgeRun); it
// reports whether the run should be queued.
func (rm *RunManager) ResumePendingTask(ctx context.Context, run *models.JobRun, data models.JSON, errMsg string) (bool, error) {
	tr := pendingTask(run, models.RunStatusPendingBridge)
	if tr == nil {
		return false, fmt.Errorf("run %s is %s: %w", run.ID, run.Status, ErrRunNotPending)
	}
	if errMsg != "" {
		rm.errorTask(run, tr, fmt.Sprintf("bridge %s: %s", tr.Type, errMsg))
		return false, rm.store.SaveJobRunStep(ctx, run, tr)
	}
	var paused models.JSON
	if tr.Result != nil {
		paused = tr.Result.Data
	}
	if !data.IsNull() {
		merged, err := models.MergeJSON(paused, data)
		if err != nil {
			return false, fmt.Errorf("bridge data for run %s must be a JSON object: %w", run.ID, err)
		}
		paused = merged
	}
	if tr.Result == nil {
		tr.Result = &models.RunResult{}
	}
	tr.Result.Data, tr.Result.Status = paused, models.RunStatusPendingBridge
	run.Status = models.RunStatusInProgress
	if err := rm.store.SaveJobRunStep(ctx, run, tr); err != nil {
		return false, err
	}
	rm.lggr.Info("bridge answered; run resumes", "run_id", run.ID, "job_id", run.JobSpecID, "bridge", tr.Type)
	return true, nil
}

// errorTask marks the task and its run errored with msg (not saved).
func (rm *RunManager) errorTask(run *models.JobRun, tr *models.TaskRun, msg string) {
	now := rm.now().UTC()
	tr.Status = models.RunStatusErrored
	if tr.Result == nil {
		tr.Result = &models.RunResult{}
	}
	tr.Result.Status, tr.Result.ErrorMessage = models.RunStatusErrored, &msg
	runMsg := fmt.Sprintf("task %d (%s): %s", tr.Index, tr.Type, msg)
	if run.Result == nil {
		run.Result = &models.RunResult{}
	}
	run.Result.Data, run.Result.Status, run.Result.ErrorMessage = tr.Result.Data, models.RunStatusErrored, &runMsg
	run.Status, run.FinishedAt = models.RunStatusErrored, &now
}

// ResumeConfirmingTasks is called by the JobRunner for every new head (and,
// with a nil head, when poked: the TxManager reported a final transaction,
// the start, a sweep). Its cost does not grow with the runs that keep
// waiting:
//   - on a head, one statement records it for every run waiting on
//     incoming confirmations, and only the runs whose log is now deep
//     enough are loaded and resumed;
//   - only the runs whose transaction the TxManager reported final
//     (OnTxFinal) are loaded and resumed, except on the first pass after
//     a start, a sweep or a fault, which looks for every run waiting on a
//     final transaction (one finalised while the node was down, or whose
//     resume failed).
//
// A fault (say, the database restarting) asks for another full pass after
// a backoff, so no resume is lost.
func (rm *RunManager) ResumeConfirmingTasks(ctx context.Context, head *models.Head) {
	rm.mu.Lock()
	final, all := rm.finalTxs, rm.scanAll
	rm.finalTxs, rm.scanAll = map[string]struct{}{}, false
	rm.mu.Unlock()
	failed := false
	if head == nil && all {
		head = rm.runner.LatestHead()
	}
	if head != nil {
		failed = !rm.resumeDeepEnough(ctx, head)
	}
	var ids []string
	var err error
	switch {
	case all:
		ids, err = rm.store.RunsWithFinalTx(ctx)
	case len(final) > 0:
		ids, err = rm.store.RunsWithFinalTx(ctx, slices.Collect(maps.Keys(final))...)
	}
	if err != nil {
		if ctx.Err() == nil {
			rm.lggr.Error("listing runs whose transaction is final; will try again", "err", err)
		}
		failed = true
	}
	if !rm.resumeOutgoingTasks(ctx, ids) {
		failed = true
	}
	if failed && ctx.Err() == nil {
		rm.retryPass()
		return
	}
	rm.mu.Lock()
	rm.passFaults = 0
	rm.mu.Unlock()
}

// resumeDeepEnough records head for the runs waiting on incoming
// confirmations and resumes those deep enough. It reports whether it all
// went through (a run that did not is found again at the next head).
func (rm *RunManager) resumeDeepEnough(ctx context.Context, head *models.Head) bool {
	waiting, err := rm.store.ObservePendingConfirmations(ctx, head.Number)
	if err != nil {
		if ctx.Err() == nil {
			rm.lggr.Error("recording a head for runs waiting on confirmations", "err", err)
		}
		return false
	}
	if !waiting {
		return true
	}
	ids, err := rm.store.RunsDeepEnough(ctx, head.Number)
	if err != nil {
		if ctx.Err() == nil {
			rm.lggr.Error("listing runs waiting on confirmations", "err", err)
		}
		return false
	}
	ok := true
	for len(ids) > 0 {
		n := min(len(ids), resumeBatch)
		if !rm.resumeIncomingBatch(ctx, ids[:n], head) {
			ok = false
		}
		ids = ids[n:]
	}
	return ok
}

// retryPass asks for a full pass after a backoff that doubles with each
// failed pass in a row.
func (rm *RunManager) retryPass() {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.scanAll = true
	if rm.passRetry != nil {
		return // one is due already
	}
	rm.passFaults++
	wait := rm.passBackoff(rm.passFaults)
	rm.passRetry = time.AfterFunc(wait, func() {
		rm.mu.Lock()
		rm.passRetry = nil
		rm.mu.Unlock()
		rm.runner.Poke()
	})
}

func (rm *RunManager) passBackoff(n int) time.Duration {
	d, top := rm.cfg.Runner.RetryBackoff, rm.cfg.Runner.MaxRetryBackoff
	if d <= 0 {
		d = runner.DefaultRetryBackoff
	}
	if top < d {
		top = max(runner.DefaultMaxRetryBackoff, d)
	}
	for i := 1; i < n && d < top; i++ {
		d *= 2
	}
	return min(d, top)
}

// Sweep makes the next pass look at every run waiting on a final
// transaction (the JobRunner's periodic safety net).
func (rm *RunManager) Sweep() {
	rm.mu.Lock()
	rm.scanAll = true
	rm.mu.Unlock()
}

// resumeIncomingBatch resumes runs waiting in
// pending_incoming_confirmations that RunsDeepEnough found deep enough at
// head. It checks that each log's block is still the canonical block at
// its height (a reorg that the node was not told of, as anvil never sends
// removed logs, cancels the run) and queues the run. The runs are locked,
// loaded and saved together and each block is read once: a burst's
// requests come in a few blocks and are deep enough at the same head, and
// one at a time (five queries and a block read each) they reached the
// workers a few milliseconds apart, each answer then recorded and sent on
// its own. It reports whether every run was handled; the others are found
// again at the next head.
func (rm *RunManager) resumeIncomingBatch(ctx context.Context, ids []string, head *models.Head) bool {
	return rm.withLockedRuns(ctx, ids, "confirmations", rm.store.FindJobRuns, func(runs []*models.JobRun) (queue []*models.JobRun, ok bool) {
		canonical := map[uint64]common.Hash{} // block number: the canonical block's hash
		var resumed []resumedRun
		ok = true
		for _, run := range runs {
			tr := pendingTask(run, models.RunStatusPendingIncomingConfirmations)
			if tr == nil {
				continue // moved on meanwhile
			}
			if run.ObservedHeight == nil || run.ObservedHeight.ToInt().Int64() < head.Number {
				run.ObservedHeight = models.NewBig(big.NewInt(head.Number))
			}
			tr.Confirmations = runner.Confirmations(run)
			if tr.Confirmations < tr.MinRequiredIncomingConfirmations {
				continue // not deep enough after all: the next head looks again
			}
			req := run.RunRequest
			isCanonical := true
			if rm.chain != nil && req != nil && req.BlockHash != nil && req.BlockNumber != nil {
				hash, seen := canonical[*req.BlockNumber]
				if !seen {
					var err error
					if hash, err = rm.canonicalHash(ctx, *req.BlockNumber); err != nil {
						if ctx.Err() == nil {
							rm.lggr.Error("checking the request log's block; will try again", "run_id", run.ID, "err", err)
						}
						ok = false
						continue // tried again at the next head
					}
					canonical[*req.BlockNumber] = hash
				}
				isCanonical = hash == *req.BlockHash
			}
			if !isCanonical {
				rm.lggr.Warn("the request log's block is no longer canonical: cancelling the run", "run_id", run.ID, "job_id", run.JobSpecID,
					"block_number", derefUint64(req.BlockNumber), "block_hash", req.BlockHash.Hex())
				if err := rm.runner.CancelRun(ctx, run.ID); err != nil {
					if ctx.Err() == nil {
						rm.lggr.Error("cancelling run whose request log was reorged out", "run_id", run.ID, "err", err)
					}
					ok = false
				}
				continue
			}
			tr.Status, run.Status = models.RunStatusInProgress, models.RunStatusInProgress
			rm.lggr.Debug("log deep enough; run resumes", "run_id", run.ID, "job_id", run.JobSpecID, "confirmations", tr.Confirmations)
			resumed = append(resumed, resumedRun{run, tr})
		}
		// Saved before the workers take them, in one statement: a run left
		// waiting in the database would be found deep enough again at the
		// next head, and that pass would wait for the run's lock as long as
		// its worker holds it (a slow fetch or bridge).
		queue, saved := rm.saveResumed(ctx, resumed, "its log got deep enough")
		if !saved {
			ok = false
		}
		if len(queue) > 0 {
			rm.lggr.Info("logs deep enough; runs resume", "runs", len(queue), "head", head.Number)
		}
		return queue, ok
	})
}

// resumedRun is a run resumed from a pause (its log deep enough, or its
// answer confirmed), with the task run that resumed.
type resumedRun struct {
	run *models.JobRun
	tr  *models.TaskRun
}

// saveResumed saves the resumed runs' steps in one statement, or, when
// that fails (a run finished meanwhile, say cancelled), one at a time. It
// returns the runs saved, and whether every one was (or was finished).
// why says what resumed them, for the log.
func (rm *RunManager) saveResumed(ctx context.Context, resumed []resumedRun, why string) ([]*models.JobRun, bool) {
	steps := make([]store.RunSteps, len(resumed))
	saved := make([]*models.JobRun, 0, len(resumed))
	for i, r := range resumed {
		steps[i] = store.RunSteps{Run: r.run, TaskRuns: []*models.TaskRun{r.tr}}
		saved = append(saved, r.run)
	}
	if rm.store.SaveRunsSteps(ctx, steps) == nil {
		return saved, true
	}
	ok := true
	saved = saved[:0]
	for _, r := range resumed {
		err := rm.store.SaveJobRunStep(ctx, r.run, r.tr)
		switch {
		case err == nil:
			saved = append(saved, r.run)
		case errors.Is(err, store.ErrRunFinished):
			rm.lggr.Debug("run finished elsewhere (cancelled) while "+why, "run_id", r.run.ID)
		default:
			if ctx.Err() == nil {
				rm.lggr.Error("saving run resumed as "+why+"; will try again", "run_id", r.run.ID, "err", err)
			}
			ok = false
		}
	}
	return saved, ok
}

func derefUint64(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

// canonicalHash returns the hash of the canonical block at number.
func (rm *RunManager) canonicalHash(ctx context.Context, number uint64) (common.Hash, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h, err := rm.chain.HeaderByNumber(cctx, new(big.Int).SetUint64(number))
	if err != nil {
		return common.Hash{}, fmt.Errorf("reading block %d to check the request log: %w", number, err)
	}
	return h.Hash(), nil
}

// resumeBatch bounds the runs resumeOutgoingTasks loads and locks at once.
const resumeBatch = 200

// resumeOutgoingTasks looks at the transactions of runs waiting in
// pending_outgoing_confirmations: once one is confirmed, its ethtx task
// completes (its result is the transaction hash) and the run goes on, or
// completes there when the answer was its last task; once reverted, the
// task and run error with the revert reason. Each
// batch of runs is locked, then loaded with their transactions in a fixed
// number of queries (a burst's answers are confirmed within a few blocks:
// one at a time they took seven queries each). It reports whether every
// run was handled; the runs that were not are found again by the next
// pass.
func (rm *RunManager) resumeOutgoingTasks(ctx context.Context, ids []string) bool {
	ok := true
	for len(ids) > 0 {
		n := min(len(ids), resumeBatch)
		if !rm.resumeOutgoingBatch(ctx, ids[:n]) {
			ok = false
		}
		ids = ids[n:]
	}
	return ok
}

func (rm *RunManager) resumeOutgoingBatch(ctx context.Context, ids []string) bool {
	return rm.withLockedRuns(ctx, ids, "their transaction", rm.findAnsweringRuns, func(runs []*models.JobRun) (queue []*models.JobRun, ok bool) {
		trs := make(map[string]*models.TaskRun, len(runs))
		trIDs := make([]string, 0, len(runs))
		for _, run := range runs {
			if tr := pendingTask(run, models.RunStatusPendingOutgoingConfirmations); tr != nil {
				trs[run.ID] = tr
				trIDs = append(trIDs, tr.ID)
			}
		}
		txs, err := rm.store.TxsByTaskRunIDs(ctx, trIDs)
		if err != nil {
			if ctx.Err() == nil {
				rm.lggr.Error("loading transactions of runs waiting on them; will try again", "runs", len(trIDs), "err", err)
			}
			return nil, false
		}
		ok = true
		var confirmed []resumedRun
		for _, run := range runs {
			tr := trs[run.ID]
			if tr == nil || txs[tr.ID] == nil {
				continue
			}
			done, err := rm.outgoingStep(ctx, run, tr, txs[tr.ID])
			if err != nil {
				if ctx.Err() == nil {
					rm.lggr.Error("resuming run waiting on its transaction; will try again", "run_id", run.ID, "err", err)
				}
				ok = false
			}
			if done {
				confirmed = append(confirmed, resumedRun{run, tr})
			}
		}
		// Saved here, in one statement, not by each worker: a run whose
		// answer ends it (ethtx its last task, as in most jobs) needs no
		// worker at all, and a run left waiting in the database while its
		// worker goes on (a slow task after the answer) would be found
		// again by a full pass, which would wait for the run's lock as long
		// as that task takes, holding up every other run's answer.
		saved, allSaved := rm.saveResumed(ctx, confirmed, "its answer was confirmed")
		if !allSaved {
			ok = false
		}
		for _, run := range saved {
			if run.Status == models.RunStatusCompleted {
				rm.lggr.Info("run completed", "run_id", run.ID, "job_id", run.JobSpecID)
				continue
			}
			queue = append(queue, run)
		}
		return queue, ok
	})
}

// withLockedRuns locks the runs of ids together (a worker that wants one
// of them meanwhile skips it, and it is queued again on unlock), loads
// them with load, and has fn move them on. The runs fn returns go to
// their workers in memory instead of being loaded back, each queued when
// its lock is released, so they must be whole. waiting names what the
// runs wait on, for the log. It reports whether every run was handled.
func (rm *RunManager) withLockedRuns(ctx context.Context, ids []string, waiting string,
	load func(ctx context.Context, ids []string) ([]*models.JobRun, error),
	fn func(runs []*models.JobRun) (queue []*models.JobRun, ok bool)) bool {
	var (
		queue   []*models.JobRun
		unlocks []func()
	)
	defer func() {
		for _, run := range queue {
			rm.runner.EnqueueRun(run, nil)
		}
		for _, unlock := range unlocks {
			unlock()
		}
	}()
	for _, id := range ids {
		unlock, err := rm.runner.LockRun(ctx, id)
		if err != nil {
			return false
		}
		unlocks = append(unlocks, unlock)
	}
	runs, err := load(ctx, ids)
	if err != nil {
		if ctx.Err() == nil {
			rm.lggr.Error("loading runs waiting on "+waiting+"; will try again", "runs", len(ids), "err", err)
		}
		return false
	}
	var ok bool
	queue, ok = fn(runs)
	return ok
}

// findAnsweringRuns loads the runs of ids waiting on their answer's
// confirmation. A run whose answer is its last task (most jobs) is
// loaded with only that task run (store.FindPausedRuns): its answer's
// confirmation completes it there, and a revert errors it, without a
// worker. The others are loaded whole, as a worker goes on with them.
func (rm *RunManager) findAnsweringRuns(ctx context.Context, ids []string) ([]*models.JobRun, error) {
	atLast, others, err := rm.store.FindPausedRuns(ctx, ids, models.RunStatusPendingOutgoingConfirmations)
	if err != nil || len(others) == 0 {
		return atLast, err
	}
	whole, err := rm.store.FindJobRuns(ctx, others)
	if err != nil {
		return nil, err
	}
	return append(atLast, whole...), nil
}

// outgoingStep moves run, whose task tr waits on tx, on by tx's state;
// the run is locked by the caller. A confirmed tx completes tr, and the
// run when tr was its last task; it reports those runs, for the caller to
// save. A reverted one errors the run, saved here.
func (rm *RunManager) outgoingStep(ctx context.Context, run *models.JobRun, tr *models.TaskRun, tx *models.Tx) (confirmed bool, err error) {
	switch tx.State {
	case models.TxStateConfirmed:
		data := models.JSON(nil)
		if tr.Result != nil {
			data = tr.Result.Data
		}
		if tx.Hash != nil {
			if d, err := models.SetJSONKey(data, "result", tx.Hash.Hex()); err == nil {
				data = d
			}
		}
		tr.Status = models.RunStatusCompleted
		tr.Result = &models.RunResult{ID: resultID(tr.Result), Data: data, Status: models.RunStatusCompleted}
		run.Status = models.RunStatusInProgress
		if run.NextTaskRun() == nil {
			runner.Complete(run, rm.now())
		}
		// Debug: the TxManager's "tx final" and the run's "run completed"
		// say it at Info, once per answer each.
		rm.lggr.Debug("answer confirmed", "run_id", run.ID, "job_id", run.JobSpecID, "tx_hash", tx.Hash)
		return true, nil
	case models.TxStateReverted:
		msg := "transaction reverted"
		if tx.Hash != nil {
			msg = fmt.Sprintf("transaction %s reverted", tx.Hash.Hex())
		}
		if tx.RevertReason != nil && *tx.RevertReason != "" {
			msg += ": " + *tx.RevertReason
		}
		rm.errorTask(run, tr, msg)
		return false, rm.store.SaveJobRunStep(ctx, run, tr)
	}
	return false, nil
}

func resultID(r *models.RunResult) int64 {
	if r == nil {
		return 0
	}
	return r.ID
}

// OnTxFinal is the TxManager's final-state callback (register it with
// TxManager.OnTxFinal): it notes the transaction's task run and asks the
// runner for a pass that resumes its run, without blocking the TxManager.
func (rm *RunManager) OnTxFinal(_ context.Context, tx *models.Tx) {
	rm.mu.Lock()
	if tx != nil && tx.TaskRunID != nil {
		rm.finalTxs[*tx.TaskRunID] = struct{}{}
	} else {
		rm.scanAll = true
	}
	rm.mu.Unlock()
	rm.runner.Poke()
}

// ResumeConnectingTasks is called by the JobRunner when the chain is
// reachable again: every run paused in pending_connection resumes.
func (rm *RunManager) ResumeConnectingTasks(ctx context.Context) {
	runs, err := rm.store.RunsPendingStatus(ctx, models.RunStatusPendingConnection)
	if err != nil && ctx.Err() == nil {
		rm.lggr.Error("listing runs waiting on the chain connection", "err", err)
	}
	for _, run := range runs {
		if err := rm.ResumeConnectingTask(ctx, run.ID); err != nil && ctx.Err() == nil {
			rm.lggr.Error("resuming run waiting on the chain connection", "run_id", run.ID, "err", err)
		}
	}
}

// ResumeConnectingTask queues a run paused in pending_connection.
func (rm *RunManager) ResumeConnectingTask(ctx context.Context, runID string) error {
	return rm.withRun(ctx, runID, func(run *models.JobRun) (bool, error) {
		tr := pendingTask(run, models.RunStatusPendingConnection)
		if tr == nil {
			return false, nil
		}
		tr.Status, run.Status, tr.WakeAt = models.RunStatusInProgress, models.RunStatusInProgress, nil
		return true, rm.store.SaveJobRunStep(ctx, run, tr)
	})
}

// QueueSleepingTask times the wake-up of a run paused in pending_sleep at
// its task's saved WakeAt (at once when that has passed). The runner does
// this itself when a sleep starts and, at Start, for every sleeping run.
func (rm *RunManager) QueueSleepingTask(ctx context.Context, runID string) error {
	run, err := rm.store.FindJobRun(ctx, runID)
	if err != nil {
		return err
	}
	tr := pendingTask(run, models.RunStatusPendingSleep)
	if tr == nil {
		return fmt.Errorf("run %s is %s: %w", runID, run.Status, ErrRunNotPending)
	}
	at := rm.now()
	if tr.WakeAt != nil {
		at = *tr.WakeAt
	}
	rm.runner.WakeAt(runID, at)
	return nil
}

var (
	_ runner.Hooks           = (*RunManager)(nil)
	_ subscriber.RunExecutor = (*RunManager)(nil)
	_ scheduler.RunCreator   = (*RunManager)(nil)
)
