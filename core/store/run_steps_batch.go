package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// RunSteps is one run's changed state for SaveRunsSteps: the run's own
// state, the task runs that changed, and attempts to insert.
type RunSteps struct {
	Run      *models.JobRun
	TaskRuns []*models.TaskRun
	Attempts []models.TaskRunAttempt
}

// SaveRunsSteps saves the steps of several runs as SaveJobRunSteps saves
// one, in one transaction. On PostgreSQL it takes a fixed number of
// statements however many runs there are: answers recorded together
// (services.RunTxSender) cost one round trip each per kind of row, not one
// per run. If any run is finished nothing is saved and the error wraps
// ErrRunFinished.
func (s *Store) SaveRunsSteps(ctx context.Context, steps []RunSteps) error {
	switch len(steps) {
	case 0:
		return nil
	case 1:
		return s.SaveJobRunSteps(ctx, steps[0].Run, steps[0].TaskRuns, steps[0].Attempts...)
	}
	if s.Dialect() != DialectPostgres {
		// SQLite has no round trips to save: one run at a time.
		return s.Transact(ctx, func(tx *Store) error {
			for _, st := range steps {
				if err := tx.SaveJobRunSteps(ctx, st.Run, st.TaskRuns, st.Attempts...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	now := time.Now().UTC()
	err := s.Transact(ctx, func(tx *Store) error {
		var trs []*models.TaskRun
		var attempts []models.TaskRunAttempt
		for _, st := range steps {
			if st.Run == nil || st.Run.ID == "" {
				return errors.New("run ID is required")
			}
		}
		if err := tx.saveStepsResults(ctx, steps, now); err != nil {
			return err
		}
		for _, st := range steps {
			trs = append(trs, st.TaskRuns...)
			for _, a := range st.Attempts {
				a.ID = 0
				attempts = append(attempts, a)
			}
		}
		if err := tx.updateRuns(ctx, steps, now); err != nil {
			return err
		}
		if err := tx.updateTaskRuns(ctx, trs, now); err != nil {
			return err
		}
		if len(attempts) > 0 {
			if err := tx.conn(ctx).Create(&attempts).Error; err != nil {
				return fmt.Errorf("saving attempts: %w", translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving the steps of %d runs: %w", len(steps), err)
	}
	for _, st := range steps {
		st.Run.UpdatedAt = now
	}
	return nil
}

// saveStepsResults saves the results of the runs and task runs of steps
// (one run's, for SaveJobRunSteps): the new ones with one multi-row
// INSERT, the saved ones updated in place, on PostgreSQL with one UPDATE
// however many there are (a batch of answers would otherwise pay a round
// trip per run).
func (s *Store) saveStepsResults(ctx context.Context, steps []RunSteps, now time.Time) error {
	var fresh, saved []*models.RunResult
	var ids, savedIDs []**int64
	add := func(r *models.RunResult, id **int64) {
		switch {
		case r == nil:
		case r.ID == 0:
			fresh, ids = append(fresh, r), append(ids, id)
		default:
			saved, savedIDs = append(saved, r), append(savedIDs, id)
		}
	}
	for _, st := range steps {
		add(st.Run.Result, &st.Run.ResultID)
		for _, tr := range st.TaskRuns {
			add(tr.Result, &tr.ResultID)
		}
	}
	db := s.conn(ctx)
	if len(saved) == 1 || (len(saved) > 1 && s.Dialect() != DialectPostgres) {
		for i, r := range saved {
			if err := s.saveResult(ctx, r, savedIDs[i]); err != nil {
				return err
			}
		}
	} else if len(saved) > 1 {
		var sql strings.Builder
		sql.WriteString(`UPDATE run_results AS r SET data = v.data, status = v.status, error_message = v.error_message,
			updated_at = v.updated_at FROM (VALUES `)
		args := make([]any, 0, len(saved)*5)
		for i, r := range saved {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?::bigint, ?::text, ?::varchar, ?::text, ?::timestamptz)")
			args = append(args, r.ID, r.Data, string(r.Status), r.ErrorMessage, now)
		}
		sql.WriteString(`) AS v(id, data, status, error_message, updated_at) WHERE r.id = v.id`)
		if err := db.Exec(sql.String(), args...).Error; err != nil {
			return fmt.Errorf("saving %d run results: %w", len(saved), translate(err))
		}
		for i, r := range saved {
			rid := r.ID
			*savedIDs[i] = &rid
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	if err := db.Create(&fresh).Error; err != nil {
		return fmt.Errorf("saving %d run results: %w", len(fresh), translate(err))
	}
	for i, r := range fresh {
		rid := r.ID
		*ids[i] = &rid
	}
	return nil
}

// updateRuns writes the changing state of the runs of steps with one
// PostgreSQL UPDATE, refusing finished runs.
func (s *Store) updateRuns(ctx context.Context, steps []RunSteps, now time.Time) error {
	var sql strings.Builder
	sql.WriteString(`UPDATE job_runs AS j SET status = v.status, result_id = v.result_id, observed_height = v.observed_height,
		finished_at = v.finished_at, updated_at = v.updated_at FROM (VALUES `)
	args := make([]any, 0, len(steps)*6)
	for i, st := range steps {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?::varchar, ?::varchar, ?::bigint, ?::text, ?::timestamptz, ?::timestamptz)")
		var observed any
		if st.Run.ObservedHeight != nil {
			observed = st.Run.ObservedHeight.String()
		}
		args = append(args, st.Run.ID, string(st.Run.Status), st.Run.ResultID, observed, st.Run.FinishedAt, now)
	}
	sql.WriteString(`) AS v(id, status, result_id, observed_height, finished_at, updated_at)
		WHERE j.id = v.id AND j.status NOT IN ?`)
	args = append(args, finishedStatuses)
	res := s.conn(ctx).Exec(sql.String(), args...)
	if res.Error != nil {
		return fmt.Errorf("saving %d runs: %w", len(steps), translate(res.Error))
	}
	if res.RowsAffected == int64(len(steps)) {
		return nil
	}
	// Some run is missing or finished: name it.
	for _, st := range steps {
		var live int64
		if err := s.conn(ctx).Model(&models.JobRun{}).Where("id = ? AND status NOT IN ?", st.Run.ID, finishedStatuses).
			Count(&live).Error; err != nil {
			return translate(err)
		}
		if live == 0 {
			return fmt.Errorf("saving job run %s: %w", st.Run.ID, s.runMissingOrFinished(ctx, st.Run.ID))
		}
	}
	return fmt.Errorf("saving %d runs: %d updated", len(steps), res.RowsAffected)
}

// SaveRunResultsData writes the data of saved results (their IDs set), on
// PostgreSQL with one UPDATE.
func (s *Store) SaveRunResultsData(ctx context.Context, results []*models.RunResult) error {
	if len(results) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for _, r := range results {
		if r == nil || r.ID == 0 {
			return errors.New("saving run results: a result has no row yet")
		}
	}
	db := s.conn(ctx)
	if len(results) == 1 || s.Dialect() != DialectPostgres {
		for _, r := range results {
			if err := db.Model(&models.RunResult{}).Where("id = ?", r.ID).
				Updates(map[string]any{"data": r.Data, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("saving run result %d: %w", r.ID, translate(err))
			}
		}
		return nil
	}
	var sql strings.Builder
	sql.WriteString(`UPDATE run_results AS r SET data = v.data, updated_at = v.updated_at FROM (VALUES `)
	args := make([]any, 0, len(results)*3)
	for i, r := range results {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?::bigint, ?::text, ?::timestamptz)")
		data := string(r.Data)
		if data == "" {
			data = "null"
		}
		args = append(args, r.ID, data, now)
	}
	sql.WriteString(`) AS v(id, data, updated_at) WHERE r.id = v.id`)
	if err := db.Exec(sql.String(), args...).Error; err != nil {
		return fmt.Errorf("saving %d run results: %w", len(results), translate(err))
	}
	return nil
}
