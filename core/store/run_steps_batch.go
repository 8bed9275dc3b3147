package store

import (
	"context"
	"fmt"
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
// one, in one transaction. On PostgreSQL it is one statement however many
// runs there are (saveStepsStatement): answers recorded together
// (services.RunTxSender) cost one round trip, not one per run. If any run
// is finished nothing is saved and the error wraps ErrRunFinished.
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
	// The statement leaves the runs it updated changed when another is
	// finished: the transaction takes them back.
	err := s.Transact(ctx, func(tx *Store) error {
		return tx.saveStepsStatement(ctx, steps, time.Now().UTC(), false)
	})
	if err != nil {
		return fmt.Errorf("saving the steps of %d runs: %w", len(steps), err)
	}
	return nil
}

// saveStepsResults saves the results of the runs and task runs of steps
// on SQLite (PostgreSQL saves them in saveStepsStatement): the new ones
// with one multi-row INSERT, the saved ones updated in place.
func (s *Store) saveStepsResults(ctx context.Context, steps []RunSteps) error {
	var fresh []*models.RunResult
	var ids []**int64
	for _, st := range steps {
		for r, id := range stepResults(st) {
			if r.ID != 0 {
				if err := s.saveResult(ctx, r, id); err != nil {
					return err
				}
				continue
			}
			fresh, ids = append(fresh, r), append(ids, id)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	if err := s.conn(ctx).Create(&fresh).Error; err != nil {
		return fmt.Errorf("saving %d run results: %w", len(fresh), translate(err))
	}
	for i, r := range fresh {
		rid := r.ID
		*ids[i] = &rid
	}
	return nil
}

// stepResults yields the results of a run's steps, the run's first, with
// the foreign key that points at each.
func stepResults(st RunSteps) func(yield func(*models.RunResult, **int64) bool) {
	return func(yield func(*models.RunResult, **int64) bool) {
		if st.Run.Result != nil && !yield(st.Run.Result, &st.Run.ResultID) {
			return
		}
		for _, tr := range st.TaskRuns {
			if tr.Result != nil && !yield(tr.Result, &tr.ResultID) {
				return
			}
		}
	}
}
