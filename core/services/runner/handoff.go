package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// handoff is a run its creator has just saved, handed over in memory with
// its job so the worker that takes it does not load either back.
type handoff struct {
	run     *models.JobRun
	job     *models.JobSpec
	unsaved []*models.TaskRun // task runs of run changed but not saved
}

// maxCachedJobs bounds the job cache; it is emptied when full (jobs are
// few, and a miss costs one load).
const maxCachedJobs = 1024

// EnqueueRun queues a run its caller has just saved, as Enqueue does, and
// keeps a copy of it and its job (nil: the worker finds it) for the
// worker that takes it. unsaved are task runs of run the caller changed
// without saving: the worker saves them with its next save. The caller
// may go on reading run: the worker changes only its copy.
//
// The caller must hold the run's lock (LockRun), taken before it created
// or loaded run, and the run is queued when it unlocks: a worker trusts
// the copy over the database, so a copy made outside the lock may be
// older than what a worker saved meanwhile (a run queued by the start's
// recovery between its insert and its hand-over had its first task
// performed twice). Without the lock held, the run is queued without the
// copy, and its worker loads it. A run cancelled since is caught by the
// store, which never writes over a finished run; CancelRun also drops
// the copy.
func (r *JobRunner) EnqueueRun(run *models.JobRun, job *models.JobSpec, unsaved ...*models.TaskRun) {
	if run == nil {
		return
	}
	if job != nil && job.ID == run.JobSpecID {
		r.cacheJob(job)
	}
	cp := cloneRun(run)
	var trs []*models.TaskRun
	for _, tr := range unsaved {
		for i := range cp.TaskRuns {
			if cp.TaskRuns[i].ID == tr.ID {
				trs = append(trs, &cp.TaskRuns[i])
			}
		}
	}
	// Noted under the run's lock so no worker takes the run between the
	// check and the copy.
	queued := r.locks.whileLocked(run.ID, func() {
		r.qmu.Lock()
		r.fresh[run.ID] = handoff{run: cp, job: job, unsaved: trs}
		r.qmu.Unlock()
	})
	if !queued {
		r.lggr.Warn("run handed over without its lock; its worker loads it", "run_id", run.ID)
		r.Enqueue(run.ID)
	}
}

// takeFresh returns and forgets the in-memory copy of a queued run.
func (r *JobRunner) takeFresh(runID string) (handoff, bool) {
	r.qmu.Lock()
	defer r.qmu.Unlock()
	h, ok := r.fresh[runID]
	if ok {
		delete(r.fresh, runID)
	}
	return h, ok
}

// dropFresh forgets the in-memory copy of a run, if any.
func (r *JobRunner) dropFresh(runID string) {
	r.qmu.Lock()
	delete(r.fresh, runID)
	r.qmu.Unlock()
}

// cloneRun copies what a worker changes in place: the run, its request
// and its task runs (results are replaced, never changed in place).
func cloneRun(run *models.JobRun) *models.JobRun {
	cp := *run
	if run.RunRequest != nil {
		rr := *run.RunRequest
		cp.RunRequest = &rr
	}
	cp.TaskRuns = slices.Clone(run.TaskRuns)
	for i := range cp.TaskRuns {
		cp.TaskRuns[i].AttemptLog = slices.Clip(slices.Clone(cp.TaskRuns[i].AttemptLog))
	}
	return &cp
}

func (r *JobRunner) cacheJob(job *models.JobSpec) {
	r.jobsMu.Lock()
	defer r.jobsMu.Unlock()
	if len(r.jobs) >= maxCachedJobs {
		clear(r.jobs)
	}
	r.jobs[job.ID] = job
}

// findJob returns a run's job from the cache, or loads and caches it. A
// job's tasks never change after it is created, which is all a worker
// reads of it.
func (r *JobRunner) findJob(ctx context.Context, id string) (*models.JobSpec, error) {
	r.jobsMu.Lock()
	job, ok := r.jobs[id]
	r.jobsMu.Unlock()
	if ok {
		return job, nil
	}
	job, err := r.deps.Store.FindJobSpec(ctx, id)
	if err != nil {
		return nil, err
	}
	r.cacheJob(job)
	return job, nil
}

// AnswerRecorder gives the TxSender of an ethtx task what the run's
// worker has not saved yet, to save in the database transaction that
// records the task's transaction, so the answer and the steps that led to
// it commit together. Steps marks the task (and run) paused in
// pending_outgoing_confirmations and returns the run's unsaved steps with
// that pause; Result then puts the transaction's hash in the task's
// result, which is among those steps. The TxSender saves the steps after
// creating the transaction, in the same database transaction: the store
// refuses a finished run, and the answer is rolled back with it. A
// TxSender that retries its database transaction calls Steps again.
type AnswerRecorder interface {
	Steps() store.RunSteps
	Result(hash common.Hash) error
}

type recorderKey struct{}

func withAnswerRecorder(ctx context.Context, rec AnswerRecorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, rec)
}

// AnswerRecorderFrom returns the AnswerRecorder of the ethtx task being
// performed, nil outside a JobRunner's worker.
func AnswerRecorderFrom(ctx context.Context) AnswerRecorder {
	rec, _ := ctx.Value(recorderKey{}).(AnswerRecorder)
	return rec
}

// unsaved is what a worker has run but not saved yet: task runs that
// completed without pausing, and their attempts. The next step that must
// be saved (a pause, an error, a retry, the run's end, or the answer's
// transaction) writes them with it, in one database transaction.
type unsaved struct {
	trs      []*models.TaskRun
	attempts []models.TaskRunAttempt
}

func (u *unsaved) add(tr *models.TaskRun, attempt models.TaskRunAttempt) {
	if !slices.Contains(u.trs, tr) {
		u.trs = append(u.trs, tr)
	}
	u.attempts = append(u.attempts, attempt)
}

func (u *unsaved) reset() { u.trs, u.attempts = nil, nil }

// save writes the run's state with tr (nil: none), attempts and
// everything unsaved, then forgets the unsaved.
func (r *JobRunner) save(ctx context.Context, run *models.JobRun, u *unsaved, tr *models.TaskRun, attempts ...models.TaskRunAttempt) error {
	trs := u.trs
	if tr != nil && !slices.Contains(trs, tr) {
		trs = append(slices.Clip(trs), tr)
	}
	all := append(slices.Clip(u.attempts), attempts...)
	var err error
	if r.saver != nil {
		err = r.saver.save(ctx, store.RunSteps{Run: run, TaskRuns: trs, Attempts: all})
	} else {
		err = r.deps.Store.SaveJobRunSteps(ctx, run, trs, all...)
	}
	if err != nil {
		return err
	}
	u.reset()
	return nil
}

// answerSave is the AnswerRecorder of one ethtx task. It remembers what
// it changed in memory so that a rolled back transaction can be undone.
type answerSave struct {
	run   *models.JobRun
	tr    *models.TaskRun
	u     *unsaved
	input models.JSON

	called   bool
	runState models.RunStatus
	trState  models.RunStatus
	attempts int
	result   *models.RunResult
	ids      resultIDs // of the steps handed out, to undo
}

var _ AnswerRecorder = (*answerSave)(nil)

func (a *answerSave) Steps() store.RunSteps {
	if a.called {
		a.undo() // a retried transaction: start from the state before
	}
	run, tr, u := a.run, a.tr, a.u
	a.called = true
	a.runState, a.trState, a.attempts, a.result = run.Status, tr.Status, tr.Attempts, tr.Result
	status := models.RunStatusPendingOutgoingConfirmations
	tr.Status, run.Status = status, status
	tr.Attempts++
	tr.Result = mergeResult(tr.Result, models.RunResult{Data: a.input, Status: status})
	trs := append(slices.Clip(u.trs), tr)
	attempts := append(slices.Clip(u.attempts), models.TaskRunAttempt{TaskRunID: tr.ID, Attempt: tr.Attempts, Status: status})
	steps := store.RunSteps{Run: run, TaskRuns: trs, Attempts: attempts}
	a.ids = noteResultIDs(steps)
	return steps
}

func (a *answerSave) Result(hash common.Hash) error {
	if !a.called || a.tr.Result == nil {
		return errors.New("recording the answer's hash before its task's steps")
	}
	data, err := models.SetJSONKey(a.input, "result", hash.Hex())
	if err != nil {
		return fmt.Errorf("recording the answer's hash: %w", err)
	}
	a.tr.Result.Data = data
	return nil
}

// done reports whether the TxSender took the steps (nil: no ethtx).
func (a *answerSave) done() bool { return a != nil && a.called }

// undo gives the run in memory back its state before Steps.
func (a *answerSave) undo() {
	if !a.done() {
		return
	}
	a.ids.restore()
	a.run.Status, a.tr.Status, a.tr.Attempts, a.tr.Result = a.runState, a.trState, a.attempts, a.result
	a.called = false
}
