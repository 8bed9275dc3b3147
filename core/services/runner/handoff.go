package runner

import (
	"context"
	"slices"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// handoff is a run its creator has just saved, handed over in memory with
// its job so the worker that takes it does not load either back.
type handoff struct {
	run *models.JobRun
	job *models.JobSpec
}

// maxCachedJobs bounds the job cache; it is emptied when full (jobs are
// few, and a miss costs one load).
const maxCachedJobs = 1024

// EnqueueRun queues a run its caller has just saved, as Enqueue does, and
// keeps a copy of it and its job for the worker that takes it. The caller
// may go on reading run: the worker changes only its copy. A run that
// changed in the database since (a cancellation) is caught by the store,
// which never writes over a finished run; CancelRun also drops the copy.
func (r *JobRunner) EnqueueRun(run *models.JobRun, job *models.JobSpec) {
	if run == nil {
		return
	}
	if job != nil && job.ID == run.JobSpecID {
		r.cacheJob(job)
	}
	cp := cloneRun(run)
	r.qmu.Lock()
	r.fresh[run.ID] = handoff{run: cp, job: job}
	r.qmu.Unlock()
	r.Enqueue(run.ID)
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

// StepSaver writes, in the caller's database transaction db, the steps of
// a run that its worker ran without saving (tasks that cannot pause). The
// ethtx task's TxSender calls it in the transaction that records the
// answer, so the answer and the steps that led to it commit together.
type StepSaver func(db *store.Store) error

type stepSaverKey struct{}

func withStepSaver(ctx context.Context, save StepSaver) context.Context {
	return context.WithValue(ctx, stepSaverKey{}, save)
}

// StepSaverFrom returns the StepSaver of the task being performed, nil
// when it has nothing unsaved.
func StepSaverFrom(ctx context.Context) StepSaver {
	save, _ := ctx.Value(stepSaverKey{}).(StepSaver)
	return save
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
	if err := r.deps.Store.SaveJobRunSteps(ctx, run, trs, all...); err != nil {
		return err
	}
	u.reset()
	return nil
}

// savedResults remembers the results a save is about to insert, so that
// when the database transaction it joined rolls back, the run in memory
// can forget the row IDs the save gave them.
type savedResults struct {
	results []*models.RunResult
	ids     []**int64
	old     []*int64
}

// track notes the run's and the unsaved task runs' results that have no
// row yet.
func (u *unsaved) track(run *models.JobRun) *savedResults {
	s := &savedResults{}
	note := func(r *models.RunResult, id **int64) {
		if r != nil && r.ID == 0 {
			s.results, s.ids, s.old = append(s.results, r), append(s.ids, id), append(s.old, *id)
		}
	}
	note(run.Result, &run.ResultID)
	for _, tr := range u.trs {
		note(tr.Result, &tr.ResultID)
	}
	return s
}

// rollBack gives the noted results back their state before the save.
func (s *savedResults) rollBack() {
	for i, r := range s.results {
		r.ID = 0
		*s.ids[i] = s.old[i]
	}
}
