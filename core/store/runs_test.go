package store_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func newRun(t *testing.T, s *store.Store, job *models.JobSpec, req *models.RunRequest) *models.JobRun {
	t.Helper()
	run := &models.JobRun{
		ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: job.Initiators[0].ID, InitiatorType: job.Initiators[0].Type,
		Status: models.RunStatusUnstarted, RunRequest: req,
	}
	for i, task := range job.Tasks {
		run.TaskRuns = append(run.TaskRuns, models.TaskRun{
			ID: models.NewRunID(), TaskSpecID: task.ID, Index: i, Type: task.Type, Status: models.RunStatusUnstarted,
		})
	}
	require.NoError(t, s.CreateJobRun(context.Background(), run))
	return run
}

func logRequest(block common.Hash, tx common.Hash, index uint) *models.RunRequest {
	n := uint64(7)
	return &models.RunRequest{BlockNumber: &n, BlockHash: &block, TxHash: &tx, LogIndex: &index,
		Payment: models.NewBig(big.NewInt(1e18)), RequestParams: models.JSON(`{"get":"x"}`)}
}

func TestCreateFindAndSaveJobRun(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))

	req := logRequest(common.HexToHash("0xb1"), common.HexToHash("0xa1"), 3)
	run := newRun(t, s, job, req)
	require.NotZero(t, req.ID)

	got, err := s.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusUnstarted, got.Status)
	require.Len(t, got.TaskRuns, 3)
	for i, tr := range got.TaskRuns {
		require.Equal(t, i, tr.Index)
		require.Equal(t, job.Tasks[i].Type, tr.Type)
	}
	require.NotNil(t, got.RunRequest)
	require.Equal(t, common.HexToHash("0xb1"), *got.RunRequest.BlockHash)
	require.EqualValues(t, 3, *got.RunRequest.LogIndex)
	require.Equal(t, "1000000000000000000", got.RunRequest.Payment.String())
	require.JSONEq(t, `{"get":"x"}`, string(got.RunRequest.RequestParams))

	// A step: first task completed, second retried once then pending.
	got.Status = models.RunStatusPendingBridge
	got.TaskRuns[0].Status = models.RunStatusCompleted
	got.TaskRuns[0].Result = &models.RunResult{Data: models.JSON(`{"result":1}`), Status: models.RunStatusCompleted}
	got.TaskRuns[1].Status = models.RunStatusPendingBridge
	got.TaskRuns[1].Attempts = 2
	wake := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	got.TaskRuns[1].WakeAt = &wake
	msg := "503 service unavailable"
	require.NoError(t, s.SaveJobRun(ctx, got,
		models.TaskRunAttempt{TaskRunID: got.TaskRuns[1].ID, Attempt: 1, Status: models.RunStatusErrored, Error: &msg},
		models.TaskRunAttempt{TaskRunID: got.TaskRuns[1].ID, Attempt: 2, Status: models.RunStatusPendingBridge},
	))
	// Saving again updates the result in place.
	got.TaskRuns[0].Result.Data = models.JSON(`{"result":2}`)
	require.NoError(t, s.SaveJobRun(ctx, got))

	again, err := s.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingBridge, again.Status)
	require.Equal(t, models.RunStatusCompleted, again.TaskRuns[0].Status)
	require.JSONEq(t, `{"result":2}`, string(again.TaskRuns[0].Result.Data))
	require.Equal(t, 2, again.TaskRuns[1].Attempts)
	require.True(t, wake.Equal(*again.TaskRuns[1].WakeAt))
	require.Len(t, again.TaskRuns[1].AttemptLog, 2)
	require.Equal(t, msg, *again.TaskRuns[1].AttemptLog[0].Error)
	require.Nil(t, again.TaskRuns[1].AttemptLog[1].Error)

	tr, err := s.FindTaskRun(ctx, again.TaskRuns[0].ID)
	require.NoError(t, err)
	require.Equal(t, run.ID, tr.JobRunID)

	require.NoError(t, s.SetTaskRunStatus(ctx, again.TaskRuns[2].ID, models.RunStatusPendingOutgoingConfirmations))
	again, err = s.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, again.Status)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, again.TaskRuns[2].Status)

	_, err = s.FindJobRun(ctx, "nope")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestDuplicateLogIsRefused(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))
	other := newJob(time.Now(), "ethlog")
	require.NoError(t, s.CreateJobSpec(ctx, other))

	block, tx := common.HexToHash("0xb1"), common.HexToHash("0xa1")
	newRun(t, s, job, logRequest(block, tx, 0))

	dup := &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID, Status: models.RunStatusUnstarted, RunRequest: logRequest(block, tx, 0)}
	dup.TaskRuns = []models.TaskRun{{ID: models.NewRunID(), Type: "noop", Status: models.RunStatusUnstarted}}
	err := s.CreateJobRun(ctx, dup)
	require.ErrorIs(t, err, store.ErrDuplicate)
	_, err = s.FindJobRun(ctx, dup.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "nothing of the duplicate is saved")

	// Another log index, or another job watching the same log, is fine.
	newRun(t, s, job, logRequest(block, tx, 1))
	newRun(t, s, other, logRequest(block, tx, 0))
	// Runs without a log never collide.
	newRun(t, s, job, &models.RunRequest{RequestParams: models.JSON(`{}`)})
	newRun(t, s, job, &models.RunRequest{RequestParams: models.JSON(`{}`)})

	runs, err := s.JobRunsForLog(ctx, block, tx, 0)
	require.NoError(t, err)
	require.Len(t, runs, 2)
}

func TestJobRunsQueries(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	a := newJob(time.Now(), "web")
	b := newJob(time.Now(), "web")
	require.NoError(t, s.CreateJobSpec(ctx, a))
	require.NoError(t, s.CreateJobSpec(ctx, b))

	var ids []string
	for i := range 5 {
		job := a
		if i%2 == 1 {
			job = b
		}
		run := newRun(t, s, job, nil)
		ids = append(ids, run.ID)
	}
	// Finish two, cancel one, put one to sleep.
	for i, status := range map[int]models.RunStatus{0: models.RunStatusCompleted, 1: models.RunStatusErrored, 3: models.RunStatusPendingSleep} {
		run, err := s.FindJobRun(ctx, ids[i])
		require.NoError(t, err)
		run.Status = status
		require.NoError(t, s.SaveJobRun(ctx, run))
	}
	require.NoError(t, s.CancelJobRun(ctx, ids[2], time.Now()))
	require.ErrorIs(t, s.CancelJobRun(ctx, ids[2], time.Now()), store.ErrRunFinished)
	require.ErrorIs(t, s.CancelJobRun(ctx, "missing", time.Now()), store.ErrNotFound)
	cancelled, err := s.FindJobRun(ctx, ids[2])
	require.NoError(t, err)
	require.NotNil(t, cancelled.FinishedAt)
	for _, tr := range cancelled.TaskRuns {
		require.Equal(t, models.RunStatusCancelled, tr.Status)
	}

	// A finished run is never changed again.
	cancelled.Status = models.RunStatusCompleted
	require.ErrorIs(t, s.SaveJobRun(ctx, cancelled), store.ErrRunFinished)

	tests := []struct {
		name   string
		filter store.JobRunFilter
		want   []string
	}{
		{"all newest first", store.JobRunFilter{}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"by job", store.JobRunFilter{JobSpecID: b.ID}, []string{ids[3], ids[1]}},
		{"by status", store.JobRunFilter{Statuses: []models.RunStatus{models.RunStatusCompleted, models.RunStatusCancelled}}, []string{ids[2], ids[0]}},
		{"by job and status", store.JobRunFilter{JobSpecID: a.ID, Statuses: []models.RunStatus{models.RunStatusUnstarted}}, []string{ids[4]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs, count, err := s.JobRuns(ctx, tt.filter, 0, 10)
			require.NoError(t, err)
			require.EqualValues(t, len(tt.want), count)
			var got []string
			for _, r := range runs {
				got = append(got, r.ID)
			}
			require.Equal(t, tt.want, got)
		})
	}
	page, count, err := s.JobRuns(ctx, store.JobRunFilter{}, 1, 2)
	require.NoError(t, err)
	require.EqualValues(t, 5, count)
	require.Equal(t, ids[3], page[0].ID)
	require.Equal(t, ids[2], page[1].ID)
	_, _, err = s.JobRuns(ctx, store.JobRunFilter{}, 0, 0)
	require.Error(t, err)

	unfinished, err := s.UnfinishedRuns(ctx)
	require.NoError(t, err)
	require.Len(t, unfinished, 2)
	require.Equal(t, ids[3], unfinished[0].ID)
	require.Equal(t, ids[4], unfinished[1].ID)

	sleeping, err := s.RunsPendingStatus(ctx, models.RunStatusPendingSleep)
	require.NoError(t, err)
	require.Len(t, sleeping, 1)
	require.Equal(t, ids[3], sleeping[0].ID)

	ran, err := s.HasRunForInitiator(ctx, a.Initiators[0].ID)
	require.NoError(t, err)
	require.True(t, ran)
	c := newJob(time.Now(), "runat")
	require.NoError(t, s.CreateJobSpec(ctx, c))
	ran, err = s.HasRunForInitiator(ctx, c.Initiators[0].ID)
	require.NoError(t, err)
	require.False(t, ran)
}

func TestLogCursor(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	addr := common.HexToAddress("0x1234")
	_, ok, err := s.LastProcessedBlock(ctx, addr)
	require.NoError(t, err)
	require.False(t, ok)

	steps := []struct {
		save  uint64
		reset bool
		want  uint64
	}{{10, false, 10}, {12, false, 12}, {11, false, 12}, {5, true, 5}}
	for _, st := range steps {
		if st.reset {
			require.NoError(t, s.SetLastProcessedBlock(ctx, addr, st.save))
		} else {
			require.NoError(t, s.RaiseLastProcessedBlock(ctx, addr, st.save))
		}
		got, ok, err := s.LastProcessedBlock(ctx, addr)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, st.want, got, "after saving %d (reset %v)", st.save, st.reset)
	}
}

// TestObservePendingConfirmations: a head counts the confirmations of the
// runs waiting on their log, and says whether any waits, so a node whose
// jobs need none does no updates per head.
func TestObservePendingConfirmations(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))

	waiting, err := s.ObservePendingConfirmations(ctx, 10)
	require.NoError(t, err)
	require.False(t, waiting, "no run waits")

	run := newRun(t, s, job, logRequest(common.HexToHash("0xb1"), common.HexToHash("0x71"), 0)) // log in block 7
	run.Status, run.TaskRuns[0].Status = models.RunStatusPendingIncomingConfirmations, models.RunStatusPendingIncomingConfirmations
	run.TaskRuns[0].MinRequiredIncomingConfirmations = 5
	require.NoError(t, s.SaveJobRun(ctx, run))

	waiting, err = s.ObservePendingConfirmations(ctx, 10)
	require.NoError(t, err)
	require.True(t, waiting)
	got, err := s.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.EqualValues(t, 4, got.TaskRuns[0].Confirmations, "blocks 7 to 10")
	deep, err := s.RunsDeepEnough(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, deep)
	deep, err = s.RunsDeepEnough(ctx, 11)
	require.NoError(t, err)
	require.Equal(t, []string{run.ID}, deep)
}

// TestFindJobRuns loads several runs with their children at once; an
// unknown ID is left out.
func TestFindJobRuns(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		want := map[string]uint{}
		var ids []string
		for i := range 3 {
			run := newRun(t, s, job, logRequest(common.HexToHash("0xb1"), common.HexToHash("0xa1"), uint(i)))
			want[run.ID] = uint(i)
			ids = append(ids, run.ID)
		}
		runs, err := s.FindJobRuns(ctx, append(ids, "missing"))
		require.NoError(t, err)
		require.Len(t, runs, 3)
		for _, got := range runs {
			index, ok := want[got.ID]
			require.True(t, ok, "run %s was not asked for", got.ID)
			require.NotNil(t, got.RunRequest)
			require.EqualValues(t, index, *got.RunRequest.LogIndex, "its own request")
			require.Len(t, got.TaskRuns, 3)
			for i, tr := range got.TaskRuns {
				require.Equal(t, i, tr.Index, "task runs in order")
			}
		}
		none, err := s.FindJobRuns(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, none)
	})
}

// TestFindPausedRuns loads the runs paused in a status at their last
// task with only that task run, and names the others paused in it.
func TestFindPausedRuns(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog") // three tasks
		require.NoError(t, s.CreateJobSpec(ctx, job))
		pending := models.RunStatusPendingOutgoingConfirmations
		// paused returns a run paused in status at task index, the tasks
		// before it completed with a result each.
		paused := func(i uint, index int, status models.RunStatus) *models.JobRun {
			run := newRun(t, s, job, logRequest(common.HexToHash("0xb1"), common.HexToHash("0x91"), i))
			for k := range index {
				run.TaskRuns[k].Status = models.RunStatusCompleted
				run.TaskRuns[k].Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"task":%d}`, k)), Status: models.RunStatusCompleted}
			}
			tr := &run.TaskRuns[index]
			tr.Status = status
			tr.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"paused":%d}`, i)), Status: status}
			run.Status = status
			run.Result = &models.RunResult{Data: models.JSON(`{}`), Status: status}
			require.NoError(t, s.SaveJobRun(ctx, run))
			return run
		}
		last := paused(0, 2, pending)
		middle := paused(1, 1, pending)
		elsewhere := paused(2, 2, models.RunStatusPendingBridge)
		alsoLast := paused(3, 2, pending)

		runs, others, err := s.FindPausedRuns(ctx, []string{last.ID, middle.ID, elsewhere.ID, alsoLast.ID, "missing"}, pending)
		require.NoError(t, err)
		require.Len(t, runs, 2, "only the runs paused in the status at their last task")
		require.Equal(t, []string{middle.ID}, others, "the run paused before its last task")
		for _, got := range runs {
			want := map[string]*models.JobRun{last.ID: last, alsoLast.ID: alsoLast}[got.ID]
			require.NotNil(t, want, "run %s was not asked for", got.ID)
			require.Len(t, got.TaskRuns, 1, "only the paused task run")
			tr := got.TaskRuns[0]
			wantTR := want.NextTaskRun()
			require.Equal(t, wantTR.ID, tr.ID)
			require.Equal(t, pending, tr.Status)
			require.NotNil(t, tr.Result, "the paused task run's result")
			require.JSONEq(t, string(wantTR.Result.Data), string(tr.Result.Data))
			require.NotNil(t, got.Result, "the run's result")
			require.Equal(t, *want.ResultID, got.Result.ID)
			require.Nil(t, got.RunRequest, "not its request")
		}
		none, others, err := s.FindPausedRuns(ctx, nil, pending)
		require.NoError(t, err)
		require.Empty(t, none)
		require.Empty(t, others)
	})
}

// TestRunsWithFinalTx lists the runs waiting on their answer whose tx is
// final: of the task runs named, or of all.
func TestRunsWithFinalTx(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		from := common.HexToAddress("0x00000000000000000000000000000000000000f1")
		pending := models.RunStatusPendingOutgoingConfirmations
		// waiting returns a run waiting on the tx of its last task run,
		// the tx in state (none: no tx).
		waiting := func(i uint, state models.TxState) (*models.JobRun, string) {
			run := newRun(t, s, job, logRequest(common.HexToHash("0xb1"), common.HexToHash("0x71"), i))
			tr := &run.TaskRuns[len(run.TaskRuns)-1]
			run.Status, tr.Status = pending, pending
			require.NoError(t, s.SaveJobRun(ctx, run))
			if state != "" {
				tx := newTestTx(tr.ID, from, uint64(i), hashN(byte(i)+1))
				tx.State = state
				require.NoError(t, s.InsertTx(ctx, tx))
			}
			return run, tr.ID
		}
		confirmed, confirmedTR := waiting(0, models.TxStateConfirmed)
		reverted, revertedTR := waiting(1, models.TxStateReverted)
		_, unconfirmedTR := waiting(2, models.TxStateUnconfirmed)
		_, noTxTR := waiting(3, "")
		done, doneTR := waiting(4, models.TxStateConfirmed)
		done.Status = models.RunStatusCompleted
		require.NoError(t, s.SaveJobRun(ctx, done))

		all, err := s.RunsWithFinalTx(ctx)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{confirmed.ID, reverted.ID}, all)

		named, err := s.RunsWithFinalTx(ctx, confirmedTR, unconfirmedTR, noTxTR, doneTR, "missing")
		require.NoError(t, err)
		require.Equal(t, []string{confirmed.ID}, named)
		named, err = s.RunsWithFinalTx(ctx, revertedTR, confirmedTR)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{confirmed.ID, reverted.ID}, named)
	})
}
