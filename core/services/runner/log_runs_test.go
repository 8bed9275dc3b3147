package runner_test

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// oracleRequest is a runlog request log at block number/hash paying
// payment, from requester.
func oracleRequest(number uint64, hash common.Hash, logIndex uint, payment int64, requester common.Address, params models.JSON) *models.RunRequest {
	req := models.NewRunRequest(&models.OracleRequest{
		Address:            common.HexToAddress("0x0000000000000000000000000000000000000a11"),
		Requester:          requester,
		RequestID:          common.HexToHash(fmt.Sprintf("0x%x", logIndex+1)),
		Payment:            big.NewInt(payment),
		CallbackAddr:       common.HexToAddress("0x00000000000000000000000000000000000000cb"),
		CallbackFunctionID: [4]byte{1, 2, 3, 4},
		CancelExpiration:   big.NewInt(1_000_000),
		DataVersion:        big.NewInt(1),
		BlockNumber:        number,
		BlockHash:          hash,
		TxHash:             common.HexToHash("0x7777"),
		LogIndex:           logIndex,
	}, params)
	return &req
}

// threeBlocks is a simulated chain with blocks 1 to 3 committed, for the
// request logs of runs that wait on confirmations.
func threeBlocks(t *testing.T) *simulated.Backend {
	t.Helper()
	sim := simchain.New(types.GenesisAlloc{})
	t.Cleanup(func() { _ = sim.Close() })
	for range 3 {
		sim.Commit()
	}
	return sim
}

func TestLogRunWaitsForConfirmations(t *testing.T) {
	ctx := context.Background()
	sim := threeBlocks(t)
	client := sim.Client()
	block2, err := client.HeaderByNumber(ctx, big.NewInt(2))
	require.NoError(t, err)

	tests := []struct {
		name      string
		blockHash common.Hash
		want      models.RunStatus
	}{
		{"canonical log runs once deep enough", block2.Hash(), models.RunStatusCompleted},
		{"log whose block was reorged out is cancelled", common.HexToHash("0xdead"), models.RunStatusCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := testdb.Open(t)
			n := newNode(t, st, nodeOpts{chain: client, cfg: services.RunConfig{MinIncomingConfirmations: 3}})
			job := createJob(t, st, `{"initiators":[{"type":"ethlog","params":{"address":"0x0000000000000000000000000000000000000a11"}}],
				"tasks":[{"type":"noop"},{"type":"noop","confirmations":4}]}`)
			n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 2})
			index := uint(0)
			number := uint64(2)
			txHash := common.HexToHash("0x99")
			req := &models.RunRequest{BlockNumber: &number, BlockHash: &tt.blockHash, TxHash: &txHash, LogIndex: &index}
			run, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], req, models.JSON(`{"result":"1"}`))
			require.NoError(t, err)
			require.Equal(t, models.RunStatusPendingIncomingConfirmations, run.Status)

			got, err := st.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			require.Equal(t, models.RunStatusPendingIncomingConfirmations, got.Status)
			require.EqualValues(t, 3, got.TaskRuns[0].MinRequiredIncomingConfirmations)
			require.EqualValues(t, 4, got.TaskRuns[1].MinRequiredIncomingConfirmations, "the task's own confirmations win when higher")
			require.EqualValues(t, 1, got.TaskRuns[0].Confirmations)

			n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 3})
			require.Eventually(t, func() bool {
				got, err = st.FindJobRun(ctx, run.ID)
				require.NoError(t, err)
				return got.TaskRuns[0].Confirmations == 2
			}, waitFor, 5*time.Millisecond)
			require.Equal(t, models.RunStatusPendingIncomingConfirmations, got.Status, "two confirmations of three")

			n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 4})
			if tt.want == models.RunStatusCancelled {
				got = waitStatus(t, st, run.ID, models.RunStatusCancelled)
				require.Equal(t, models.RunStatusCancelled, got.TaskRuns[0].Status, "no task ran")
				return
			}
			require.Eventually(t, func() bool {
				got, err = st.FindJobRun(ctx, run.ID)
				require.NoError(t, err)
				return got.TaskRuns[0].Status == models.RunStatusCompleted && got.Status == models.RunStatusPendingIncomingConfirmations
			}, waitFor, 5*time.Millisecond, "first task ran at 3 confirmations, second waits for 4")
			n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 5})
			done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
			require.Equal(t, "1", resultOf(t, done))
		})
	}
}

// countingHeaders is the chain's header reader, counting its reads.
type countingHeaders struct {
	services.HeaderReader
	reads atomic.Int64
}

func (c *countingHeaders) HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error) {
	c.reads.Add(1)
	return c.HeaderReader.HeaderByNumber(ctx, number)
}

// TestDeepLogsResumeTogether: the runs of a burst's logs, deep enough at
// the same head, resume together, each log block read once for the
// canonical check; the runs of a block that is no longer canonical are
// cancelled, the others complete.
func TestDeepLogsResumeTogether(t *testing.T) {
	ctx := context.Background()
	sim := threeBlocks(t)
	block2, err := sim.Client().HeaderByNumber(ctx, big.NewInt(2))
	require.NoError(t, err)
	headers := &countingHeaders{HeaderReader: sim.Client()}
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{chain: headers, cfg: services.RunConfig{MinIncomingConfirmations: 3}})
	job := createJob(t, st, `{"initiators":[{"type":"ethlog","params":{"address":"0x0000000000000000000000000000000000000a11"}}],
		"tasks":[{"type":"noop"}]}`)
	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 3})

	const canonical, reorged = 12, 3
	number, txHash := uint64(2), common.HexToHash("0x99")
	gone := common.HexToHash("0xdead")
	var runs []*models.JobRun
	for i := range canonical + reorged {
		hash := block2.Hash()
		if i >= canonical {
			hash = gone
		}
		index := uint(i)
		req := &models.RunRequest{BlockNumber: &number, BlockHash: &hash, TxHash: &txHash, LogIndex: &index}
		run, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], req, models.JSON(`{"result":"1"}`))
		require.NoError(t, err)
		require.Equal(t, models.RunStatusPendingIncomingConfirmations, run.Status)
		runs = append(runs, run)
	}
	require.Zero(t, headers.reads.Load(), "two confirmations: no run is deep enough yet")

	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 4})
	for i, run := range runs {
		want := models.RunStatusCompleted
		if i >= canonical {
			want = models.RunStatusCancelled
		}
		waitStatus(t, st, run.ID, want)
	}
	// One read per block would be 1; the two kinds of log share block 2,
	// and the cancelled runs' wrong hash is compared with the same header.
	require.EqualValues(t, 1, headers.reads.Load(), "block 2 read once for %d runs", len(runs))
}

// TestResumedRunIsSavedBeforeItsWorkerTakesIt: a run resumed by its
// confirmations is saved as resumed before a worker takes it, so the next
// head does not find it deep enough again and wait for its lock while its
// worker is busy (here, on a slow fetch): another run that gets deep
// enough at that head completes meanwhile.
func TestResumedRunIsSavedBeforeItsWorkerTakesIt(t *testing.T) {
	ctx := context.Background()
	sim := threeBlocks(t)
	client := sim.Client()
	block := func(n int64) common.Hash {
		h, err := client.HeaderByNumber(ctx, big.NewInt(n))
		require.NoError(t, err)
		return h.Hash()
	}
	slow := newSlowServer(t)
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{chain: client, cfg: services.RunConfig{MinIncomingConfirmations: 3}})
	initiators := `"initiators":[{"type":"ethlog","params":{"address":"0x0000000000000000000000000000000000000a11"}}]`
	slowJob := createJob(t, st, `{`+initiators+`,"tasks":[{"type":"httpget","params":{"get":"`+slow.URL+`"}}]}`)
	fastJob := createJob(t, st, `{`+initiators+`,"tasks":[{"type":"noop"}]}`)
	logRun := func(job *models.JobSpec, number uint64, index uint) *models.JobRun {
		hash, txHash := block(int64(number)), common.HexToHash("0x99")
		req := &models.RunRequest{BlockNumber: &number, BlockHash: &hash, TxHash: &txHash, LogIndex: &index}
		run, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], req, models.JSON(`{}`))
		require.NoError(t, err)
		require.Equal(t, models.RunStatusPendingIncomingConfirmations, run.Status)
		return run
	}
	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 3})
	slowRun := logRun(slowJob, 2, 0)
	fastRun := logRun(fastJob, 3, 1)

	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 4}) // the slow run's log is deep enough
	slow.waitFetching(t)
	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 5}) // the fast run's is
	waitStatus(t, st, fastRun.ID, models.RunStatusCompleted)
	got, err := st.FindJobRun(ctx, slowRun.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusInProgress, got.Status, "the slow run is still fetching")
}

// slowServer answers every GET with {"price":"7"} once released (or at the
// test's end), telling of the first request as it comes.
type slowServer struct {
	*httptest.Server
	fetching chan struct{}
	release  chan struct{}
	// releaseAll lets every request, held or to come, be answered.
	releaseAll func()
}

func newSlowServer(t *testing.T) *slowServer {
	t.Helper()
	s := &slowServer{fetching: make(chan struct{}, 1), release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.fetching <- struct{}{}:
		default:
		}
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, `{"price":"7"}`)
	}))
	t.Cleanup(s.Close)
	var once sync.Once
	s.releaseAll = func() { once.Do(func() { close(s.release) }) }
	t.Cleanup(s.releaseAll)
	return s
}

// waitFetching waits until a request reached the server.
func (s *slowServer) waitFetching(t *testing.T) {
	t.Helper()
	select {
	case <-s.fetching:
	case <-time.After(waitFor):
		t.Fatal("nothing fetched from the slow server")
	}
}

func TestRunLogPaymentsAndRequesters(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{MinimumContractPayment: big.NewInt(10)}})
	newBridge(t, st, "feed", "http://127.0.0.1:1/")
	min := "30"
	bt, err := st.FindBridgeType(ctx, "feed")
	require.NoError(t, err)
	bt.MinimumContractPayment = &min
	require.NoError(t, st.UpdateBridgeType(ctx, bt))

	allowed := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	plain := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"sleep","params":{"until":"2999-01-01T00:00:00Z"}}]}`)
	withMin := createJob(t, st, `{"initiators":[{"type":"runlog"}],"minPayment":"100","tasks":[{"type":"sleep","params":{"until":"2999-01-01T00:00:00Z"}}]}`)
	withBridge := createJob(t, st, `{"initiators":[{"type":"runlog"}],"minPayment":"100","tasks":[{"type":"sleep","params":{"until":"2999-01-01T00:00:00Z"}},{"type":"feed"}]}`)
	restricted := createJob(t, st, `{"initiators":[{"type":"runlog","params":{"requesters":["`+allowed.Hex()+`"]}}],"tasks":[{"type":"sleep","params":{"until":"2999-01-01T00:00:00Z"}}]}`)

	other := common.HexToAddress("0x00000000000000000000000000000000000000b2")
	tests := []struct {
		name      string
		job       *models.JobSpec
		payment   int64
		requester common.Address
		started   bool
	}{
		{"below MINIMUM_CONTRACT_PAYMENT", plain, 9, other, false},
		{"at MINIMUM_CONTRACT_PAYMENT", plain, 10, other, true},
		{"below the job's minPayment", withMin, 99, other, false},
		{"at the job's minPayment", withMin, 100, other, true},
		{"below minPayment plus the bridge's", withBridge, 129, other, false},
		{"at minPayment plus the bridge's", withBridge, 130, other, true},
		{"requester not allowed", restricted, 1000, other, false},
		{"requester allowed", restricted, 1000, allowed, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := oracleRequest(7, common.HexToHash("0xb7"), uint(i), tt.payment, tt.requester, models.JSON(`{}`))
			run, err := n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0], req, models.JSON(`{}`))
			require.NoError(t, err)
			runs, err := st.JobRunsForLog(ctx, common.HexToHash("0xb7"), common.HexToHash("0x7777"), uint(i))
			require.NoError(t, err)
			if !tt.started {
				require.Nil(t, run, "ignored")
				require.Empty(t, runs, "no run saved")
				return
			}
			require.NotNil(t, run)
			require.Len(t, runs, 1)
			require.Equal(t, big.NewInt(tt.payment).String(), runs[0].Payment.String())
		})
	}
}

func TestRunLogInputMergesUnderTaskParams(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	srv, _ := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"USD":"2.5"}`)
	})
	job := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"httpget"},{"type":"jsonparse"},{"type":"multiply","params":{"times":10}}]}`)
	params := models.JSON(fmt.Sprintf(`{"get":%q,"path":"USD","times":2}`, srv.URL))
	req := oracleRequest(3, common.HexToHash("0xb3"), 0, 0, common.Address{}, params)
	run, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], req, params)
	require.NoError(t, err)
	done := waitStatus(t, st, run.ID, models.RunStatusCompleted)
	require.Equal(t, "25", resultOf(t, done), "the task's times (10) wins over the request's (2)")
	require.True(t, done.RunRequest.IsOracleRequest())

	// The same log again is a duplicate, recognisable by the subscriber.
	again, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], req, params)
	require.Nil(t, again)
	require.ErrorIs(t, err, services.ErrDuplicateLog)
	require.ErrorIs(t, err, store.ErrDuplicate)
	_, count, err := st.JobRuns(ctx, store.JobRunFilter{JobSpecID: job.ID}, 0, 10)
	require.NoError(t, err)
	require.EqualValues(t, 1, count)
}

func TestCancelRunsForLog(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{MinIncomingConfirmations: 5}, txSender: insertingTxSender{st}})
	waiting := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop"}]}`)
	sent := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"ethuint256"},{"type":"ethtx"}]}`)

	block, tx := common.HexToHash("0xb9"), common.HexToHash("0x7777")
	a, err := n.rm.ExecuteJobFromLog(ctx, waiting, waiting.Initiators[0], oracleRequest(9, block, 0, 0, common.Address{}, nil), nil)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingIncomingConfirmations, a.Status)

	b, err := n.rm.ExecuteJobFromLog(ctx, sent, sent.Initiators[0], oracleRequest(9, block, 0, 0, common.Address{}, nil), models.JSON(`{"result":5}`))
	require.NoError(t, err)
	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 20})
	answeredRun := waitStatus(t, st, b.ID, models.RunStatusPendingOutgoingConfirmations)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, answeredRun.TaskRuns[1].Status)

	// Before the removal the first run was woken too: give it a fresh log.
	c, err := n.rm.ExecuteJobFromLog(ctx, waiting, waiting.Initiators[0], oracleRequest(19, block, 1, 0, common.Address{}, nil), nil)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingIncomingConfirmations, c.Status)

	require.NoError(t, n.rm.CancelRunsForLog(ctx, block, tx, 1))
	waitStatus(t, st, c.ID, models.RunStatusCancelled)
	require.NoError(t, n.rm.CancelRunsForLog(ctx, block, tx, 0))
	still, err := st.FindJobRun(ctx, b.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, still.Status, "an answered run is left to the TxManager")
}

// TestMovedRequestWaitsForAnUndecidedRun: a reorg that moves a request to
// another block brings its log back under a new block hash. While the
// request's run still waits for its own log's confirmations (that log may
// be gone), the moved log waits (subscriber.ErrLogWaits), one log at a time
// or in a batch, without holding up the others; the same log delivered
// again is a duplicate. Once that run is cancelled (its log was removed
// before it answered) the moved log starts a new one.
func TestMovedRequestWaitsForAnUndecidedRun(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{MinIncomingConfirmations: 5}})
	job := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop"}]}`)

	own := oracleRequest(9, common.HexToHash("0xb1"), 0, 0, common.Address{}, nil)
	first, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], own, nil)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusPendingIncomingConfirmations, first.Status)

	_, err = n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], oracleRequest(9, common.HexToHash("0xb1"), 0, 0, common.Address{}, nil), nil)
	require.ErrorIs(t, err, services.ErrDuplicateLog, "the same log again is a duplicate")
	require.NotErrorIs(t, err, subscriber.ErrLogWaits)

	moved := oracleRequest(11, common.HexToHash("0xb2"), 0, 0, common.Address{}, nil)
	again, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], moved, nil)
	require.Nil(t, again)
	require.ErrorIs(t, err, subscriber.ErrLogWaits)
	require.NotErrorIs(t, err, services.ErrDuplicateLog, "a waiting log is not handled yet")

	other := oracleRequest(11, common.HexToHash("0xb2"), 5, 0, common.Address{}, nil)
	res := n.rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{
		{Job: job, Initiator: job.Initiators[0], Request: moved},
		{Job: job, Initiator: job.Initiators[0], Request: other},
	})
	require.Len(t, res, 2)
	require.ErrorIs(t, res[0].Err, subscriber.ErrLogWaits, "the moved request waits for its run")
	require.Nil(t, res[0].Run)
	require.NoError(t, res[1].Err)
	require.NotNil(t, res[1].Run, "a new request of the batch gets its run")

	require.NoError(t, n.rm.CancelRunsForLog(ctx, common.HexToHash("0xb1"), common.HexToHash("0x7777"), 0))
	waitStatus(t, st, first.ID, models.RunStatusCancelled)
	fresh, err := n.rm.ExecuteJobFromLog(ctx, job, job.Initiators[0], moved, nil)
	require.NoError(t, err)
	require.NotEqual(t, first.ID, fresh.ID, "a cancelled run does not hold the request")
}

// TestMovedRequestOfAFinishedRun: a completed run keeps its request (its
// answer stands: a second run would answer twice), an errored one does
// not (an answer that reverted, sent while a reorg had taken the request
// off the chain, answered nothing).
func TestMovedRequestOfAFinishedRun(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	srv, _ := countingServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	done := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop"}]}`)
	failing := createJob(t, st, fmt.Sprintf(`{"initiators":[{"type":"runlog"}],"tasks":[{"type":"httpget","params":{"get":%q}}]}`, srv.URL))

	for _, tt := range []struct {
		job    *models.JobSpec
		status models.RunStatus
		keeps  bool
	}{
		{done, models.RunStatusCompleted, true},
		{failing, models.RunStatusErrored, false},
	} {
		t.Run(string(tt.status), func(t *testing.T) {
			run, err := n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0], oracleRequest(9, common.HexToHash("0xc1"), 0, 0, common.Address{}, nil), nil)
			require.NoError(t, err)
			waitStatus(t, st, run.ID, tt.status)
			moved := oracleRequest(12, common.HexToHash("0xc2"), 0, 0, common.Address{}, nil)
			again, err := n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0], moved, nil)
			if tt.keeps {
				require.ErrorIs(t, err, services.ErrDuplicateLog)
				require.Nil(t, again)
				return
			}
			require.NoError(t, err)
			require.NotEqual(t, run.ID, again.ID)
		})
	}
}

// TestMovedRequestWithNewParameters: a request that a reorg puts in
// another block gets that block's expiration. The Oracle contract then
// refuses any answer built for the old log ("params do not match request
// ID"), so the request's earlier run, finished or not, answered or not,
// does not hold it: the moved log starts a run of its own, alone or in a
// batch, and is a duplicate when delivered again. A moved log with the
// same parameters is still held (TestMovedRequestOfAFinishedRun).
func TestMovedRequestWithNewParameters(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	n := newNode(t, st, nodeOpts{})
	job := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop"}]}`)
	waiting := createJob(t, st, `{"initiators":[{"type":"runlog"}],"tasks":[{"type":"noop","confirmations":5}]}`)
	n.rm.Runner().OnNewHead(ctx, &models.Head{Number: 30})

	newExpiration := func(req *models.RunRequest) *models.RunRequest {
		req.CancelExpiration = models.NewBig(big.NewInt(1_000_300))
		return req
	}
	tests := []struct {
		name   string
		job    *models.JobSpec
		status models.RunStatus // of the earlier run
		batch  bool
	}{
		{"completed run, alone", job, models.RunStatusCompleted, false},
		{"completed run, in a batch", job, models.RunStatusCompleted, true},
		{"run waiting for its log's confirmations", waiting, models.RunStatusPendingIncomingConfirmations, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logIndex := uint(10 * i)
			first, err := n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0],
				oracleRequest(29, common.HexToHash("0xd1"), logIndex, 0, common.Address{}, nil), nil)
			require.NoError(t, err)
			waitStatus(t, st, first.ID, tt.status)

			sameParams := oracleRequest(31, common.HexToHash("0xd2"), logIndex, 0, common.Address{}, nil)
			_, err = n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0], sameParams, nil)
			require.Error(t, err, "with the same parameters the earlier run holds the request")

			moved := newExpiration(oracleRequest(31, common.HexToHash("0xd3"), logIndex, 0, common.Address{}, nil))
			var again *models.JobRun
			if tt.batch {
				res := n.rm.ExecuteJobsFromLogs(ctx, []subscriber.LogRun{{Job: tt.job, Initiator: tt.job.Initiators[0], Request: moved}})
				require.Len(t, res, 1)
				require.NoError(t, res[0].Err)
				again = res[0].Run
			} else {
				again, err = n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0], moved, nil)
				require.NoError(t, err)
			}
			require.NotNil(t, again, "the moved log with new parameters gets a run")
			require.NotEqual(t, first.ID, again.ID)
			require.Equal(t, "1000300", again.RunRequest.CancelExpiration.String())

			_, err = n.rm.ExecuteJobFromLog(ctx, tt.job, tt.job.Initiators[0],
				newExpiration(oracleRequest(31, common.HexToHash("0xd3"), logIndex, 0, common.Address{}, nil)), nil)
			require.ErrorIs(t, err, services.ErrDuplicateLog, "the moved log again is a duplicate")
			runs, err := st.JobRunsForLog(ctx, common.HexToHash("0xd3"), common.HexToHash("0x7777"), logIndex)
			require.NoError(t, err)
			require.Len(t, runs, 1, "one run for the moved log")
		})
	}
}
