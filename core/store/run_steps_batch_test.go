package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestSaveRunsSteps saves the steps of several runs together, as the
// answers recorded in one transaction do, and refuses the whole batch
// when one run is finished.
func TestSaveRunsSteps(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "web")
		require.NoError(t, s.CreateJobSpec(ctx, job))

		runs := make([]*models.JobRun, 3)
		for i := range runs {
			runs[i] = newRun(t, s, job, nil)
		}
		wake := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		var steps []store.RunSteps
		for i, run := range runs {
			run.Status = models.RunStatusPendingOutgoingConfirmations
			var trs []*models.TaskRun
			var attempts []models.TaskRunAttempt
			for j := range run.TaskRuns[:2] {
				tr := &run.TaskRuns[j]
				tr.Status, tr.Attempts = models.RunStatusCompleted, 1
				tr.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"result":%d}`, 10*i+j)), Status: models.RunStatusCompleted}
				trs = append(trs, tr)
				attempts = append(attempts, models.TaskRunAttempt{TaskRunID: tr.ID, Attempt: 1, Status: models.RunStatusCompleted})
			}
			trs[1].WakeAt = &wake
			steps = append(steps, store.RunSteps{Run: run, TaskRuns: trs, Attempts: attempts})
		}
		require.NoError(t, s.SaveRunsSteps(ctx, steps))

		for i, run := range runs {
			got, err := s.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			require.Equal(t, models.RunStatusPendingOutgoingConfirmations, got.Status)
			for j := range 2 {
				tr := got.TaskRuns[j]
				require.Equal(t, models.RunStatusCompleted, tr.Status)
				require.JSONEq(t, fmt.Sprintf(`{"result":%d}`, 10*i+j), string(tr.Result.Data))
				require.Len(t, tr.AttemptLog, 1)
			}
			require.True(t, wake.Equal(*got.TaskRuns[1].WakeAt))
			require.Nil(t, got.TaskRuns[0].WakeAt)
			require.Equal(t, models.RunStatusUnstarted, got.TaskRuns[2].Status)
		}

		// Saved results are updated in place and new ones inserted, for
		// every run of the batch at once.
		steps = steps[:0]
		for i, run := range runs {
			tr := &run.TaskRuns[0]
			msg := fmt.Sprintf("failed %d", i)
			tr.Status = models.RunStatusErrored
			tr.Result = &models.RunResult{ID: tr.Result.ID, Data: models.JSON(`{"x":1}`), Status: models.RunStatusErrored, ErrorMessage: &msg}
			run.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"run":%d}`, i)), Status: models.RunStatusPendingOutgoingConfirmations}
			steps = append(steps, store.RunSteps{Run: run, TaskRuns: []*models.TaskRun{tr}})
		}
		require.NoError(t, s.SaveRunsSteps(ctx, steps))
		for i, run := range runs {
			got, err := s.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			tr := got.TaskRuns[0]
			require.Equal(t, run.TaskRuns[0].Result.ID, tr.Result.ID, "updated in place")
			require.Equal(t, models.RunStatusErrored, tr.Result.Status)
			require.NotNil(t, tr.Result.ErrorMessage)
			require.Equal(t, fmt.Sprintf("failed %d", i), *tr.Result.ErrorMessage)
			require.JSONEq(t, `{"x":1}`, string(tr.Result.Data))
			require.NotNil(t, got.Result)
			require.Equal(t, run.Result.ID, got.Result.ID)
			require.JSONEq(t, fmt.Sprintf(`{"run":%d}`, i), string(got.Result.Data))
		}

		// One finished run refuses the batch: nothing of it is saved.
		require.NoError(t, s.CancelJobRun(ctx, runs[1].ID, time.Now()))
		for _, run := range runs {
			run.TaskRuns[2].Status = models.RunStatusErrored
		}
		steps = steps[:0]
		for _, run := range runs {
			steps = append(steps, store.RunSteps{Run: run, TaskRuns: []*models.TaskRun{&run.TaskRuns[2]}})
		}
		require.ErrorIs(t, s.SaveRunsSteps(ctx, steps), store.ErrRunFinished)
		got, err := s.FindJobRun(ctx, runs[0].ID)
		require.NoError(t, err)
		require.Equal(t, models.RunStatusUnstarted, got.TaskRuns[2].Status, "the batch was rolled back")
	})
}
