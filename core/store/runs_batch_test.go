package store_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// unsavedRun builds, without saving, a run of job with req and one task
// run per task.
func unsavedRun(job *models.JobSpec, req *models.RunRequest) *models.JobRun {
	run := &models.JobRun{
		ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: job.Initiators[0].ID, InitiatorType: job.Initiators[0].Type,
		Status: models.RunStatusUnstarted, RunRequest: req,
	}
	for i, task := range job.Tasks {
		run.TaskRuns = append(run.TaskRuns, models.TaskRun{
			ID: models.NewRunID(), TaskSpecID: task.ID, Index: i, Type: task.Type, Status: models.RunStatusUnstarted,
		})
	}
	return run
}

// logReq is a log's run request at block hash 0xb<n>, tx hash 0xa<n>.
func logReq(n int) *models.RunRequest {
	return logRequest(common.HexToHash(fmt.Sprintf("0xb%d", n)), common.HexToHash(fmt.Sprintf("0xa%d", n)), uint(n))
}

func TestCreateJobRuns(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		other := newJob(time.Now(), "ethlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		require.NoError(t, s.CreateJobSpec(ctx, other))
		existing := newRun(t, s, job, logReq(1))

		errMsg := "boom"
		tests := []struct {
			name    string
			runs    func() []*models.JobRun
			wantDup bool
		}{
			{"no runs", func() []*models.JobRun { return nil }, false},
			{"one run", func() []*models.JobRun { return []*models.JobRun{unsavedRun(job, logReq(2))} }, false},
			{"many logs, a run without a request, results", func() []*models.JobRun {
				var runs []*models.JobRun
				for n := 10; n < 20; n++ {
					runs = append(runs, unsavedRun(job, logReq(n)))
				}
				web := unsavedRun(job, nil)
				web.Status = models.RunStatusErrored
				web.Result = &models.RunResult{Status: models.RunStatusErrored, ErrorMessage: &errMsg}
				web.TaskRuns[0].Result = &models.RunResult{Data: models.JSON(`{"result":1}`), Status: models.RunStatusCompleted}
				web.TaskRuns[0].Status = models.RunStatusCompleted
				return append(runs, web)
			}, false},
			{"the same log for two jobs", func() []*models.JobRun {
				return []*models.JobRun{unsavedRun(job, logReq(30)), unsavedRun(other, logReq(30))}
			}, false},
			{"more rows than one INSERT takes", func() []*models.JobRun {
				var runs []*models.JobRun
				for n := 1000; n < 2100; n++ {
					runs = append(runs, unsavedRun(other, logReq(n)))
				}
				return runs
			}, false},
			{"a log that already has its run", func() []*models.JobRun {
				return []*models.JobRun{unsavedRun(job, logReq(40)), unsavedRun(job, logReq(1)), unsavedRun(job, logReq(41))}
			}, true},
			{"one log twice in the batch", func() []*models.JobRun {
				return []*models.JobRun{unsavedRun(job, logReq(50)), unsavedRun(job, logReq(51)), unsavedRun(job, logReq(50))}
			}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, before, err := s.JobRuns(ctx, store.JobRunFilter{}, 0, 1)
				require.NoError(t, err)
				runs := tt.runs()
				err = s.CreateJobRuns(ctx, runs)
				_, after, cerr := s.JobRuns(ctx, store.JobRunFilter{}, 0, 1)
				require.NoError(t, cerr)
				if tt.wantDup {
					require.ErrorIs(t, err, store.ErrDuplicate)
					assert.Equal(t, before, after, "nothing saved")
					for _, run := range runs {
						assert.Nil(t, run.RunRequestID, "IDs cleared after the rollback")
						assert.Zero(t, run.RunRequest.ID)
					}
					// The same runs save once the duplicate is taken out.
					var rest []*models.JobRun
					seen := map[common.Hash]bool{}
					for _, run := range runs {
						h := *run.RunRequest.TxHash
						if h == *existing.RunRequest.TxHash || seen[h] {
							continue
						}
						seen[h] = true
						rest = append(rest, run)
					}
					require.NoError(t, s.CreateJobRuns(ctx, rest))
					return
				}
				require.NoError(t, err)
				require.Equal(t, before+int64(len(runs)), after)
				for _, run := range runs {
					got, err := s.FindJobRun(ctx, run.ID)
					require.NoError(t, err)
					assert.Equal(t, run.Status, got.Status)
					assert.Equal(t, run.JobSpecID, got.JobSpecID)
					if run.RunRequest != nil {
						require.NotNil(t, run.RunRequestID)
						require.NotNil(t, got.RunRequest)
						assert.Equal(t, *run.RunRequestID, got.RunRequest.ID)
						assert.Equal(t, run.RunRequest.ID, got.RunRequest.ID)
						assert.Equal(t, *run.RunRequest.TxHash, *got.RunRequest.TxHash, "each run points at its own request")
						assert.Equal(t, *run.RunRequest.LogIndex, *got.RunRequest.LogIndex)
						assert.Equal(t, run.JobSpecID, got.RunRequest.JobSpecID)
					} else {
						assert.Nil(t, got.RunRequest)
					}
					if run.Result != nil {
						require.NotNil(t, got.Result)
						assert.Equal(t, run.Result.ID, *run.ResultID)
						assert.Equal(t, errMsg, *got.Result.ErrorMessage)
					}
					require.Len(t, got.TaskRuns, len(run.TaskRuns))
					for i, tr := range got.TaskRuns {
						want := run.TaskRuns[i]
						assert.Equal(t, want.ID, tr.ID)
						assert.Equal(t, run.ID, want.JobRunID)
						assert.Equal(t, want.Status, tr.Status)
						if want.Result != nil {
							require.NotNil(t, tr.Result)
							assert.Equal(t, want.Result.ID, *want.ResultID)
							assert.JSONEq(t, string(want.Result.Data), string(tr.Result.Data))
						} else {
							assert.Nil(t, tr.Result)
						}
					}
				}
			})
		}

		t.Run("a run without IDs is refused", func(t *testing.T) {
			run := unsavedRun(job, logReq(60))
			run.ID = ""
			assert.Error(t, s.CreateJobRuns(ctx, []*models.JobRun{unsavedRun(job, logReq(61)), run}))
		})
	})
}

// BenchmarkCreateJobRuns saves runs of five tasks in batches of 100 (the
// test engine's store), for comparison with one CreateJobRun each.
func BenchmarkCreateJobRuns(b *testing.B) {
	ctx := context.Background()
	s := testdb.Open(b)
	job := newJob(time.Now(), "runlog")
	job.Tasks = append(job.Tasks, models.TaskSpec{Type: "multiply"}, models.TaskSpec{Type: "ethuint256"})
	require.NoError(b, s.CreateJobSpec(ctx, job))
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		runs := make([]*models.JobRun, 100)
		for i := range runs {
			n++
			runs[i] = unsavedRun(job, logReq(n))
		}
		if err := s.CreateJobRuns(ctx, runs); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCreateJobRunsKeepsEveryField saves a run of a full OracleRequest,
// alone and in a batch, and reads every column back as it was given.
func TestCreateJobRunsKeepsEveryField(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		full := func(n int64) *models.JobRun {
			req := models.NewRunRequest(&models.OracleRequest{
				Address: common.HexToAddress("0x0a"), Requester: common.HexToAddress("0x0b"),
				RequestID: common.HexToHash(fmt.Sprintf("0x1d%d", n)), Payment: big.NewInt(1e18 + n),
				CallbackAddr: common.HexToAddress("0x0c"), CallbackFunctionID: [4]byte{1, 2, 3, 4},
				CancelExpiration: big.NewInt(1_700_000_000 + n), DataVersion: big.NewInt(1),
				BlockNumber: uint64(100 + n), BlockHash: common.HexToHash(fmt.Sprintf("0xb1%d", n)),
				TxHash: common.HexToHash(fmt.Sprintf("0xa1%d", n)), LogIndex: uint(n),
			}, models.JSON(`{"get":"https://example.com","path":["USD"]}`))
			run := unsavedRun(job, &req)
			run.CreationHeight, run.ObservedHeight = models.NewBig(big.NewInt(100+n)), models.NewBig(big.NewInt(102+n))
			run.Payment = req.Payment
			run.TaskRuns[1].MinRequiredIncomingConfirmations = 3
			return run
		}
		alone := full(1)
		require.NoError(t, s.CreateJobRuns(ctx, []*models.JobRun{alone}))
		batch := []*models.JobRun{full(2), unsavedRun(job, nil), full(3)}
		require.NoError(t, s.CreateJobRuns(ctx, batch))
		for _, run := range append(batch, alone) {
			got, err := s.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			assert.Equal(t, run.InitiatorID, got.InitiatorID)
			assert.Equal(t, run.InitiatorType, got.InitiatorType)
			assert.Equal(t, run.CreationHeight.String(), got.CreationHeight.String())
			assert.Equal(t, run.ObservedHeight.String(), got.ObservedHeight.String())
			assert.Equal(t, run.Payment.String(), got.Payment.String())
			assert.Equal(t, run.TaskRuns[1].MinRequiredIncomingConfirmations, got.TaskRuns[1].MinRequiredIncomingConfirmations)
			assert.Equal(t, run.TaskRuns[2].Type, got.TaskRuns[2].Type)
			if run.RunRequest == nil {
				assert.Nil(t, got.RunRequest)
				continue
			}
			want, have := *run.RunRequest, *got.RunRequest
			require.WithinDuration(t, want.CreatedAt, have.CreatedAt, time.Millisecond)
			want.CreatedAt, have.CreatedAt = time.Time{}, time.Time{}
			assert.JSONEq(t, string(want.RequestParams), string(have.RequestParams))
			want.RequestParams, have.RequestParams = nil, nil
			assert.Equal(t, want, have)
		}
	})
}

// TestCreateJobRunsForNewRequests saves runs of requests in one statement
// only while none of the requests has a live run: a request seen again
// (its log delivered again, or moved by a reorg) makes it save nothing,
// for the caller to take the general way; a cancelled or errored run does
// not count.
func TestCreateJobRunsForNewRequests(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		other := newJob(time.Now(), "runlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		require.NoError(t, s.CreateJobSpec(ctx, other))
		// reqOf is log n's request, with request ID id.
		reqOf := func(n int, id byte) *models.RunRequest {
			r := logReq(n)
			rid := hashN(id)
			r.RequestID = &rid
			return r
		}
		count := func() int64 {
			t.Helper()
			_, n, err := s.JobRuns(ctx, store.JobRunFilter{}, 0, 1000)
			require.NoError(t, err)
			return n
		}
		if engine == testdb.EngineSQLite {
			created, err := s.CreateJobRunsForNewRequests(ctx, []*models.JobRun{unsavedRun(job, reqOf(1, 1))})
			require.NoError(t, err)
			assert.False(t, created, "PostgreSQL only")
			assert.Zero(t, count())
			return
		}

		first := []*models.JobRun{unsavedRun(job, reqOf(1, 1)), unsavedRun(job, reqOf(2, 2))}
		created, err := s.CreateJobRunsForNewRequests(ctx, first)
		require.NoError(t, err)
		require.True(t, created)
		for _, run := range first {
			require.NotNil(t, run.RunRequestID)
			got, err := s.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			assert.Equal(t, *run.RunRequest.RequestID, *got.RunRequest.RequestID)
			assert.Len(t, got.TaskRuns, len(job.Tasks))
		}
		require.EqualValues(t, 2, count())

		// Request 2 again, from another log: nothing of the batch saved.
		moved := []*models.JobRun{unsavedRun(job, reqOf(3, 3)), unsavedRun(job, reqOf(4, 2))}
		created, err = s.CreateJobRunsForNewRequests(ctx, moved)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Nil(t, moved[0].RunRequestID)
		assert.EqualValues(t, 2, count())

		// The same request ID of another job is another request.
		created, err = s.CreateJobRunsForNewRequests(ctx, []*models.JobRun{unsavedRun(other, reqOf(5, 2))})
		require.NoError(t, err)
		assert.True(t, created)

		// Once request 2's run is cancelled, the moved log takes a run.
		require.NoError(t, s.CancelJobRun(ctx, first[1].ID, time.Now()))
		moved = []*models.JobRun{unsavedRun(job, reqOf(3, 3)), unsavedRun(job, reqOf(4, 2))}
		created, err = s.CreateJobRunsForNewRequests(ctx, moved)
		require.NoError(t, err)
		assert.True(t, created)
		assert.EqualValues(t, 5, count())

		// The same log again, its run cancelled: the log's unique key
		// refuses it, and nothing is saved.
		require.NoError(t, s.CancelJobRun(ctx, moved[0].ID, time.Now()))
		again := []*models.JobRun{unsavedRun(job, reqOf(6, 6)), unsavedRun(job, reqOf(3, 3))}
		_, err = s.CreateJobRunsForNewRequests(ctx, again)
		require.ErrorIs(t, err, store.ErrDuplicate)
		assert.Nil(t, again[0].RunRequestID)
		assert.EqualValues(t, 5, count())
	})
}

// TestArrayStatementsPlanOnce: the pool of the array statements plans
// each once (generic plans) and by keys (no sequential scans), the main
// pool keeps PostgreSQL's defaults.
func TestArrayStatementsPlanOnce(t *testing.T) {
	testdb.PostgresURL(t) // skips without a server (fails with CI=true)
	s := testdb.OpenEngine(t, testdb.EnginePostgres)
	for name, want := range map[string][2]string{
		"plan_cache_mode": {"force_generic_plan", "auto"},
		"enable_seqscan":  {"off", "on"},
	} {
		arrays, main, err := s.SessionSetting(context.Background(), name)
		require.NoError(t, err)
		assert.Equal(t, want[0], arrays, name)
		assert.Equal(t, want[1], main, name)
	}
}
