package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// insertBatchRows bounds the rows of one multi-row INSERT, so a statement
// stays well below SQLite's 32,766 and PostgreSQL's 65,535 bind
// parameters (run_requests, the widest table written here, has 16
// columns).
const insertBatchRows = 1000

// CreateJobRuns saves many new runs, as CreateJobRun saves one, in one
// transaction of a few multi-row INSERTs (run requests, results, runs,
// task runs) instead of several statements per run, and sets the same IDs
// CreateJobRun sets. A log's request that already has a run of the same
// job, in the database or earlier in runs, gives an error wrapping
// ErrDuplicate and nothing is saved: the caller does not learn which run
// collided, so it saves them one by one to find out. On any error the IDs
// it set are cleared again, so the runs can be saved once more.
func (s *Store) CreateJobRuns(ctx context.Context, runs []*models.JobRun) error {
	if len(runs) == 0 {
		return nil
	}
	for i, run := range runs {
		if run == nil || run.ID == "" || run.JobSpecID == "" {
			return fmt.Errorf("creating job runs: run %d: run ID and job ID are required", i)
		}
	}
	saved := snapshotIDs(runs)
	var done bool
	var err error
	if s.Dialect() == DialectPostgres {
		done, _, err = s.insertRunsStatement(ctx, runs, false)
	}
	if !done {
		err = s.Transact(ctx, func(tx *Store) error { return tx.insertRuns(ctx, runs) })
	}
	if err != nil {
		saved.restore()
		return fmt.Errorf("creating %d job runs: %w", len(runs), err)
	}
	return nil
}

// CreateJobRunsForNewRequests is CreateJobRuns on PostgreSQL for runs of
// requests none of which has a run yet, in one statement that checks it:
// created is false, and nothing is saved, when a run's request (its job
// and request ID) already has a run that is not cancelled or errored, or
// a run has a result, or on SQLite. The log subscriber's runs take it
// first (services.RunManager): one round trip instead of the query for
// such runs and then the insert; when it creates nothing, they take the
// general way, which says what each request's earlier run means.
func (s *Store) CreateJobRunsForNewRequests(ctx context.Context, runs []*models.JobRun) (created bool, err error) {
	if len(runs) == 0 || s.Dialect() != DialectPostgres {
		return false, nil
	}
	for i, run := range runs {
		if run == nil || run.ID == "" || run.JobSpecID == "" {
			return false, fmt.Errorf("creating job runs: run %d: run ID and job ID are required", i)
		}
	}
	saved := snapshotIDs(runs)
	ok, held, err := s.insertRunsStatement(ctx, runs, true)
	if err != nil || !ok || held {
		saved.restore()
	}
	if err != nil {
		return false, fmt.Errorf("creating %d job runs: %w", len(runs), err)
	}
	return ok && !held, nil
}

// insertRuns writes the rows of runs inside a transaction.
func (s *Store) insertRuns(ctx context.Context, runs []*models.JobRun) error {
	db := s.conn(ctx)
	var reqs []*models.RunRequest
	for _, run := range runs {
		if rr := run.RunRequest; rr != nil {
			rr.JobSpecID = run.JobSpecID
			reqs = append(reqs, rr)
		}
	}
	if len(reqs) > 0 {
		if err := db.CreateInBatches(reqs, insertBatchRows).Error; err != nil {
			return fmt.Errorf("saving run requests: %w", translate(err))
		}
		for _, run := range runs {
			if rr := run.RunRequest; rr != nil {
				id := rr.ID
				run.RunRequestID = &id
			}
		}
	}
	var trs []*models.TaskRun
	results := resultSlots{}
	for _, run := range runs {
		results.add(run.Result, &run.ResultID)
		for i := range run.TaskRuns {
			tr := &run.TaskRuns[i]
			tr.JobRunID = run.ID
			results.add(tr.Result, &tr.ResultID)
			trs = append(trs, tr)
		}
	}
	if err := s.saveResults(ctx, results); err != nil {
		return err
	}
	if err := db.Omit(clause.Associations).CreateInBatches(runs, insertBatchRows).Error; err != nil {
		return fmt.Errorf("saving runs: %w", translate(err))
	}
	if len(trs) > 0 {
		if err := db.Omit(clause.Associations).CreateInBatches(trs, insertBatchRows).Error; err != nil {
			return fmt.Errorf("saving task runs: %w", translate(err))
		}
	}
	return nil
}

// resultSlots are the results to save with new runs and the foreign keys
// that point at them.
type resultSlots struct {
	results []*models.RunResult
	ids     []**int64
}

func (r *resultSlots) add(res *models.RunResult, id **int64) {
	if res != nil {
		r.results = append(r.results, res)
		r.ids = append(r.ids, id)
	}
}

// saveResults inserts the new results in one statement (results already
// saved are updated, as saveResult does) and points the slots at them.
func (s *Store) saveResults(ctx context.Context, r resultSlots) error {
	var fresh []*models.RunResult
	for i, res := range r.results {
		if res.ID != 0 {
			if err := s.saveResult(ctx, res, r.ids[i]); err != nil {
				return err
			}
			continue
		}
		fresh = append(fresh, res)
	}
	if len(fresh) > 0 {
		if err := s.conn(ctx).CreateInBatches(fresh, insertBatchRows).Error; err != nil {
			return fmt.Errorf("saving run results: %w", translate(err))
		}
	}
	for i, res := range r.results {
		id := res.ID
		*r.ids[i] = &id
	}
	return nil
}

// savedIDs are the IDs CreateJobRuns may set, as they were before, so a
// rollback can put them back (the rows they would name are gone).
type savedIDs struct {
	ids  []savedID
	refs []savedRef
}

type savedID struct {
	p *int64
	v int64
}

type savedRef struct {
	p **int64
	v *int64
}

func snapshotIDs(runs []*models.JobRun) *savedIDs {
	s := &savedIDs{}
	ref := func(p **int64) { s.refs = append(s.refs, savedRef{p, *p}) }
	id := func(p *int64) { s.ids = append(s.ids, savedID{p, *p}) }
	for _, run := range runs {
		ref(&run.RunRequestID)
		ref(&run.ResultID)
		if run.RunRequest != nil {
			id(&run.RunRequest.ID)
		}
		if run.Result != nil {
			id(&run.Result.ID)
		}
		for i := range run.TaskRuns {
			tr := &run.TaskRuns[i]
			ref(&tr.ResultID)
			if tr.Result != nil {
				id(&tr.Result.ID)
			}
		}
	}
	return s
}

func (s *savedIDs) restore() {
	for _, x := range s.ids {
		*x.p = x.v
	}
	for _, x := range s.refs {
		*x.p = x.v
	}
}
