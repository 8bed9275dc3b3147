package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// execute runs one queued run as far as it goes: to a pause, an error, a
// cancellation or its end.
func (r *JobRunner) execute(ctx context.Context, runID string) {
	unlock, ok := r.locks.tryLock(runID)
	if !ok {
		return // its holder queues it again on unlock
	}
	defer unlock()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	r.inflight[runID] = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.inflight, runID)
		r.mu.Unlock()
	}()

	lggr := r.lggr.With("run_id", runID)
	var (
		run     *models.JobRun
		job     *models.JobSpec
		unsaved []*models.TaskRun
		err     error
	)
	if h, ok := r.takeFresh(runID); ok {
		run, job, unsaved = h.run, h.job, h.unsaved
	} else {
		run, err = r.deps.Store.FindJobRun(runCtx, runID)
	}
	switch {
	case err == nil:
	case runCtx.Err() != nil:
		return
	case errors.Is(err, store.ErrNotFound):
		lggr.Warn("queued run does not exist; dropped")
		return
	default:
		// A database fault: the run stays queued (after a backoff), it is
		// never dropped.
		r.retryLater(lggr, runID, "loading run", err)
		return
	}
	if !r.resumable(run) {
		if r.faulted(runID) && r.deps.Hooks != nil {
			// A fault cut off a save of the run, and the database has it
			// paused: a hook may have resumed it in memory (its answer
			// final), which only the hooks' look at every paused run
			// finds again before the sweep.
			r.deps.Hooks.Sweep()
			r.Poke()
		}
		r.clearFaults(runID)
		return
	}
	lggr = lggr.With("job_id", run.JobSpecID)
	if job == nil || job.ID != run.JobSpecID {
		if job, err = r.findJob(runCtx, run.JobSpecID); err != nil {
			if runCtx.Err() == nil {
				r.retryLater(lggr, runID, "loading the run's job", err)
			}
			return
		}
	}
	err = r.executeRun(runCtx, run, job, unsaved)
	switch {
	case err == nil:
		if run.Status != models.RunStatusPendingConnection {
			r.clearFaults(runID)
		}
	case errors.Is(err, store.ErrRunFinished):
		r.clearFaults(runID)
		lggr.Info("run finished elsewhere (cancelled) while a task ran")
	case runCtx.Err() != nil:
		// Stopping or cancelled: the run stays as last saved.
	default:
		r.retryLater(lggr, runID, "executing run", err)
	}
}

// retryLater queues the run again after a backoff that doubles with each
// consecutive fault of the run (a database or connection fault while
// handling it), up to MaxRetryBackoff.
func (r *JobRunner) retryLater(lggr *slog.Logger, runID, what string, err error) {
	r.mu.Lock()
	r.faults[runID]++
	n := r.faults[runID]
	r.mu.Unlock()
	wait := r.backoff(n)
	lggr.Error(what+"; will try again", "err", err, "retry_in", wait)
	r.WakeAt(runID, r.cfg.Now().Add(wait))
}

// faultBackoff counts a fault of the run and returns the wait before the
// next try, without logging.
func (r *JobRunner) faultBackoff(runID string) time.Duration {
	r.mu.Lock()
	r.faults[runID]++
	n := r.faults[runID]
	r.mu.Unlock()
	return r.backoff(n)
}

// faulted reports whether the run's last handling met a fault.
func (r *JobRunner) faulted(runID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.faults[runID] > 0
}

func (r *JobRunner) clearFaults(runID string) {
	r.mu.Lock()
	delete(r.faults, runID)
	r.mu.Unlock()
}

// resumable reports whether a worker may go on with the run now: it is
// runnable or asleep, and its next task's wake time (a sleep's end, or a
// retry's backoff) has come.
func (r *JobRunner) resumable(run *models.JobRun) bool {
	switch {
	case run.Status.Runnable(), run.Status == models.RunStatusPendingSleep:
	case run.Status == models.RunStatusPendingConnection && r.Connected():
		// Paused by a connection fault the head tracker did not report
		// (or reported and fixed since): try again at its wake time.
	default:
		return false
	}
	tr := run.NextTaskRun()
	return tr == nil || tr.WakeAt == nil || !tr.WakeAt.After(r.cfg.Now())
}

// executeRun performs the run's unfinished tasks in order, saving after
// each what the step changed: the run's own state and the task run.
func (r *JobRunner) executeRun(ctx context.Context, run *models.JobRun, job *models.JobSpec, unsavedTRs []*models.TaskRun) error {
	lggr := r.lggr.With("run_id", run.ID, "job_id", run.JobSpecID)
	// The in_progress status is written with the first step saved.
	run.Status = models.RunStatusInProgress
	u := &unsaved{trs: unsavedTRs}
	for {
		tr := run.NextTaskRun()
		if tr == nil {
			return r.complete(ctx, run, u)
		}
		if r.observe(run, tr) {
			return r.pause(ctx, run, u, tr, models.RunStatusPendingIncomingConfirmations, nil)
		}
		if tr.Type == adapters.TypeEthTx && !r.Connected() {
			return r.waitConnection(ctx, run, u, tr, models.RunOutput{})
		}
		if tr.Index < 0 || tr.Index >= len(job.Tasks) {
			return r.fail(ctx, run, u, tr, models.NewRunOutputError(fmt.Errorf("job %s has no task %d", job.ID, tr.Index)), nil)
		}
		task := job.Tasks[tr.Index]
		taskCtx := ctx
		var sent *answerSave
		if tr.Type == adapters.TypeEthTx && tr.Status != models.RunStatusPendingOutgoingConfirmations {
			// The answer's transaction commits with the steps before it
			// and with this task's pause.
			sent = &answerSave{run: run, tr: tr, u: u, input: taskInput(run, tr)}
			taskCtx = withAnswerRecorder(ctx, sent)
		}
		out, ok := r.perform(taskCtx, run, tr, task)
		if !ok {
			sent.undo()
			return ctx.Err()
		}
		if sent.done() {
			if out.Status == models.RunStatusPendingOutgoingConfirmations {
				u.reset() // committed with the transaction
				r.lggr.Info("run paused", "run_id", run.ID, "job_id", run.JobSpecID, "status", run.Status, "task", tr.Index, "type", tr.Type)
				return nil
			}
			sent.undo() // the transaction's database work was rolled back
		}
		tr.Attempts++
		attempt := models.TaskRunAttempt{TaskRunID: tr.ID, Attempt: tr.Attempts, Status: out.Status}
		if out.Status == models.RunStatusErrored {
			msg := out.Error
			attempt.Error = &msg
		}
		switch {
		case out.Status == models.RunStatusPendingConnection:
			// The chain or the database could not be reached: not an
			// attempt, and not an error of the run.
			tr.Attempts--
			lggr.Warn("task could not reach the chain or the database; it waits for the connection",
				"task", tr.Index, "type", tr.Type, "err", out.Error)
			return r.waitConnection(ctx, run, u, tr, out)
		case out.Status == models.RunStatusErrored && out.Retryable && tr.Attempts < r.maxAttempts(task):
			res := models.RunResultFrom(out)
			wait := r.backoff(tr.Attempts)
			retryAt := r.cfg.Now().Add(wait)
			tr.Status, tr.Result, tr.WakeAt = models.RunStatusInProgress, mergeResult(tr.Result, res), &retryAt
			if err := r.save(ctx, run, u, tr, attempt); err != nil {
				return err
			}
			lggr.Warn("task failed with a transient fault; retrying", "task", tr.Index, "type", tr.Type,
				"attempt", tr.Attempts, "retry_in", wait, "err", out.Error)
			r.WakeAt(run.ID, retryAt)
			return nil
		case out.Status == models.RunStatusErrored:
			if out.Retryable {
				out.Error = fmt.Sprintf("%s (after %d attempts)", out.Error, tr.Attempts)
			}
			return r.fail(ctx, run, u, tr, out, &attempt)
		case out.Status.Pending():
			return r.pause(ctx, run, u, tr, out.Status, &pauseData{out: out, attempt: attempt})
		case out.Status == models.RunStatusCompleted:
			tr.Status, tr.WakeAt = models.RunStatusCompleted, nil
			tr.Result = mergeResult(tr.Result, models.RunResult{Data: out.Data, Status: models.RunStatusCompleted})
			u.add(tr, attempt)
			if !adapters.Repeatable(tr.Type) {
				// Its effect happened: it must never be performed again.
				if err := r.save(ctx, run, u, nil); err != nil {
					return err
				}
			}
			// A repeatable task is saved with the next step that must be,
			// and simply performed again if the node stops before.
			lggr.Debug("task completed", "task", tr.Index, "type", tr.Type)
		default:
			bad := models.NewRunOutputError(fmt.Errorf("adapter %s returned status %q", tr.Type, out.Status))
			attempt.Status = models.RunStatusErrored
			attempt.Error = &bad.Error
			return r.fail(ctx, run, u, tr, bad, &attempt)
		}
	}
}

// perform calls the task's adapter. ok is false when ctx ended meanwhile:
// the output is then discarded.
func (r *JobRunner) perform(ctx context.Context, run *models.JobRun, tr *models.TaskRun, task models.TaskSpec) (models.RunOutput, bool) {
	var requestParams models.JSON
	if run.RunRequest != nil {
		requestParams = run.RunRequest.RequestParams
	}
	params, err := models.MergeJSON(requestParams, task.Params)
	if err != nil {
		// The request's parameters are not an object: the task's own.
		params = task.Params
	}
	adapter, err := r.deps.Adapters.ForTask(ctx, tr.Type)
	if err != nil {
		if ctx.Err() != nil {
			return models.RunOutput{}, false
		}
		return models.NewRunOutputError(err), true
	}
	input := models.RunInput{
		JobRunID:  run.ID,
		TaskRunID: tr.ID,
		JobSpecID: run.JobSpecID,
		Data:      taskInput(run, tr),
		Status:    tr.Status,
		Request:   run.RunRequest,
	}
	out := adapter.Perform(ctx, input, params)
	if ctx.Err() != nil {
		return models.RunOutput{}, false
	}
	return out, true
}

// taskInput is a task's input data: what it paused with when resumed,
// else the previous task's output, else the run's input.
func taskInput(run *models.JobRun, tr *models.TaskRun) models.JSON {
	if tr.Status.Pending() && tr.Result != nil && !tr.Result.Data.IsNull() {
		return tr.Result.Data
	}
	for i := len(run.TaskRuns) - 1; i >= 0; i-- {
		prev := &run.TaskRuns[i]
		if prev.Index < tr.Index && prev.Status == models.RunStatusCompleted && prev.Result != nil {
			return prev.Result.Data
		}
	}
	if run.RunRequest != nil && !run.RunRequest.RequestParams.IsNull() {
		return run.RunRequest.RequestParams
	}
	return models.JSON(`{}`)
}

// observe brings the run's observed height and the task's confirmations
// up to the latest head and reports whether the task must still wait for
// incoming confirmations. Only runs started by a log (CreationHeight set)
// wait.
func (r *JobRunner) observe(run *models.JobRun, tr *models.TaskRun) bool {
	if run.CreationHeight == nil || tr.MinRequiredIncomingConfirmations == 0 {
		return false
	}
	if h := r.latest.Load(); h != nil {
		if run.ObservedHeight == nil || run.ObservedHeight.ToInt().Int64() < h.Number {
			run.ObservedHeight = models.NewBig(new(big.Int).SetInt64(h.Number))
		}
	}
	tr.Confirmations = Confirmations(run)
	return tr.Confirmations < tr.MinRequiredIncomingConfirmations
}

// Confirmations counts the blocks of a log-started run's log: 1 when the
// observed head is the log's block, 0 before the log's block is seen.
func Confirmations(run *models.JobRun) uint32 {
	if run.CreationHeight == nil || run.ObservedHeight == nil {
		return 0
	}
	c, o := run.CreationHeight.ToInt().Int64(), run.ObservedHeight.ToInt().Int64()
	if o < c {
		return 0
	}
	n := o - c + 1
	if n > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(n)
}

type pauseData struct {
	out     models.RunOutput
	attempt models.TaskRunAttempt
}

// pause saves the run paused in status. With p (an adapter's pending
// output) the task keeps the data it paused with and, for a sleep, its
// wake time, which is then timed.
func (r *JobRunner) pause(ctx context.Context, run *models.JobRun, u *unsaved, tr *models.TaskRun, status models.RunStatus, p *pauseData) error {
	tr.Status, run.Status = status, status
	var attempts []models.TaskRunAttempt
	if p != nil {
		tr.Result = mergeResult(tr.Result, models.RunResult{Data: p.out.Data, Status: status})
		tr.WakeAt = p.out.WakeAt
		attempts = append(attempts, p.attempt)
	}
	if status == models.RunStatusPendingSleep && tr.WakeAt == nil {
		now := r.cfg.Now()
		tr.WakeAt = &now
	}
	if err := r.save(ctx, run, u, tr, attempts...); err != nil {
		return err
	}
	r.lggr.Info("run paused", "run_id", run.ID, "job_id", run.JobSpecID, "status", status, "task", tr.Index, "type", tr.Type)
	if status == models.RunStatusPendingSleep {
		r.WakeAt(run.ID, *tr.WakeAt)
	}
	return nil
}

// waitConnection pauses the run in pending_connection (with the data the
// task was given, when out has it). Connect resumes it; if the chain is
// connected as far as the runner knows (the fault came before the head
// tracker saw it, or the connection came back meanwhile) it is also tried
// again after a backoff, so no wake-up is lost.
func (r *JobRunner) waitConnection(ctx context.Context, run *models.JobRun, u *unsaved, tr *models.TaskRun, out models.RunOutput) error {
	retryAt := r.cfg.Now().Add(r.faultBackoff(run.ID))
	tr.Status, run.Status, tr.WakeAt = models.RunStatusPendingConnection, models.RunStatusPendingConnection, &retryAt
	if !out.Data.IsNull() {
		tr.Result = mergeResult(tr.Result, models.RunResult{Data: out.Data, Status: models.RunStatusPendingConnection})
	}
	if err := r.save(ctx, run, u, tr); err != nil {
		return err
	}
	r.lggr.Info("run paused", "run_id", run.ID, "job_id", run.JobSpecID, "status", run.Status, "task", tr.Index, "type", tr.Type)
	// Checked after the save: a Connect from now on lists this run.
	if r.Connected() {
		r.WakeAt(run.ID, retryAt)
	}
	return nil
}

// fail errors the task and its run with out's error.
func (r *JobRunner) fail(ctx context.Context, run *models.JobRun, u *unsaved, tr *models.TaskRun, out models.RunOutput, attempt *models.TaskRunAttempt) error {
	now := r.cfg.Now().UTC()
	tr.Status = models.RunStatusErrored
	tr.Result = mergeResult(tr.Result, models.RunResultFrom(out))
	msg := fmt.Sprintf("task %d (%s): %s", tr.Index, tr.Type, out.Error)
	run.Status, run.FinishedAt = models.RunStatusErrored, &now
	run.Result = mergeResult(run.Result, models.RunResult{Data: taskInput(run, tr), Status: models.RunStatusErrored, ErrorMessage: &msg})
	var attempts []models.TaskRunAttempt
	if attempt != nil {
		attempts = append(attempts, *attempt)
	}
	if err := r.save(ctx, run, u, tr, attempts...); err != nil {
		return err
	}
	r.lggr.Warn("run errored", "run_id", run.ID, "job_id", run.JobSpecID, "task", tr.Index, "type", tr.Type, "err", out.Error)
	return nil
}

// complete finishes the run with the last task's output.
func (r *JobRunner) complete(ctx context.Context, run *models.JobRun, u *unsaved) error {
	Complete(run, r.cfg.Now())
	if err := r.save(ctx, run, u, nil); err != nil {
		return err
	}
	r.lggr.Info("run completed", "run_id", run.ID, "job_id", run.JobSpecID)
	return nil
}

// Complete sets run, whose every task completed, to completed at now
// with its last task's output as its result, as a worker does when it
// finishes a run; the caller saves it.
func Complete(run *models.JobRun, now time.Time) {
	now = now.UTC()
	data := models.JSON(`{}`)
	if n := len(run.TaskRuns); n > 0 && run.TaskRuns[n-1].Result != nil {
		data = run.TaskRuns[n-1].Result.Data
	}
	run.Status, run.FinishedAt = models.RunStatusCompleted, &now
	run.Result = mergeResult(run.Result, models.RunResult{Data: data, Status: models.RunStatusCompleted})
}

// mergeResult returns next as the result to save, keeping the saved row
// of prev (its ID) so results are updated in place.
func mergeResult(prev *models.RunResult, next models.RunResult) *models.RunResult {
	if prev != nil {
		next.ID, next.CreatedAt = prev.ID, prev.CreatedAt
	}
	return &next
}

// maxAttempts is the task's "maxAttempts" param, else the configured one.
func (r *JobRunner) maxAttempts(task models.TaskSpec) int {
	raw := models.JSONKey(task.Params, "maxAttempts")
	if n, err := strconv.Atoi(models.JSONText(raw)); err == nil && n > 0 {
		return n
	}
	return r.cfg.MaxTaskAttempts
}

// backoff is the wait after the given failed attempt: RetryBackoff
// doubled per attempt after the first, capped at MaxRetryBackoff.
func (r *JobRunner) backoff(attempt int) time.Duration {
	d := r.cfg.RetryBackoff
	for i := 1; i < attempt && d < r.cfg.MaxRetryBackoff; i++ {
		d *= 2
	}
	return min(d, r.cfg.MaxRetryBackoff)
}
