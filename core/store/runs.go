package store

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// ErrRunFinished is returned (wrapped) when a change is asked of a run
// that is already completed, errored or cancelled: a finished run never
// changes again, so a worker that loses a race with a cancellation stops.
var ErrRunFinished = errors.New("run already finished")

// finishedStatuses are the final run statuses.
var finishedStatuses = []models.RunStatus{models.RunStatusCompleted, models.RunStatusErrored, models.RunStatusCancelled}

// withRunChildren preloads a run's request, result and task runs (by
// index) with their results and attempts.
func withRunChildren(db *gorm.DB) *gorm.DB {
	return db.
		Preload("RunRequest").
		Preload("Result").
		Preload("TaskRuns", func(db *gorm.DB) *gorm.DB { return db.Order(`"index"`) }).
		Preload("TaskRuns.Result").
		Preload("TaskRuns.AttemptLog", func(db *gorm.DB) *gorm.DB { return db.Order("id") })
}

// CreateJobRun saves a new run with its RunRequest (when set), result and
// task runs in one transaction, setting their IDs. A RunRequest for a log
// (block hash, tx hash, log index) already acted on for the run's job
// gives an error wrapping ErrDuplicate, and nothing is saved.
func (s *Store) CreateJobRun(ctx context.Context, run *models.JobRun) error {
	if run == nil || run.ID == "" || run.JobSpecID == "" {
		return errors.New("creating job run: run ID and job ID are required")
	}
	if s.Dialect() == DialectPostgres {
		// One statement for a run and its rows (insertRunsStatement).
		if err := s.CreateJobRuns(ctx, []*models.JobRun{run}); err != nil {
			return fmt.Errorf("creating job run %s: %w", run.ID, err)
		}
		return nil
	}
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		if rr := run.RunRequest; rr != nil {
			rr.JobSpecID = run.JobSpecID
			if err := db.Create(rr).Error; err != nil {
				return fmt.Errorf("saving run request: %w", translate(err))
			}
			run.RunRequestID = &rr.ID
		}
		if err := tx.saveResult(ctx, run.Result, &run.ResultID); err != nil {
			return err
		}
		if err := db.Omit(clause.Associations).Create(run).Error; err != nil {
			return translate(err)
		}
		for i := range run.TaskRuns {
			tr := &run.TaskRuns[i]
			tr.JobRunID = run.ID
			if err := tx.saveResult(ctx, tr.Result, &tr.ResultID); err != nil {
				return err
			}
			if err := db.Omit(clause.Associations).Create(tr).Error; err != nil {
				return fmt.Errorf("saving task run %d: %w", tr.Index, translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating job run %s: %w", run.ID, err)
	}
	return nil
}

// SaveRunResult inserts r (when new) or updates its data, status and
// error message.
func (s *Store) SaveRunResult(ctx context.Context, r *models.RunResult) error {
	var id *int64
	return s.saveResult(ctx, r, &id)
}

// saveResult inserts r (when new) or updates it, and points *id at it.
func (s *Store) saveResult(ctx context.Context, r *models.RunResult, id **int64) error {
	if r == nil {
		return nil
	}
	db := s.conn(ctx)
	if r.ID == 0 {
		if err := db.Create(r).Error; err != nil {
			return fmt.Errorf("saving run result: %w", translate(err))
		}
	} else {
		err := db.Model(&models.RunResult{}).Where("id = ?", r.ID).Updates(map[string]any{
			"data": r.Data, "status": r.Status, "error_message": r.ErrorMessage, "updated_at": time.Now().UTC(),
		}).Error
		if err != nil {
			return fmt.Errorf("saving run result %d: %w", r.ID, translate(err))
		}
	}
	rid := r.ID
	*id = &rid
	return nil
}

// SaveJobRun writes a run's changing state (status, result, observed
// height, finish time) and every task run's (status, result,
// confirmations, attempts, wake time), and inserts attempts, in one
// transaction. It never changes a finished run: when the saved run is
// completed, errored or cancelled (say, cancelled while a task ran) it
// returns an error wrapping ErrRunFinished and writes nothing.
func (s *Store) SaveJobRun(ctx context.Context, run *models.JobRun, attempts ...models.TaskRunAttempt) error {
	if run == nil || run.ID == "" {
		return errors.New("saving job run: run ID is required")
	}
	trs := make([]*models.TaskRun, len(run.TaskRuns))
	for i := range run.TaskRuns {
		trs[i] = &run.TaskRuns[i]
	}
	return s.saveJobRun(ctx, run, trs, attempts)
}

// SaveJobRunStep is SaveJobRun for one step of a run: it writes the run's
// own state (and its result, when set) and only the task run tr (nil:
// none) with its result, and inserts attempts. The run's other task runs
// must be unchanged since they were loaded or last saved. With neither tr,
// a result nor attempts it is a single statement.
func (s *Store) SaveJobRunStep(ctx context.Context, run *models.JobRun, tr *models.TaskRun, attempts ...models.TaskRunAttempt) error {
	if run == nil || run.ID == "" {
		return errors.New("saving job run: run ID is required")
	}
	var trs []*models.TaskRun
	if tr != nil {
		trs = []*models.TaskRun{tr}
	}
	return s.saveJobRun(ctx, run, trs, attempts)
}

// SaveJobRunSteps is SaveJobRunStep for several task runs at once: a
// worker that ran tasks which cannot pause without saving each writes them
// together at the next step that must be saved.
func (s *Store) SaveJobRunSteps(ctx context.Context, run *models.JobRun, trs []*models.TaskRun, attempts ...models.TaskRunAttempt) error {
	if run == nil || run.ID == "" {
		return errors.New("saving job run: run ID is required")
	}
	return s.saveJobRun(ctx, run, trs, attempts)
}

func (s *Store) saveJobRun(ctx context.Context, run *models.JobRun, trs []*models.TaskRun, attempts []models.TaskRunAttempt) error {
	now := time.Now().UTC()
	if s.Dialect() == DialectPostgres {
		// One statement, all or nothing: no transaction needed.
		if err := s.saveStepsStatement(ctx, []RunSteps{{Run: run, TaskRuns: trs, Attempts: attempts}}, now, true); err != nil {
			return fmt.Errorf("saving job run %s: %w", run.ID, err)
		}
		return nil
	}
	write := func(tx *Store) error {
		db := tx.conn(ctx)
		if err := tx.saveStepsResults(ctx, []RunSteps{{Run: run, TaskRuns: trs}}); err != nil {
			return err
		}
		res := db.Model(&models.JobRun{}).
			Where("id = ? AND status NOT IN ?", run.ID, finishedStatuses).
			Updates(map[string]any{
				"status":          run.Status,
				"result_id":       run.ResultID,
				"observed_height": run.ObservedHeight,
				"finished_at":     run.FinishedAt,
				"updated_at":      now,
			})
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return tx.runMissingOrFinished(ctx, run.ID)
		}
		run.UpdatedAt = now
		if err := tx.updateTaskRuns(ctx, trs, now); err != nil {
			return err
		}
		if len(attempts) > 0 {
			rows := make([]models.TaskRunAttempt, len(attempts))
			for i, a := range attempts {
				a.ID = 0
				rows[i] = a
			}
			if err := db.Create(&rows).Error; err != nil {
				return fmt.Errorf("saving attempts of run %s: %w", run.ID, translate(err))
			}
			for _, a := range rows {
				for j := range run.TaskRuns {
					if run.TaskRuns[j].ID == a.TaskRunID {
						run.TaskRuns[j].AttemptLog = append(run.TaskRuns[j].AttemptLog, a)
					}
				}
			}
		}
		return nil
	}
	var err error
	if len(trs) == 0 && len(attempts) == 0 && run.Result == nil {
		err = write(s) // one statement: no transaction needed
	} else {
		err = s.Transact(ctx, write)
	}
	if err != nil {
		return fmt.Errorf("saving job run %s: %w", run.ID, err)
	}
	return nil
}

// updateTaskRuns writes the changing state of trs, one by one (SQLite
// has no round trips to save; PostgreSQL uses saveStepsStatement).
func (s *Store) updateTaskRuns(ctx context.Context, trs []*models.TaskRun, now time.Time) error {
	db := s.conn(ctx)
	for _, tr := range trs {
		err := db.Model(&models.TaskRun{}).Where("id = ?", tr.ID).Updates(map[string]any{
			"status":                              tr.Status,
			"result_id":                           tr.ResultID,
			"confirmations":                       tr.Confirmations,
			"min_required_incoming_confirmations": tr.MinRequiredIncomingConfirmations,
			"attempts":                            tr.Attempts,
			"wake_at":                             tr.WakeAt,
			"updated_at":                          now,
		}).Error
		if err != nil {
			return fmt.Errorf("saving task run %s: %w", tr.ID, translate(err))
		}
		tr.UpdatedAt = now
	}
	return nil
}

// runMissingOrFinished tells why an update of a live run touched no row.
func (s *Store) runMissingOrFinished(ctx context.Context, id string) error {
	var n int64
	if err := s.conn(ctx).Model(&models.JobRun{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return ErrRunFinished
}

// FindJobRun returns a run with its request, result and task runs (by
// index, each with its result and attempts); ErrNotFound when missing.
func (s *Store) FindJobRun(ctx context.Context, id string) (*models.JobRun, error) {
	var run models.JobRun
	if err := withRunChildren(s.conn(ctx)).Where("id = ?", id).Take(&run).Error; err != nil {
		return nil, fmt.Errorf("finding job run %s: %w", id, translate(err))
	}
	return &run, nil
}

// FindJobRuns returns the runs of ids with their children, as FindJobRun
// does one, with a fixed number of queries however many there are. Runs
// that do not exist are left out; the order is the database's.
func (s *Store) FindJobRuns(ctx context.Context, ids []string) ([]*models.JobRun, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var runs []*models.JobRun
	if err := withRunChildren(s.conn(ctx)).Where("id IN ?", ids).Find(&runs).Error; err != nil {
		return nil, fmt.Errorf("finding %d job runs: %w", len(ids), translate(err))
	}
	return runs, nil
}

// FindPausedRuns returns the runs of ids that are paused in status at
// their last task, each with its result and only that task run (with the
// task run's result; not its attempts), and the IDs of the other runs of
// ids whose task run paused in status has more tasks after it. A resume
// that moves only the last task on, and so completes the run, needs no
// more: FindJobRuns, which loads every task run with its result and
// attempts and the run's request, reads 18 rows for a run of a five-task
// job, this 4. A run loaded so is not whole: it must not go to a worker.
// The others are for the caller to load whole (and to check that the
// run itself is still paused). Runs without a task run paused in status
// are in neither.
func (s *Store) FindPausedRuns(ctx context.Context, ids []string, status models.RunStatus) (atLast []*models.JobRun, others []string, err error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	db := s.conn(ctx)
	var paused []struct {
		JobRunID string
		Last     bool
	}
	// A run's task runs in one pass: the one paused in status, and
	// whether any comes after it. The run's own status is checked by the
	// loads that follow.
	err = db.Model(&models.TaskRun{}).
		Select(`job_run_id, MAX("index") = MAX(CASE WHEN status = ? THEN "index" END) AS last`, status).
		Where("job_run_id IN ?", ids).Group("job_run_id").
		Having("COUNT(CASE WHEN status = ? THEN 1 END) = 1", status).Scan(&paused).Error
	if err != nil {
		return nil, nil, fmt.Errorf("finding the tasks of %d runs paused in %s: %w", len(ids), status, translate(err))
	}
	var last []string
	for _, p := range paused {
		if p.Last {
			last = append(last, p.JobRunID)
		} else {
			others = append(others, p.JobRunID)
		}
	}
	if len(last) == 0 {
		return nil, others, nil
	}
	err = db.Preload("Result").
		Preload("TaskRuns", "status = ?", status).
		Preload("TaskRuns.Result").
		Where("id IN ? AND status = ?", last, status).Find(&atLast).Error
	if err != nil {
		return nil, nil, fmt.Errorf("finding %d runs paused in %s: %w", len(last), status, translate(err))
	}
	return atLast, others, nil
}

// FindTaskRun returns a task run (without its attempts); ErrNotFound when
// missing.
func (s *Store) FindTaskRun(ctx context.Context, id string) (*models.TaskRun, error) {
	var tr models.TaskRun
	if err := s.conn(ctx).Preload("Result").Where("id = ?", id).Take(&tr).Error; err != nil {
		return nil, fmt.Errorf("finding task run %s: %w", id, translate(err))
	}
	return &tr, nil
}

// JobRunFilter narrows JobRuns: runs of one job and/or in some statuses.
// Zero fields match everything.
type JobRunFilter struct {
	JobSpecID string
	Statuses  []models.RunStatus
}

// JobRuns returns a page of runs matching f, newest first, with their
// children, and how many runs match in all.
func (s *Store) JobRuns(ctx context.Context, f JobRunFilter, offset, limit int) ([]models.JobRun, int64, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, fmt.Errorf("listing job runs: offset %d and limit %d must be >= 0 and > 0", offset, limit)
	}
	where := func(db *gorm.DB) *gorm.DB {
		if f.JobSpecID != "" {
			db = db.Where("job_spec_id = ?", f.JobSpecID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		return db
	}
	var (
		runs  []models.JobRun
		count int64
	)
	err := s.Transact(ctx, func(tx *Store) error {
		if err := where(tx.conn(ctx).Model(&models.JobRun{})).Count(&count).Error; err != nil {
			return err
		}
		return where(withRunChildren(tx.conn(ctx))).
			Order("created_at DESC, id DESC").Offset(offset).Limit(limit).Find(&runs).Error
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing job runs: %w", err)
	}
	return runs, count, nil
}

// UnfinishedRuns returns every run that is neither completed, errored nor
// cancelled, oldest first, with its children: what a restart resumes.
func (s *Store) UnfinishedRuns(ctx context.Context) ([]models.JobRun, error) {
	var runs []models.JobRun
	err := withRunChildren(s.conn(ctx)).Where("status NOT IN ?", finishedStatuses).
		Order("created_at, id").Find(&runs).Error
	if err != nil {
		return nil, fmt.Errorf("listing unfinished job runs: %w", err)
	}
	return runs, nil
}

// StalledRunIDs returns the IDs of up to limit runs in one of statuses
// last saved before updatedBefore, oldest first: what the runner's sweep
// queues again.
func (s *Store) StalledRunIDs(ctx context.Context, statuses []models.RunStatus, updatedBefore time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.conn(ctx).Model(&models.JobRun{}).Where("status IN ? AND updated_at < ?", statuses, updatedBefore.UTC()).
		Order("updated_at, id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("listing stalled job runs: %w", err)
	}
	return ids, nil
}

// RunsPendingStatus returns the runs in status, oldest first, with their
// children.
func (s *Store) RunsPendingStatus(ctx context.Context, status models.RunStatus) ([]models.JobRun, error) {
	var runs []models.JobRun
	err := withRunChildren(s.conn(ctx)).Where("status = ?", status).Order("created_at, id").Find(&runs).Error
	if err != nil {
		return nil, fmt.Errorf("listing %s job runs: %w", status, err)
	}
	return runs, nil
}

// ObservePendingConfirmations records head as seen by every run waiting in
// pending_incoming_confirmations: the run's observed height and its
// waiting task run's confirmations (head - log block + 1), in two
// statements whatever the number of runs. It reports whether any run
// waits; when none does (jobs without confirmations), one indexed lookup
// is all a head costs.
func (s *Store) ObservePendingConfirmations(ctx context.Context, head int64) (bool, error) {
	now := time.Now().UTC()
	pending := models.RunStatusPendingIncomingConfirmations
	var waiting []string
	if err := s.conn(ctx).Model(&models.JobRun{}).Where("status = ?", pending).Limit(1).Pluck("id", &waiting).Error; err != nil {
		return false, fmt.Errorf("looking for runs waiting on confirmations: %w", err)
	}
	if len(waiting) == 0 {
		return false, nil
	}
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		err := db.Exec(`UPDATE task_runs SET confirmations = ? + 1 - (SELECT run_requests.block_number FROM job_runs
				JOIN run_requests ON run_requests.id = job_runs.run_request_id WHERE job_runs.id = task_runs.job_run_id),
				updated_at = ?
			WHERE status = ? AND job_run_id IN (SELECT job_runs.id FROM job_runs
				JOIN run_requests ON run_requests.id = job_runs.run_request_id
				WHERE job_runs.status = ? AND run_requests.block_number <= ?)`,
			head, now, pending, pending, head).Error
		if err != nil {
			return err
		}
		return db.Model(&models.JobRun{}).Where("status = ? AND creation_height IS NOT NULL", pending).
			Updates(map[string]any{"observed_height": models.NewBig(big.NewInt(head))}).Error
	})
	if err != nil {
		return false, fmt.Errorf("recording head %d for runs waiting on confirmations: %w", head, err)
	}
	return true, nil
}

// RunsDeepEnough returns the IDs of the runs waiting in
// pending_incoming_confirmations whose log has, at head, the
// confirmations their waiting task run needs, oldest first.
func (s *Store) RunsDeepEnough(ctx context.Context, head int64) ([]string, error) {
	var ids []string
	pending := models.RunStatusPendingIncomingConfirmations
	err := s.conn(ctx).Model(&models.JobRun{}).
		Joins("JOIN run_requests ON run_requests.id = job_runs.run_request_id").
		Joins("JOIN task_runs ON task_runs.job_run_id = job_runs.id AND task_runs.status = ?", pending).
		Where("job_runs.status = ? AND run_requests.block_number + task_runs.min_required_incoming_confirmations <= ?", pending, head+1).
		Order("job_runs.created_at, job_runs.id").Pluck("job_runs.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("listing runs deep enough at %d: %w", head, err)
	}
	return ids, nil
}

// RunsWithFinalTx returns the IDs of the runs waiting in
// pending_outgoing_confirmations whose transaction is final (confirmed or
// reverted): of the given task runs only, or of all with none given.
func (s *Store) RunsWithFinalTx(ctx context.Context, taskRunIDs ...string) ([]string, error) {
	var ids []string
	pending := models.RunStatusPendingOutgoingConfirmations
	final := []models.TxState{models.TxStateConfirmed, models.TxStateReverted}
	if len(taskRunIDs) > 0 {
		// The given task runs are looked up first, by key, and only then
		// joined: planned on the tables' statistics from before a burst
		// (a few runs waiting), the join ran from every waiting run and
		// intersected the task runs' status index for each, which took
		// 15-45 ms per call once a thousand runs were waiting.
		err := s.conn(ctx).Raw(`WITH given AS MATERIALIZED (
	SELECT id, job_run_id FROM task_runs WHERE id IN ? AND status = ?)
SELECT DISTINCT given.job_run_id FROM given
JOIN txes ON txes.task_run_id = given.id
JOIN job_runs ON job_runs.id = given.job_run_id
WHERE job_runs.status = ? AND txes.state IN ?`, taskRunIDs, pending, pending, final).Scan(&ids).Error
		if err != nil {
			return nil, fmt.Errorf("listing runs whose transaction is final: %w", err)
		}
		return ids, nil
	}
	err := s.conn(ctx).Model(&models.JobRun{}).
		Joins("JOIN task_runs ON task_runs.job_run_id = job_runs.id AND task_runs.status = ?", pending).
		Joins("JOIN txes ON txes.task_run_id = task_runs.id").
		Where("job_runs.status = ? AND txes.state IN ?", pending, final).
		Distinct().Pluck("job_runs.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("listing runs whose transaction is final: %w", err)
	}
	return ids, nil
}

// JobRunsForLog returns the runs started by the log at (blockHash, txHash,
// logIndex), of any job, with their children.
func (s *Store) JobRunsForLog(ctx context.Context, blockHash, txHash common.Hash, logIndex uint) ([]models.JobRun, error) {
	var runs []models.JobRun
	sub := s.conn(ctx).Model(&models.RunRequest{}).Select("id").
		Where("block_hash = ? AND tx_hash = ? AND log_index = ?", blockHash, txHash, logIndex)
	if err := withRunChildren(s.conn(ctx)).Where("run_request_id IN (?)", sub).Order("created_at, id").Find(&runs).Error; err != nil {
		return nil, fmt.Errorf("listing job runs of log %s/%d: %w", txHash.Hex(), logIndex, err)
	}
	return runs, nil
}

// HasRunForInitiator reports whether any run was started by the
// initiator: a runat initiator that has one never fires again.
func (s *Store) HasRunForInitiator(ctx context.Context, initiatorID int64) (bool, error) {
	var n int64
	if err := s.conn(ctx).Model(&models.JobRun{}).Where("initiator_id = ?", initiatorID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("counting runs of initiator %d: %w", initiatorID, err)
	}
	return n > 0, nil
}

// CancelJobRun marks a run and its unfinished task runs cancelled at at.
// It returns an error wrapping ErrNotFound for an unknown run and
// ErrRunFinished for a finished one.
func (s *Store) CancelJobRun(ctx context.Context, id string, at time.Time) error {
	at = at.UTC()
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		res := db.Model(&models.JobRun{}).Where("id = ? AND status NOT IN ?", id, finishedStatuses).
			Updates(map[string]any{"status": models.RunStatusCancelled, "finished_at": at, "updated_at": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.runMissingOrFinished(ctx, id)
		}
		return db.Model(&models.TaskRun{}).Where("job_run_id = ? AND status NOT IN ?", id, finishedStatuses).
			Updates(map[string]any{"status": models.RunStatusCancelled, "updated_at": at}).Error
	})
	if err != nil {
		return fmt.Errorf("cancelling job run %s: %w", id, err)
	}
	return nil
}

// SetTaskRunStatus sets a task run's status and its run's status to
// status, unless the run is finished (ErrRunFinished). The ethtx glue
// calls it in the transaction that records the answer's transaction.
func (s *Store) SetTaskRunStatus(ctx context.Context, taskRunID string, status models.RunStatus) error {
	now := time.Now().UTC()
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		var tr models.TaskRun
		if err := db.Select("id", "job_run_id").Where("id = ?", taskRunID).Take(&tr).Error; err != nil {
			return translate(err)
		}
		res := db.Model(&models.JobRun{}).Where("id = ? AND status NOT IN ?", tr.JobRunID, finishedStatuses).
			Updates(map[string]any{"status": status, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.runMissingOrFinished(ctx, tr.JobRunID)
		}
		return db.Model(&models.TaskRun{}).Where("id = ?", taskRunID).
			Updates(map[string]any{"status": status, "updated_at": now}).Error
	})
	if err != nil {
		return fmt.Errorf("setting task run %s to %s: %w", taskRunID, status, err)
	}
	return nil
}

// logCursor is a row of log_cursors: the last block whose logs of a
// contract were processed, where the log subscriber's backfill resumes.
type logCursor struct {
	Address   common.Address `gorm:"type:bytes;primaryKey"`
	LastBlock uint64
	UpdatedAt time.Time
}

func (logCursor) TableName() string { return "log_cursors" }

// LastProcessedBlock returns the last block whose logs of address were
// all handled (the log subscriber's cursor); ok is false when none was
// saved.
func (s *Store) LastProcessedBlock(ctx context.Context, address common.Address) (block uint64, ok bool, err error) {
	var rows []logCursor
	if err := s.conn(ctx).Where("address = ?", address).Limit(1).Find(&rows).Error; err != nil {
		return 0, false, fmt.Errorf("reading log cursor of %s: %w", address.Hex(), err)
	}
	if len(rows) == 0 {
		return 0, false, nil
	}
	return rows[0].LastBlock, true, nil
}

// RaiseLastProcessedBlock records block as processed for address's logs.
// It never moves the cursor back (SetLastProcessedBlock does, after a
// reorg).
func (s *Store) RaiseLastProcessedBlock(ctx context.Context, address common.Address, block uint64) error {
	err := s.conn(ctx).Exec(`INSERT INTO log_cursors (address, last_block, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET
			last_block = CASE WHEN log_cursors.last_block < excluded.last_block THEN excluded.last_block ELSE log_cursors.last_block END,
			updated_at = excluded.updated_at`,
		address, block, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("saving log cursor of %s at %d: %w", address.Hex(), block, err)
	}
	return nil
}

// SetLastProcessedBlock sets address's cursor to block, even backwards.
func (s *Store) SetLastProcessedBlock(ctx context.Context, address common.Address, block uint64) error {
	err := s.conn(ctx).Exec(`INSERT INTO log_cursors (address, last_block, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET last_block = excluded.last_block, updated_at = excluded.updated_at`,
		address, block, time.Now().UTC()).Error
	if err != nil {
		return fmt.Errorf("resetting log cursor of %s to %d: %w", address.Hex(), block, err)
	}
	return nil
}
