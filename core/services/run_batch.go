package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

var _ subscriber.BatchRunExecutor = (*RunManager)(nil)

// ExecuteJobsFromLogs is ExecuteJobFromLog for many logs at once, as the
// log subscriber hands over a burst of requests: each is accepted,
// ignored or refused by the same rules, but the runs are saved together
// in one transaction (store.CreateJobRuns), and queued in order once it
// commits. When that transaction finds a log that already has its run,
// nothing of it was saved, and every run is saved on its own
// (ExecuteJobFromLog) so each duplicate is reported for its own log. Any
// other failure to save is every saved-to-be run's error, to try again.
// It returns one result per request, in order.
func (rm *RunManager) ExecuteJobsFromLogs(ctx context.Context, reqs []subscriber.LogRun) []subscriber.LogRunResult {
	bridgeOf := rm.bridgeMemo()
	if out, ok := rm.executeNewRequests(ctx, reqs, bridgeOf); ok {
		return out
	}
	out := make([]subscriber.LogRunResult, len(reqs))
	live, err := rm.liveRequests(ctx, reqs)
	if err != nil {
		for i := range out {
			out[i].Err = err
		}
		return out
	}
	var (
		runs []*models.JobRun
		idx  []int // runs[k] is for reqs[idx[k]]
	)
	for i, r := range reqs {
		if r.Job == nil || r.Request == nil {
			out[i].Err = errors.New("run from log: job and request are required")
			continue
		}
		lggr := rm.logLogger(r.Job, r.Initiator, r.Request)
		ok, err := rm.logAccepted(ctx, r.Job, r.Initiator, r.Request, lggr, bridgeOf)
		if err != nil || !ok {
			out[i].Err = err
			continue
		}
		if id := r.Request.RequestID; id != nil {
			if held, ok := live[r.Job.ID][*id]; ok {
				if err := requestHasRun(r.Job, r.Request, held); err != nil {
					out[i].Err = err
					continue
				}
				logMovedWithNewCommitment(lggr, r.Request, held)
			}
		}
		run, err := rm.prepareRun(ctx, r.Job, r.Initiator, r.Input, r.Request, bridgeOf)
		if inactiveJob(err) {
			lggr.Warn("ignoring log", "err", err)
			continue
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		runs, idx = append(runs, run), append(idx, i)
	}
	if len(runs) == 0 {
		return out
	}
	unlockAll, err := rm.lockRuns(ctx, runs)
	if err != nil {
		for _, i := range idx {
			out[i].Err = err
		}
		return out
	}
	defer unlockAll()
	err = rm.store.CreateJobRuns(ctx, runs)
	switch {
	case err == nil:
		for k, run := range runs {
			out[idx[k]].Run = run
			rm.runSaved(run, reqs[idx[k]].Job)
		}
	case errors.Is(err, store.ErrDuplicate):
		unlockAll() // nothing was saved; the runs saved one by one are new
		rm.lggr.Info("a log of the batch already has its run: saving its runs one by one", "runs", len(runs))
		for _, i := range idx {
			r := reqs[i]
			out[i].Run, out[i].Err = rm.ExecuteJobFromLog(ctx, r.Job, r.Initiator, r.Request, r.Input)
		}
	default:
		err = fmt.Errorf("saving the runs of %d logs: %w", len(runs), err)
		for _, i := range idx {
			out[i].Err = err
		}
	}
	return out
}

// executeNewRequests is ExecuteJobsFromLogs for a batch of runlog
// requests that are all accepted and none of which has a run yet, as a
// burst of new requests is: their runs are saved by one statement that
// checks that none has (store.CreateJobRunsForNewRequests), instead of a
// query for their earlier runs and then the insert. ok is false, and
// nothing was saved or logged, for any other batch (a request refused or
// for an inactive job, a request that has a run, a log delivered again,
// SQLite, a fault): ExecuteJobsFromLogs then takes it the general way.
func (rm *RunManager) executeNewRequests(ctx context.Context, reqs []subscriber.LogRun, bridgeOf bridgeLookup) (out []subscriber.LogRunResult, ok bool) {
	if rm.store.Dialect() != store.DialectPostgres {
		return nil, false
	}
	quiet := slog.New(slog.DiscardHandler) // the general way logs refusals
	runs := make([]*models.JobRun, len(reqs))
	for i, r := range reqs {
		if r.Job == nil || r.Request == nil || r.Request.RequestID == nil {
			return nil, false
		}
		accepted, err := rm.logAccepted(ctx, r.Job, r.Initiator, r.Request, quiet, bridgeOf)
		if err != nil || !accepted {
			return nil, false
		}
		if runs[i], err = rm.prepareRun(ctx, r.Job, r.Initiator, r.Input, r.Request, bridgeOf); err != nil {
			return nil, false
		}
	}
	unlockAll, err := rm.lockRuns(ctx, runs)
	if err != nil {
		return nil, false
	}
	defer unlockAll()
	if created, err := rm.store.CreateJobRunsForNewRequests(ctx, runs); err != nil || !created {
		return nil, false
	}
	out = make([]subscriber.LogRunResult, len(reqs))
	for i, run := range runs {
		out[i].Run = run
		rm.runSaved(run, reqs[i].Job)
	}
	return out, true
}

// lockRuns takes the locks of new runs, held from before their insert to
// their hand-over, as in ExecuteJob. unlockAll releases them in order,
// which queues the runs in order; it may be called more than once.
// Nothing is held when it fails.
func (rm *RunManager) lockRuns(ctx context.Context, runs []*models.JobRun) (unlockAll func(), err error) {
	unlocks := make([]func(), 0, len(runs))
	unlockAll = func() {
		for _, unlock := range unlocks {
			unlock()
		}
		unlocks = unlocks[:0]
	}
	for _, run := range runs {
		unlock, err := rm.runner.LockRun(ctx, run.ID)
		if err != nil {
			unlockAll()
			return nil, err
		}
		unlocks = append(unlocks, unlock)
	}
	return unlockAll, nil
}

// liveRequests finds, per job, which request IDs of reqs already have a
// live run, and which (store.RequestsWithLiveRuns), with one query
// per job.
func (rm *RunManager) liveRequests(ctx context.Context, reqs []subscriber.LogRun) (map[string]map[common.Hash]store.RequestRun, error) {
	ids := map[string][]common.Hash{}
	for _, r := range reqs {
		if r.Job != nil && r.Request != nil && r.Request.RequestID != nil {
			ids[r.Job.ID] = append(ids[r.Job.ID], *r.Request.RequestID)
		}
	}
	live := make(map[string]map[common.Hash]store.RequestRun, len(ids))
	for job, list := range ids {
		found, err := rm.store.RequestsWithLiveRuns(ctx, job, list)
		if err != nil {
			return nil, err
		}
		live[job] = found
	}
	return live, nil
}

// bridgeMemo is bridgeOf remembering, for one batch, the bridges it found,
// so the runs of one job look each of its bridges up once.
func (rm *RunManager) bridgeMemo() bridgeLookup {
	found := map[string]*models.BridgeType{}
	return func(ctx context.Context, typ string) (*models.BridgeType, error) {
		if bt, ok := found[typ]; ok {
			return bt, nil
		}
		bt, err := rm.bridgeOf(ctx, typ)
		if err != nil {
			return nil, err
		}
		found[typ] = bt
		return bt, nil
	}
}
