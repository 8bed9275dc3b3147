package runner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// go-ethereum's simulated chain leaves these process-wide workers.
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		// A WebSocket subscription cut by the fault proxy unsubscribes on
		// the server's side after the chain has closed.
		goleak.IgnoreAnyFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe"),
	)
}

const waitFor = 10 * time.Second

var (
	_ headtracker.HeadTrackable = (*runner.JobRunner)(nil)
	_ adapters.BridgeFinder     = (*store.Store)(nil)
	_ runner.Store              = (*store.Store)(nil)
	_ runner.Adapters           = (*adapters.Registry)(nil)
)

// node is one run manager with its runner started over a store; a test
// may build a second over the same store to simulate a restart.
type node struct {
	st     *store.Store
	rm     *services.RunManager
	client *http.Client
}

type nodeOpts struct {
	cfg      services.RunConfig
	chain    services.HeaderReader
	txSender adapters.TxSender
	noStart  bool
	logger   *slog.Logger
}

func newNode(t *testing.T, st *store.Store, opts nodeOpts) *node {
	t.Helper()
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(client.CloseIdleConnections)
	reg := adapters.NewRegistry(adapters.Deps{
		HTTPClient:        client,
		Bridges:           st,
		TxSender:          opts.txSender,
		BridgeResponseURL: &url.URL{Scheme: "http", Host: "node.example"},
	})
	cfg := opts.cfg
	if cfg.Runner.Workers == 0 {
		cfg.Runner.Workers = 4
	}
	if cfg.Runner.RetryBackoff == 0 {
		cfg.Runner.RetryBackoff = 10 * time.Millisecond
		cfg.Runner.MaxRetryBackoff = 40 * time.Millisecond
	}
	rm, err := services.NewRunManager(cfg, services.RunDeps{Store: st, Adapters: reg, Chain: opts.chain, Logger: opts.logger})
	require.NoError(t, err)
	n := &node{st: st, rm: rm, client: client}
	if !opts.noStart {
		n.start(t)
	}
	return n
}

func (n *node) start(t *testing.T) {
	t.Helper()
	require.NoError(t, n.rm.Runner().Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, n.rm.Runner().Close()) })
}

func (n *node) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, n.rm.Runner().Close())
	n.client.CloseIdleConnections()
}

func createJob(t *testing.T, st *store.Store, spec string) *models.JobSpec {
	t.Helper()
	job, err := models.ParseJobSpec([]byte(spec))
	require.NoError(t, err)
	require.NoError(t, st.CreateJobSpec(context.Background(), job))
	return job
}

// waitStatus waits until the run is in status and returns it.
func waitStatus(t *testing.T, st *store.Store, runID string, status models.RunStatus) *models.JobRun {
	t.Helper()
	var run *models.JobRun
	require.Eventually(t, func() bool {
		var err error
		run, err = st.FindJobRun(context.Background(), runID)
		require.NoError(t, err)
		if run.Status.Finished() && run.Status != status {
			msg := ""
			if run.Result != nil && run.Result.ErrorMessage != nil {
				msg = *run.Result.ErrorMessage
			}
			t.Fatalf("run %s finished %s (%s), want %s", runID, run.Status, msg, status)
		}
		return run.Status == status
	}, waitFor, 5*time.Millisecond, "run %s never became %s", runID, status)
	return run
}

func resultOf(t *testing.T, run *models.JobRun) string {
	t.Helper()
	require.NotNil(t, run.Result)
	return models.JSONText(models.JSONKey(run.Result.Data, "result"))
}

func word(n int64) string {
	return "0x" + common.Bytes2Hex(common.LeftPadBytes(big.NewInt(n).Bytes(), 32))
}

// countingServer answers every request with answer(n), n counting from 1.
func countingServer(t *testing.T, answer func(n int64, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(hits.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestWebRunCompletesWithTheRightResult(t *testing.T) {
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	srv, hits := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"data":{"last":"123.45"}}`)
	})
	job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[
		{"type":"HttpGet","params":{"get":%q}},
		{"type":"JsonParse","params":{"path":["data","last"]}},
		{"type":"Multiply","params":{"times":100}},
		{"type":"EthUint256"}]}`, srv.URL))

	run, err := n.rm.ExecuteJobFromWeb(context.Background(), job.ID, models.JSON(`{"note":"hi"}`))
	require.NoError(t, err)
	done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
	require.Equal(t, word(12345), resultOf(t, done))
	require.NotNil(t, done.FinishedAt)
	require.EqualValues(t, 1, hits.Load())
	for _, tr := range done.TaskRuns {
		require.Equal(t, models.RunStatusCompleted, tr.Status, "task %d", tr.Index)
		require.Equal(t, 1, tr.Attempts)
		require.Len(t, tr.AttemptLog, 1)
	}
	require.Equal(t, "12345", models.JSONText(models.JSONKey(done.TaskRuns[2].Result.Data, "result")))
	require.Equal(t, "hi", models.JSONText(models.JSONKey(done.Result.Data, "note")), "the run's input flows through")
}

func TestExecuteJobFromWebRefusals(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name    string
		spec    string
		archive bool
		input   string
		want    error
	}{
		{"no web initiator", `{"initiators":[{"type":"cron","params":{"schedule":"@hourly"}}],"tasks":[{"type":"noop"}]}`, false, `{}`, services.ErrNoInitiator},
		{"archived", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`, true, `{}`, services.ErrJobArchived},
		{"not started", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}],"startAt":"` + future + `"}`, false, `{}`, services.ErrJobNotActive},
		{"ended", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}],"endAt":"` + past + `"}`, false, `{}`, services.ErrJobNotActive},
		{"input not an object", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`, false, `[1]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := createJob(t, st, tt.spec)
			if tt.archive {
				require.NoError(t, st.ArchiveJobSpec(ctx, job.ID, time.Now()))
			}
			run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(tt.input))
			require.Error(t, err)
			require.Nil(t, run)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			runs, count, err := st.JobRuns(ctx, store.JobRunFilter{JobSpecID: job.ID}, 0, 10)
			require.NoError(t, err)
			require.Zero(t, count, "no run saved: %v", runs)
		})
	}
	_, err := n.rm.ExecuteJobFromWeb(ctx, models.NewJobID(), nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestExternalInitiatorRun(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	job := createJob(t, st, `{"initiators":[{"type":"external","params":{"name":"watcher"}}],"tasks":[{"type":"noop"}]}`)
	_, err := n.rm.ExecuteJobFromExternal(ctx, job.ID, "other", nil)
	require.ErrorIs(t, err, services.ErrNoInitiator)
	run, err := n.rm.ExecuteJobFromExternal(ctx, job.ID, "Watcher", models.JSON(`{"result":3}`))
	require.NoError(t, err)
	done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
	require.Equal(t, models.InitiatorExternal, done.InitiatorType)
	require.Equal(t, "3", resultOf(t, done))
}

func TestTransientFaultsAreRetriedWithBackoff(t *testing.T) {
	tests := []struct {
		name       string
		failures   int64
		maxParam   string
		wantStatus models.RunStatus
		attempts   int
	}{
		{"503 twice then success", 2, "", models.RunStatusCompleted, 3},
		{"503 always: errored after 3 attempts", 1000, "", models.RunStatusErrored, 3},
		{"task raises its attempts", 3, `,"maxAttempts":5`, models.RunStatusCompleted, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := testdb.Open(t)
			n := newNode(t, st, nodeOpts{})
			var times []time.Time
			var mu sync.Mutex
			srv, hits := countingServer(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				times = append(times, time.Now())
				mu.Unlock()
				if n <= tt.failures {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				_, _ = io.WriteString(w, `{"price":7}`)
			})
			job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[
				{"type":"httpget","params":{"get":%q%s}},{"type":"jsonparse","params":{"path":"price"}}]}`, srv.URL, tt.maxParam))
			run, err := n.rm.ExecuteJobFromWeb(context.Background(), job.ID, nil)
			require.NoError(t, err)
			done := waitStatus(t, st, run.ID, tt.wantStatus)
			require.EqualValues(t, tt.attempts, hits.Load())
			first := done.TaskRuns[0]
			require.Equal(t, tt.attempts, first.Attempts)
			require.Len(t, first.AttemptLog, tt.attempts)
			for i, a := range first.AttemptLog {
				require.Equal(t, i+1, a.Attempt)
				if int64(i) < tt.failures {
					require.Equal(t, models.RunStatusErrored, a.Status)
					require.NotNil(t, a.Error)
					require.Contains(t, *a.Error, "503")
				} else {
					require.Equal(t, models.RunStatusCompleted, a.Status)
					require.Nil(t, a.Error)
				}
			}
			// Backoff doubles: the second wait is at least the first's.
			mu.Lock()
			require.GreaterOrEqual(t, times[1].Sub(times[0]), 10*time.Millisecond)
			require.GreaterOrEqual(t, times[2].Sub(times[1]), 20*time.Millisecond)
			mu.Unlock()
			if tt.wantStatus == models.RunStatusErrored {
				require.Equal(t, models.RunStatusErrored, first.Status)
				require.Contains(t, *first.Result.ErrorMessage, "503")
				require.Contains(t, *done.Result.ErrorMessage, "task 0 (httpget)")
				require.Contains(t, *done.Result.ErrorMessage, "after 3 attempts")
				require.Equal(t, models.RunStatusUnstarted, done.TaskRuns[1].Status, "later tasks never ran")
			} else {
				require.Equal(t, "7", resultOf(t, done))
			}
		})
	}
}

func TestPermanentErrorKeepsTheTask(t *testing.T) {
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	srv, hits := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"},{"type":"httpget","params":{"get":%q}}]}`, srv.URL))
	run, err := n.rm.ExecuteJobFromWeb(context.Background(), job.ID, nil)
	require.NoError(t, err)
	done := waitStatus(t, st, run.ID, models.RunStatusErrored)
	require.EqualValues(t, 1, hits.Load(), "a 404 is not retried")
	require.Equal(t, models.RunStatusCompleted, done.TaskRuns[0].Status)
	require.Equal(t, models.RunStatusErrored, done.TaskRuns[1].Status)
	require.Contains(t, *done.TaskRuns[1].Result.ErrorMessage, "404")
	require.Contains(t, *done.Result.ErrorMessage, "task 1 (httpget)")
}

func newBridge(t *testing.T, st *store.Store, name, url string) (incoming string, outgoing string) {
	t.Helper()
	incoming, outgoing = models.NewBridgeToken(), models.NewBridgeToken()
	bt := &models.BridgeType{Name: name, URL: url, OutgoingToken: models.Secret(outgoing)}
	bt.SetIncomingToken(incoming)
	require.NoError(t, st.CreateBridgeType(context.Background(), bt))
	return incoming, outgoing
}

func TestBridgeRuns(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		status int
		want   models.RunStatus
	}{
		{"answers at once", `{"data":{"result":"42"}}`, 200, models.RunStatusCompleted},
		{"answers pending, resumed by PATCH", `{"pending":true}`, 200, models.RunStatusPendingBridge},
		{"answers an error", `{"error":{"message":"upstream down"}}`, 200, models.RunStatusErrored},
		{"answers 500 with an error", `{"error":"boom"}`, 500, models.RunStatusErrored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := testdb.Open(t)
			n := newNode(t, st, nodeOpts{cfg: services.RunConfig{Runner: runner.Config{MaxTaskAttempts: 1}}})
			type call struct {
				contentType, auth string
				body              map[string]any
			}
			calls := make(chan call, 10)
			srv, _ := countingServer(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
				var c call
				c.contentType, c.auth = r.Header.Get("Content-Type"), r.Header.Get("Authorization")
				_ = json.NewDecoder(r.Body).Decode(&c.body)
				calls <- c
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.answer)
			})
			incoming, outgoing := newBridge(t, st, "coinprice", srv.URL)
			job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"CoinPrice","params":{"coin":"eth"}},{"type":"noop"}]}`)
			run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"a":1}`))
			require.NoError(t, err)
			got := waitStatus(t, st, run.ID, tt.want)

			c := <-calls
			require.Equal(t, "application/json", c.contentType)
			require.Equal(t, "Bearer "+outgoing, c.auth)
			require.Equal(t, run.ID, c.body["id"])
			require.Equal(t, "http://node.example/v2/runs/"+run.ID, c.body["responseURL"])
			require.Equal(t, map[string]any{"a": float64(1), "coin": "eth"}, c.body["data"])

			switch tt.want {
			case models.RunStatusCompleted:
				require.Equal(t, "42", resultOf(t, got))
			case models.RunStatusErrored:
				require.Equal(t, models.RunStatusErrored, got.TaskRuns[0].Status)
				require.Contains(t, *got.Result.ErrorMessage, "task 0 (coinprice)")
			case models.RunStatusPendingBridge:
				require.Equal(t, models.RunStatusPendingBridge, got.TaskRuns[0].Status)
				err := n.rm.ResumeBridgeRun(ctx, run.ID, "wrong", models.JSON(`{"result":1}`), "")
				require.ErrorIs(t, err, services.ErrBridgeUnauthorized)
				require.NoError(t, n.rm.ResumeBridgeRun(ctx, run.ID, incoming, models.JSON(`{"result":"99"}`), ""))
				done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
				require.Equal(t, "99", resultOf(t, done))
				require.Equal(t, "1", models.JSONText(models.JSONKey(done.Result.Data, "a")))
				err = n.rm.ResumeBridgeRun(ctx, run.ID, incoming, models.JSON(`{"result":1}`), "")
				require.ErrorIs(t, err, services.ErrRunNotPending)
				require.Len(t, calls, 0, "a resumed bridge task is not called again")
			}
		})
	}
}

func TestBridgePendingThenErrorByPatch(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	srv, _ := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"pending":true}`)
	})
	incoming, _ := newBridge(t, st, "slow", srv.URL)
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"slow"}]}`)
	run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
	require.NoError(t, err)
	waitStatus(t, st, run.ID, models.RunStatusPendingBridge)
	require.NoError(t, n.rm.ResumeBridgeRun(ctx, run.ID, incoming, nil, "no data for you"))
	done := waitStatus(t, st, run.ID, models.RunStatusErrored)
	require.Contains(t, *done.Result.ErrorMessage, "no data for you")
	require.ErrorIs(t, n.rm.ResumeBridgeRun(ctx, models.NewRunID(), incoming, nil, ""), store.ErrNotFound)
}

func TestSleepSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	first := newNode(t, st, nodeOpts{})
	until := time.Now().Add(1500 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"sleep","params":{"until":"`+until+`"}},{"type":"noop"}]}`)
	run, err := first.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":"z"}`))
	require.NoError(t, err)
	sleeping := waitStatus(t, st, run.ID, models.RunStatusPendingSleep)
	require.NotNil(t, sleeping.TaskRuns[0].WakeAt)
	first.stop(t)

	again, err := st.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingSleep, again.Status, "the stopped node did not wake it")

	second := newNode(t, st, nodeOpts{})
	done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
	require.False(t, time.Now().Before(*sleeping.TaskRuns[0].WakeAt), "woke no earlier than WakeAt")
	require.Equal(t, "z", resultOf(t, done))
	require.Error(t, second.rm.QueueSleepingTask(ctx, run.ID), "a finished run is not sleeping")
}

// A task with an effect outside the run (httppost) is saved when it
// completes and never performed again; a repeatable one (httpget) is saved
// with the next step that must be, so a stop before that performs it again.
func TestRunResumesAfterStopWithoutRerunningCompletedTasks(t *testing.T) {
	for _, tc := range []struct {
		first      string
		firstHits  int64
		cutRun     models.RunStatus
		cutFirstTR models.RunStatus
	}{
		{first: "httppost", firstHits: 1, cutRun: models.RunStatusInProgress, cutFirstTR: models.RunStatusCompleted},
		{first: "httpget", firstHits: 2, cutRun: models.RunStatusUnstarted, cutFirstTR: models.RunStatusUnstarted},
	} {
		t.Run(tc.first, func(t *testing.T) {
			ctx := context.Background()
			st := testdb.Open(t)
			a, aHits := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, `{"a":1}`)
			})
			entered := make(chan struct{}, 1)
			b, bHits := countingServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					entered <- struct{}{}
					<-r.Context().Done() // hangs until the node stops
					return
				}
				_, _ = io.WriteString(w, `{"result":5}`)
			})
			job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[
				{"type":%q,"params":{"url":%q}},{"type":"httpget","params":{"get":%q}},{"type":"jsonparse","params":{"path":"result"}}]}`,
				tc.first, a.URL, b.URL))

			first := newNode(t, st, nodeOpts{})
			run, err := first.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
			require.NoError(t, err)
			<-entered
			first.stop(t)

			cut, err := st.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			require.Equal(t, tc.cutRun, cut.Status)
			require.Equal(t, tc.cutFirstTR, cut.TaskRuns[0].Status)
			require.Equal(t, models.RunStatusUnstarted, cut.TaskRuns[1].Status, "the cut-off task recorded nothing")
			require.Zero(t, cut.TaskRuns[1].Attempts)

			newNode(t, st, nodeOpts{})
			done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
			require.Equal(t, "5", resultOf(t, done))
			require.Equal(t, tc.firstHits, aHits.Load(), "times the first task was performed")
			require.EqualValues(t, 2, bHits.Load())
			for _, tr := range done.TaskRuns {
				require.Equal(t, models.RunStatusCompleted, tr.Status, "task %d", tr.Index)
				require.Len(t, tr.AttemptLog, 1, "task %d keeps only the attempt that completed", tr.Index)
			}
		})
	}
}

func TestCancelRun(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})

	t.Run("sleeping", func(t *testing.T) {
		job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"sleep","params":{"until":"2999-01-01T00:00:00Z"}},{"type":"noop"}]}`)
		run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
		require.NoError(t, err)
		waitStatus(t, st, run.ID, models.RunStatusPendingSleep)
		require.NoError(t, n.rm.CancelRun(ctx, run.ID))
		got := waitStatus(t, st, run.ID, models.RunStatusCancelled)
		for _, tr := range got.TaskRuns {
			require.Equal(t, models.RunStatusCancelled, tr.Status)
		}
		require.ErrorIs(t, n.rm.CancelRun(ctx, run.ID), store.ErrRunFinished)
		require.ErrorIs(t, n.rm.CancelRun(ctx, models.NewRunID()), store.ErrNotFound)
	})

	t.Run("while a task is in flight", func(t *testing.T) {
		entered := make(chan struct{}, 1)
		release := make(chan struct{})
		srv, hits := countingServer(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
			entered <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			_, _ = io.WriteString(w, `{"result":1}`)
		})
		job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[{"type":"httpget","params":{"get":%q}},{"type":"noop"}]}`, srv.URL))
		run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
		require.NoError(t, err)
		<-entered
		require.NoError(t, n.rm.CancelRun(ctx, run.ID))
		close(release)
		// The worker finishes the run's turn without writing: take the
		// run's lock to know it is done.
		unlock, err := n.rm.Runner().LockRun(ctx, run.ID)
		require.NoError(t, err)
		unlock()
		got, err := st.FindJobRun(ctx, run.ID)
		require.NoError(t, err)
		require.Equal(t, models.RunStatusCancelled, got.Status)
		require.Equal(t, models.RunStatusCancelled, got.TaskRuns[0].Status)
		require.Zero(t, got.TaskRuns[0].Attempts)
		require.EqualValues(t, 1, hits.Load())
	})
}

// A worker trusts a handed-over copy over the database, so only a copy
// made under the run's lock is kept: one made outside it may be older than
// what a worker saved meanwhile. (A run the start's recovery queued between
// its insert and its creator's hand-over had its first task performed
// twice: a bridge called twice, a retry counted once for two calls.)
func TestHandOverWithoutTheLockIsNotTrusted(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	const unlocked = "run handed over without its lock"
	watch := newLogWatch(unlocked)
	n := newNode(t, st, nodeOpts{logger: slog.New(watch), cfg: services.RunConfig{Runner: runner.Config{Workers: 1}}})
	srv, hits := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"result":5}`)
	})
	job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[{"type":"httpget","params":{"get":%q}},{"type":"noop"}]}`, srv.URL))
	created, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
	require.NoError(t, err)
	waitStatus(t, st, created.ID, models.RunStatusCompleted)
	require.EqualValues(t, 1, hits.Load())
	require.Equal(t, models.RunStatusUnstarted, created.Status, "the creator's copy is as it was saved")
	require.False(t, watch.seen(unlocked), "a run's creator hands it over under its lock")
	// The run is saved completed before its worker lets its lock go: take
	// the lock to know the worker is done, so the hand-over below is made
	// without it (a copy handed over while a holder has the lock is
	// queued for after it).
	unlock, err := n.rm.Runner().LockRun(ctx, created.ID)
	require.NoError(t, err)
	unlock()

	// The creator's copy, handed over after a worker finished the run.
	n.rm.Runner().EnqueueRun(created, job)
	watch.wait(t, unlocked)
	// One worker takes runs in order: once a later run is done, the stale
	// hand-over has been dealt with.
	noop := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`)
	later, err := n.rm.ExecuteJobFromWeb(ctx, noop.ID, nil)
	require.NoError(t, err)
	waitStatus(t, st, later.ID, models.RunStatusCompleted)
	require.EqualValues(t, 1, hits.Load(), "the finished run was not performed again from the stale copy")
	got, err := st.FindJobRun(ctx, created.ID)
	require.NoError(t, err)
	require.Equal(t, 1, got.TaskRuns[0].Attempts)
	require.Len(t, got.TaskRuns[0].AttemptLog, 1)
}

func TestParallelRunsUseTheWorkerPool(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{Runner: runner.Config{Workers: 3}}})
	var inFlight, peak atomic.Int64
	gate := make(chan struct{})
	srv, _ := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		now := inFlight.Add(1)
		for {
			p := peak.Load()
			if now <= p || peak.CompareAndSwap(p, now) {
				break
			}
		}
		<-gate
		inFlight.Add(-1)
		_, _ = io.WriteString(w, `{"result":1}`)
	})
	var runs []*models.JobRun
	for range 6 {
		job := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"web"}],"tasks":[{"type":"httpget","params":{"get":%q}}]}`, srv.URL))
		run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, nil)
		require.NoError(t, err)
		runs = append(runs, run)
	}
	require.Eventually(t, func() bool { return inFlight.Load() == 3 }, waitFor, 5*time.Millisecond, "three runs in parallel")
	close(gate)
	for _, run := range runs {
		waitStatus(t, st, run.ID, models.RunStatusCompleted)
	}
	require.EqualValues(t, 3, peak.Load(), "never more than Workers at once")
}

// insertingTxSender records an ethtx task's transaction straight in the
// store, as the TxManager would, without a chain.
type insertingTxSender struct{ st *store.Store }

func (s insertingTxSender) CreateTx(ctx context.Context, taskRunID string, from, to common.Address, data []byte, gas uint64) (common.Hash, error) {
	if existing, err := s.st.TxByTaskRunID(ctx, taskRunID); err == nil {
		return existing.Attempts[0].Hash, nil
	}
	hash := common.BytesToHash([]byte(taskRunID))
	id := taskRunID
	tx := &models.Tx{TaskRunID: &id, From: common.HexToAddress("0x01"), To: to, Data: data, GasLimit: gas, State: models.TxStateUnconfirmed,
		Attempts: []models.TxAttempt{{Hash: hash, SignedRawTx: []byte{1}, GasPrice: models.NewBig(big.NewInt(1))}}}
	if err := s.st.InsertTx(ctx, tx); err != nil {
		return common.Hash{}, err
	}
	return hash, nil
}

// TestOutgoingConfirmationsAndConnection: an ethtx waits out a lost
// chain, then its run waits on the tx. A confirmed tx completes the task
// with its hash, and the run (there, when the answer was the last task;
// else its worker performs the rest); a reverted one errors both.
func TestOutgoingConfirmationsAndConnection(t *testing.T) {
	tests := []struct {
		name    string
		after   string // tasks after the ethtx
		final   models.TxState
		reason  string
		want    models.RunStatus
		wantMsg string
	}{
		{"confirmed", `,{"type":"noop"}`, models.TxStateConfirmed, "", models.RunStatusCompleted, ""},
		{"reverted", `,{"type":"noop"}`, models.TxStateReverted, "not enough gas left", models.RunStatusErrored, "not enough gas left"},
		{"confirmed, answer last", "", models.TxStateConfirmed, "", models.RunStatusCompleted, ""},
		{"reverted, answer last", "", models.TxStateReverted, "out of gas", models.RunStatusErrored, "out of gas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := testdb.Open(t)
			n := newNode(t, st, nodeOpts{txSender: insertingTxSender{st}})
			job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000aa","functionSelector":"0x12345678"}}`+tt.after+`]}`)

			// Chain lost: the run waits in pending_connection.
			n.rm.Runner().Disconnect()
			run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":"0x01"}`))
			require.NoError(t, err)
			waitStatus(t, st, run.ID, models.RunStatusPendingConnection)
			_, err = st.TxByTaskRunID(ctx, run.TaskRuns[0].ID)
			require.ErrorIs(t, err, store.ErrNotFound, "nothing sent while disconnected")

			require.NoError(t, n.rm.Runner().Connect(ctx, nil))
			sent := waitStatus(t, st, run.ID, models.RunStatusPendingOutgoingConfirmations)
			tx, err := st.TxByTaskRunID(ctx, run.TaskRuns[0].ID)
			require.NoError(t, err)
			require.Equal(t, "0x12345678"+"01", "0x"+common.Bytes2Hex(tx.Data))
			hash := tx.Attempts[0].Hash
			require.Equal(t, hash.Hex(), models.JSONText(models.JSONKey(sent.TaskRuns[0].Result.Data, "result")))

			// A head before the tx is final changes nothing.
			n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 10})
			tx.State, tx.Hash, tx.RevertReason = tt.final, &hash, &tt.reason
			require.NoError(t, st.SaveTxState(ctx, tx))
			n.rm.OnTxFinal(ctx, tx)
			done := waitStatus(t, st, run.ID, tt.want)
			if tt.want == models.RunStatusCompleted {
				require.Equal(t, hash.Hex(), resultOf(t, done))
				require.NotNil(t, done.FinishedAt)
				for _, tr := range done.TaskRuns {
					require.Equal(t, models.RunStatusCompleted, tr.Status, "task %d", tr.Index)
				}
				require.Equal(t, hash.Hex(), models.JSONText(models.JSONKey(done.TaskRuns[0].Result.Data, "result")))
				require.Len(t, done.TaskRuns[0].AttemptLog, 1, "the answer's one attempt, kept")
			} else {
				require.Contains(t, *done.Result.ErrorMessage, tt.wantMsg)
				require.Contains(t, *done.Result.ErrorMessage, hash.Hex())
				require.Equal(t, models.RunStatusErrored, done.TaskRuns[0].Status)
			}
		})
	}
}

func TestConfirmationsHelper(t *testing.T) {
	tests := []struct {
		creation, observed *int64
		want               uint32
	}{
		{nil, nil, 0},
		{ptr[int64](10), nil, 0},
		{ptr[int64](10), ptr[int64](9), 0},
		{ptr[int64](10), ptr[int64](10), 1},
		{ptr[int64](10), ptr[int64](14), 5},
	}
	for _, tt := range tests {
		run := &models.JobRun{}
		if tt.creation != nil {
			run.CreationHeight = models.NewBig(big.NewInt(*tt.creation))
		}
		if tt.observed != nil {
			run.ObservedHeight = models.NewBig(big.NewInt(*tt.observed))
		}
		if got := runner.Confirmations(run); got != tt.want {
			t.Errorf("Confirmations(%v, %v) = %d, want %d", tt.creation, tt.observed, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestTxFinalisedWhileDownIsFoundAtStart: a run's transaction confirmed
// while the node was stopped (no OnTxFinal, no new head) resumes at the
// next start.
func TestTxFinalisedWhileDownIsFoundAtStart(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{txSender: insertingTxSender{st}})
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000aa","functionSelector":"0x12345678"}},{"type":"noop"}]}`)
	var runs []*models.JobRun
	for range 1 {
		run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":"0x01"}`))
		require.NoError(t, err)
		waitStatus(t, st, run.ID, models.RunStatusPendingOutgoingConfirmations)
		runs = append(runs, run)
	}
	require.Eventually(t, func() bool {
		for _, r := range runs {
			got, err := st.FindJobRun(ctx, r.ID)
			require.NoError(t, err)
			if got.TaskRuns[0].Result == nil {
				return false
			}
		}
		return true
	}, waitFor, 5*time.Millisecond)
	n.stop(t)

	tx, err := st.TxByTaskRunID(ctx, runs[0].TaskRuns[0].ID)
	require.NoError(t, err)
	hash := tx.Attempts[0].Hash
	tx.State, tx.Hash = models.TxStateConfirmed, &hash
	require.NoError(t, st.SaveTxState(ctx, tx))

	newNode(t, st, nodeOpts{txSender: insertingTxSender{st}})
	done := waitStatus(t, st, runs[0].ID, models.RunStatusCompleted)
	require.Equal(t, hash.Hex(), resultOf(t, done))
}
