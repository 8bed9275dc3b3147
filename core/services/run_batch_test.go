package services_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// batchNode is a started RunManager on a fresh test store.
func batchNode(t *testing.T, cfg services.RunConfig) (*services.RunManager, *store.Store) {
	t.Helper()
	st := testdb.Open(t)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(client.CloseIdleConnections)
	reg := adapters.NewRegistry(adapters.Deps{HTTPClient: client, Bridges: st,
		BridgeResponseURL: &url.URL{Scheme: "http", Host: "node.example"}})
	cfg.Runner = runner.Config{Workers: 4, RetryBackoff: 10 * time.Millisecond, MaxRetryBackoff: 40 * time.Millisecond}
	rm, err := services.NewRunManager(cfg, services.RunDeps{Store: st, Adapters: reg})
	require.NoError(t, err)
	require.NoError(t, rm.Runner().Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, rm.Runner().Close()) })
	return rm, st
}

func saveJob(t *testing.T, st *store.Store, spec string) *models.JobSpec {
	t.Helper()
	job, err := models.ParseJobSpec([]byte(spec))
	require.NoError(t, err)
	require.NoError(t, st.CreateJobSpec(context.Background(), job))
	return job
}

// requestLog is a runlog request of the log at tx hash 0x<n>, log index
// n, paying payment, from requester.
func requestLog(n int, payment int64, requester common.Address) *models.RunRequest {
	req := models.NewRunRequest(&models.OracleRequest{
		Address:            common.HexToAddress("0x0000000000000000000000000000000000000a11"),
		Requester:          requester,
		RequestID:          common.BigToHash(big.NewInt(int64(n))),
		Payment:            big.NewInt(payment),
		CallbackAddr:       common.HexToAddress("0x00000000000000000000000000000000000000cb"),
		CallbackFunctionID: [4]byte{1, 2, 3, 4},
		CancelExpiration:   big.NewInt(1_000_000),
		DataVersion:        big.NewInt(1),
		BlockNumber:        7,
		BlockHash:          common.HexToHash("0xb7"),
		TxHash:             common.BigToHash(big.NewInt(int64(n))),
		LogIndex:           uint(n),
	}, models.JSON(`{"result":"1"}`))
	return &req
}

// TestExecuteJobsFromLogs hands a batch of logs with every outcome to
// ExecuteJobsFromLogs and checks each result is what ExecuteJobFromLog
// gives: saved and run, saved waiting on confirmations, or ignored; then
// a batch with a log that already has its run, which is reported for
// that log while the others are saved.
func TestExecuteJobsFromLogs(t *testing.T) {
	ctx := context.Background()
	rm, st := batchNode(t, services.RunConfig{MinimumContractPayment: big.NewInt(10)})
	allowed := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	other := common.HexToAddress("0x00000000000000000000000000000000000000b2")
	const noops = `"tasks":[{"type":"noop"},{"type":"NoOp"}]`
	plain := saveJob(t, st, `{"initiators":[{"type":"runlog"}],`+noops+`}`)
	restricted := saveJob(t, st, `{"initiators":[{"type":"runlog","params":{"requesters":["`+allowed.Hex()+`"]}}],`+noops+`}`)
	deep := saveJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop","confirmations":5}]}`)
	archived := saveJob(t, st, `{"initiators":[{"type":"runlog"}],`+noops+`}`)
	archivedAt := time.Now()
	archived.ArchivedAt = &archivedAt
	later := saveJob(t, st, `{"initiators":[{"type":"runlog"}],"startAt":"2999-01-01T00:00:00Z",`+noops+`}`)
	ethlog := saveJob(t, st, `{"initiators":[{"type":"ethlog","params":{"address":"0x0000000000000000000000000000000000000a11"}}],`+noops+`}`)
	bt := &models.BridgeType{Name: "feed", URL: "http://127.0.0.1:1/", MinimumContractPayment: new("30"),
		OutgoingToken: models.Secret(models.NewBridgeToken())}
	bt.SetIncomingToken(models.NewBridgeToken())
	require.NoError(t, st.CreateBridgeType(ctx, bt))
	bridged := saveJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"feed"},{"type":"feed"}]}`)

	type want struct {
		run    bool             // a run is saved
		status models.RunStatus // it reaches (checked when set)
		dup    bool             // the log already has its run
	}
	check := func(t *testing.T, res subscriber.LogRunResult, job *models.JobSpec, req *models.RunRequest, w want) {
		t.Helper()
		switch {
		case w.dup:
			require.ErrorIs(t, res.Err, services.ErrDuplicateLog)
			assert.Nil(t, res.Run)
			return
		case !w.run:
			require.NoError(t, res.Err)
			assert.Nil(t, res.Run, "ignored")
			return
		}
		require.NoError(t, res.Err)
		require.NotNil(t, res.Run)
		assert.Equal(t, job.ID, res.Run.JobSpecID)
		require.NotNil(t, res.Run.RunRequestID)
		require.Eventually(t, func() bool {
			run, err := st.FindJobRun(ctx, res.Run.ID)
			require.NoError(t, err)
			assert.Equal(t, *req.TxHash, *run.RunRequest.TxHash, "the run has its own log's request")
			return w.status == "" || run.Status == w.status
		}, 10*time.Second, 5*time.Millisecond, "run reaches %s", w.status)
	}
	logRun := func(job *models.JobSpec, req *models.RunRequest) subscriber.LogRun {
		return subscriber.LogRun{Job: job, Initiator: job.Initiators[0], Request: req, Input: models.JSON(`{"result":"1"}`)}
	}

	tests := []struct {
		name string
		job  *models.JobSpec
		req  *models.RunRequest
		want want
	}{
		{"paid enough", plain, requestLog(2, 10, other), want{run: true, status: models.RunStatusCompleted}},
		{"below MINIMUM_CONTRACT_PAYMENT", plain, requestLog(3, 9, other), want{}},
		{"requester on the allow-list", restricted, requestLog(4, 10, allowed), want{run: true, status: models.RunStatusCompleted}},
		{"requester not on the allow-list", restricted, requestLog(5, 10, other), want{}},
		{"log not deep enough", deep, requestLog(6, 10, other), want{run: true, status: models.RunStatusPendingIncomingConfirmations}},
		{"archived job", archived, requestLog(7, 10, other), want{}},
		{"job not started yet", later, requestLog(8, 10, other), want{}},
		{"ethlog job", ethlog, requestLog(9, 0, other), want{run: true, status: models.RunStatusCompleted}},
		{"same log, another job", restricted, requestLog(2, 10, allowed), want{run: true, status: models.RunStatusCompleted}},
		{"below the bridges' minimum payments", bridged, requestLog(10, 69, other), want{}},
		{"at the bridges' minimum payments", bridged, requestLog(11, 70, other), want{run: true}},
	}
	var batch []subscriber.LogRun
	for _, tt := range tests {
		batch = append(batch, logRun(tt.job, tt.req))
	}
	got := rm.ExecuteJobsFromLogs(ctx, batch)
	require.Len(t, got, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, got[i], tt.job, tt.req, tt.want) })
	}

	t.Run("a log that already has its run", func(t *testing.T) {
		reqs := []*models.RunRequest{requestLog(20, 10, other), requestLog(2, 10, other), requestLog(21, 10, other)}
		got := rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{logRun(plain, reqs[0]), logRun(plain, reqs[1]), logRun(plain, reqs[2])})
		require.Len(t, got, 3)
		check(t, got[0], plain, reqs[0], want{run: true, status: models.RunStatusCompleted})
		check(t, got[1], plain, reqs[1], want{dup: true})
		check(t, got[2], plain, reqs[2], want{run: true, status: models.RunStatusCompleted})
		runs, err := st.JobRunsForLog(ctx, *reqs[1].BlockHash, *reqs[1].TxHash, *reqs[1].LogIndex)
		require.NoError(t, err)
		assert.Len(t, runs, 2, "the duplicate log keeps its run of each job")
	})

	// New requests only, as a burst brings them: on PostgreSQL saved by
	// the statement that checks none has a run (one round trip).
	t.Run("new requests only", func(t *testing.T) {
		reqs := []*models.RunRequest{requestLog(30, 10, other), requestLog(31, 10, other), requestLog(32, 10, other)}
		got := rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{logRun(plain, reqs[0]), logRun(plain, reqs[1]), logRun(plain, reqs[2])})
		require.Len(t, got, 3)
		for i, req := range reqs {
			check(t, got[i], plain, req, want{run: true, status: models.RunStatusCompleted})
		}
		// Delivered again: each is its log's duplicate.
		got = rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{logRun(plain, reqs[0]), logRun(plain, reqs[1]), logRun(plain, reqs[2])})
		for i, req := range reqs {
			check(t, got[i], plain, req, want{dup: true})
		}
	})
}

// TestExecuteJobsFromLogsSavesAllOrNothing checks that a batch whose save
// fails for another reason than a duplicate saves none of its runs and
// reports the error for each run it would have saved, not for the logs it
// ignored.
func TestExecuteJobsFromLogsSavesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	rm, st := batchNode(t, services.RunConfig{})
	job := saveJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop"}]}`)
	gone := &models.JobSpec{ID: models.NewJobID(), Initiators: job.Initiators, Tasks: job.Tasks} // never saved
	other := common.HexToAddress("0x00000000000000000000000000000000000000b2")
	archivedAt := time.Now()
	archived := *job
	archived.ArchivedAt = &archivedAt

	got := rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{
		{Job: job, Initiator: job.Initiators[0], Request: requestLog(1, 0, other)},
		{Job: gone, Initiator: gone.Initiators[0], Request: requestLog(2, 0, other)},
		{Job: &archived, Initiator: job.Initiators[0], Request: requestLog(3, 0, other)},
		{Job: nil, Request: requestLog(4, 0, other)},
	})
	require.Len(t, got, 4)
	require.Error(t, got[0].Err, "saved with the run that cannot be")
	assert.False(t, errors.Is(got[0].Err, store.ErrDuplicate))
	require.Error(t, got[1].Err)
	require.NoError(t, got[2].Err, "ignored")
	require.Error(t, got[3].Err, "no job")
	for i, res := range got {
		assert.Nil(t, res.Run, fmt.Sprint(i))
	}
	_, n, err := st.JobRuns(ctx, store.JobRunFilter{}, 0, 1)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing saved")

	// Without the broken one, the same request is saved.
	got = rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{{Job: job, Initiator: job.Initiators[0], Request: requestLog(1, 0, other)}})
	require.NoError(t, got[0].Err)
	require.NotNil(t, got[0].Run)
}
