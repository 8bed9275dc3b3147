package subscriber_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/faultproxy"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestMain checks for leaked goroutines, ignoring the ones go-ethereum's
// simulated chain and database drivers leave behind by design.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/eth/filters.(*Subscription).Unsubscribe.func1"),
		goleak.IgnoreTopFunction("github.com/jackc/pgx/v5/pgxpool.(*Pool).backgroundHealthCheck"),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
	)
}

const waitFor = 15 * time.Second
const tick = 10 * time.Millisecond

// ctx bounds a test's chain and store calls, so a stuck call fails the
// test with its place instead of hanging until the test binary's timeout.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// errDuplicate stands in for the executor's sentinel for a log that
// already has its run.
var errDuplicate = errors.New("duplicate run request")

// call is one ExecuteJobFromLog the recorder saw.
type call struct {
	jobID string
	initr string
	req   models.RunRequest
	input models.JSON
	dup   bool
}

// recorder is a RunExecutor that records what it is given. Like the real
// executor it keeps (job, block hash, tx hash, log index) unique and
// answers a repeat with a duplicate error. The real executor lives in
// core/services and is written in parallel.
type recorder struct {
	mu      sync.Mutex
	calls   []call
	keys    map[string]bool
	cancels [][3]string
	holds   map[common.Hash]chan struct{} // tx hash → released when closed
	entered chan common.Hash
	failing map[common.Hash]bool // tx hash → fail with a transient error
	failed  int
	waiting map[common.Hash]bool // tx hash → the log must wait (ErrLogWaits)
	waits   int
}

func newRecorder() *recorder {
	return &recorder{keys: make(map[string]bool), holds: make(map[common.Hash]chan struct{}),
		entered: make(chan common.Hash, 16), failing: make(map[common.Hash]bool), waiting: make(map[common.Hash]bool)}
}

func (r *recorder) ExecuteJobFromLog(ctx context.Context, job *models.JobSpec, initr models.Initiator, req *models.RunRequest, input models.JSON) (*models.JobRun, error) {
	r.mu.Lock()
	hold := r.holds[*req.TxHash]
	r.mu.Unlock()
	if hold != nil {
		r.entered <- *req.TxHash
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing[*req.TxHash] {
		r.failed++
		return nil, errors.New("saving run: database is locked")
	}
	if r.waiting[*req.TxHash] {
		r.waits++
		return nil, fmt.Errorf("request has an undecided run: %w", subscriber.ErrLogWaits)
	}
	key := fmt.Sprintf("%s/%s/%s/%d", job.ID, req.BlockHash, req.TxHash, *req.LogIndex)
	c := call{jobID: job.ID, initr: initr.Type, req: *req, input: input, dup: r.keys[key]}
	r.calls = append(r.calls, c)
	if c.dup {
		return nil, fmt.Errorf("saving run request: %w", errDuplicate)
	}
	r.keys[key] = true
	return &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID}, nil
}

func (r *recorder) CancelRunsForLog(_ context.Context, blockHash, txHash common.Hash, logIndex uint) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cancels = append(r.cancels, [3]string{blockHash.Hex(), txHash.Hex(), fmt.Sprint(logIndex)})
	return nil
}

// hold makes calls for the log of txHash wait until the returned function
// is called.
func (r *recorder) hold(txHash common.Hash) func() {
	ch := make(chan struct{})
	r.mu.Lock()
	r.holds[txHash] = ch
	r.mu.Unlock()
	return func() { close(ch) }
}

func (r *recorder) setFailing(txHash common.Hash, fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing[txHash] = fail
}

func (r *recorder) failures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// runs returns the calls that started a run (not duplicates).
func (r *recorder) runs() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []call
	for _, c := range r.calls {
		if !c.dup {
			out = append(out, c)
		}
	}
	return out
}

func (r *recorder) all() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func (r *recorder) cancelled() [][3]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.cancels)
}

// runsFor returns the runs started for the request logged by txHash.
func (r *recorder) runsFor(txHash common.Hash) []call {
	var out []call
	for _, c := range r.runs() {
		if *c.req.TxHash == txHash {
			out = append(out, c)
		}
	}
	return out
}

func (r *recorder) waitRuns(t *testing.T, n int) []call {
	t.Helper()
	require.Eventually(t, func() bool { return len(r.runs()) >= n }, waitFor, tick, "waiting for %d runs", n)
	return r.runs()
}

// batchRecorder is the recorder as a BatchRunExecutor: it records each
// batch's size and its runs as the recorder records one at a time (a held
// log holds its whole batch).
type batchRecorder struct {
	*recorder
	bmu   sync.Mutex
	sizes []int
}

var _ subscriber.BatchRunExecutor = (*batchRecorder)(nil)

func (b *batchRecorder) ExecuteJobsFromLogs(ctx context.Context, runs []subscriber.LogRun) []subscriber.LogRunResult {
	b.bmu.Lock()
	b.sizes = append(b.sizes, len(runs))
	b.bmu.Unlock()
	out := make([]subscriber.LogRunResult, len(runs))
	for i, r := range runs {
		out[i].Run, out[i].Err = b.ExecuteJobFromLog(ctx, r.Job, r.Initiator, r.Request, r.Input)
	}
	return out
}

func (b *batchRecorder) batchSizes() []int {
	b.bmu.Lock()
	defer b.bmu.Unlock()
	return slices.Clone(b.sizes)
}

// bothExecutors runs test with an executor that takes logs one at a time
// and with one that takes them in batches.
func bothExecutors(t *testing.T, test func(t *testing.T, e *env)) {
	t.Run("one by one", func(t *testing.T) { test(t, setup(t)) })
	t.Run("batched", func(t *testing.T) {
		e := setup(t)
		e.batched = &batchRecorder{recorder: e.exec}
		test(t, e)
	})
}

// env is a simulated chain served over WebSocket with the LINK, Oracle and
// ExampleConsumer contracts, a chain client dialed through a cuttable
// proxy, a real store for jobs and log cursors, and a recording executor.
type env struct {
	sim      *simulated.Backend
	backend  simulated.Client // direct, for sending transactions
	proxy    *faultproxy.Proxy
	client   *chain.Client
	owner    *bind.TransactOpts
	stranger common.Address
	addrs    *stack.Addresses
	commit   stack.Option
	store    *store.Store
	exec     *recorder
	batched  *batchRecorder      // the executor when set, recording into exec
	jobs     subscriber.JobStore // lists the jobs at start; the store when nil

	nextNonce uint64 // one past the owner's last nonce that send used
}

func setup(t *testing.T) *env {
	t.Helper()
	ownerKey, err := crypto.GenerateKey()
	require.NoError(t, err)
	owner := crypto.PubkeyToAddress(ownerKey.PublicKey)
	port, err := simchain.FreePort()
	require.NoError(t, err)
	sim := simchain.New(types.GenesisAlloc{owner: {Balance: simchain.Ether(100)}}, simchain.WithRPC(port))
	t.Cleanup(func() { _ = sim.Close() })
	e := &env{
		sim:      sim,
		backend:  sim.Client(),
		owner:    bind.NewKeyedTransactor(ownerKey, simchain.ChainID),
		stranger: common.HexToAddress("0x000000000000000000000000000000000000beef"),
		commit:   stack.WithCommit(sim.Commit),
		store:    testdb.Open(t),
		exec:     newRecorder(),
	}
	e.addrs, err = stack.Deploy(ctx(t), e.backend, e.owner, nil, e.commit)
	require.NoError(t, err)

	e.proxy = faultproxy.Start(t, fmt.Sprintf("127.0.0.1:%d", port))
	e.client, err = chain.New(chain.Config{
		URL:                 "ws://" + e.proxy.Addr(),
		ChainID:             simchain.ChainID,
		ReconnectMinBackoff: 20 * time.Millisecond,
		ReconnectMaxBackoff: 100 * time.Millisecond,
	}, quietLogger())
	require.NoError(t, err)
	require.NoError(t, e.client.Dial(ctx(t)))
	require.NoError(t, e.client.Start(ctx(t)))
	t.Cleanup(func() { _ = e.client.Close() })
	return e
}

// head returns the chain's latest block number.
func (e *env) head(t *testing.T) uint64 {
	t.Helper()
	n, err := e.backend.BlockNumber(ctx(t))
	require.NoError(t, err)
	return n
}

// markSynced sets addr's cursor to the head, as if every earlier log was
// handled, so the first backfill covers whatever is mined next however
// late the live subscription comes up.
func (e *env) markSynced(t *testing.T, addr common.Address) {
	t.Helper()
	require.NoError(t, e.store.SetLastProcessedBlock(ctx(t), addr, e.head(t)))
}

// cursor returns addr's saved log cursor, 0 when none.
func (e *env) cursor(t *testing.T, addr common.Address) uint64 {
	t.Helper()
	c, _, err := e.store.LastProcessedBlock(ctx(t), addr)
	require.NoError(t, err)
	return c
}

func (e *env) newSubscriber(t *testing.T, cfg subscriber.Config) *subscriber.Subscriber {
	t.Helper()
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = 20 * time.Millisecond
		cfg.MaxRetryBackoff = 200 * time.Millisecond
	}
	cfg.IsDuplicate = func(err error) bool { return errors.Is(err, errDuplicate) }
	var ex subscriber.RunExecutor = e.exec
	if e.batched != nil {
		ex = e.batched
	}
	var jobs subscriber.JobStore = e.store
	if e.jobs != nil {
		jobs = e.jobs
	}
	s, err := subscriber.New(cfg, e.client, jobs, e.store, ex, quietLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func (e *env) start(t *testing.T, cfg subscriber.Config) *subscriber.Subscriber {
	t.Helper()
	s := e.newSubscriber(t, cfg)
	require.NoError(t, s.Start(ctx(t)))
	return s
}

// createJob saves a job with one initiator of type typ and params.
func (e *env) createJob(t *testing.T, typ string, params string) *models.JobSpec {
	t.Helper()
	job := &models.JobSpec{
		Initiators: []models.Initiator{{Type: typ, Params: models.JSON(params)}},
		Tasks:      []models.TaskSpec{{Type: "noop"}},
	}
	require.NoError(t, e.store.CreateJobSpec(ctx(t), job))
	return job
}

func (e *env) runlogJob(t *testing.T, extra string) *models.JobSpec {
	t.Helper()
	return e.createJob(t, models.InitiatorRunLog, fmt.Sprintf(`{"address":%q%s}`, e.addrs.Oracle.Hex(), extra))
}

func (e *env) priceRequest(specID [32]byte) stack.PriceRequest {
	return stack.PriceRequest{
		SpecID:  specID,
		URL:     "https://example.com/price?sym=ETH",
		Path:    "data.price",
		Times:   big.NewInt(100),
		Payment: stack.Link(1),
	}
}

// request makes the consumer request a price for specID and mines it.
func (e *env) request(t *testing.T, specID [32]byte) *oracle.OracleOracleRequest {
	t.Helper()
	ev, err := stack.RequestPrice(ctx(t), e.backend, e.owner, e.addrs.Consumer, e.priceRequest(specID), e.commit)
	require.NoError(t, err)
	return ev
}

// send sends price requests without mining them, with consecutive
// nonces. The pool's pending nonce may lag behind a transaction just sent
// or just mined (the pool takes a new block in the background), so the
// first nonce is the highest of the pool's, the chain's and one past the
// last this env sent: a nonce used twice is refused as an underpriced
// replacement.
func (e *env) send(t *testing.T, specIDs ...[32]byte) []common.Hash {
	t.Helper()
	pending, err := e.backend.PendingNonceAt(ctx(t), e.owner.From)
	require.NoError(t, err)
	mined, err := e.backend.NonceAt(ctx(t), e.owner.From, nil)
	require.NoError(t, err)
	nonce := max(pending, mined, e.nextNonce)
	e.nextNonce = nonce + uint64(len(specIDs))
	var hashes []common.Hash
	for i, spec := range specIDs {
		opts := *e.owner
		opts.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
		tx, err := stack.SendPriceRequest(ctx(t), e.backend, &opts, e.addrs.Consumer, e.priceRequest(spec))
		require.NoError(t, err)
		hashes = append(hashes, tx.Hash())
	}
	return hashes
}

// mine commits blocks until every one of txs is mined, usually one. The
// simulated chain's block builder now and then leaves a transaction just
// sent for the next block (in about one loaded run of the package in
// five); a test that needs its logs in one block must not rely on it.
func (e *env) mine(t *testing.T, txs ...common.Hash) {
	t.Helper()
	for range 5 {
		e.sim.Commit()
		missing := 0
		for _, h := range txs {
			if _, err := e.backend.TransactionReceipt(ctx(t), h); err != nil {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		t.Logf("%d of %d transactions left for the next block", missing, len(txs))
	}
	t.Fatalf("transactions not mined after 5 blocks")
}

func rawSpecID(t *testing.T, jobID string) [32]byte {
	t.Helper()
	raw, err := hex.DecodeString(jobID)
	require.NoError(t, err)
	var s [32]byte
	copy(s[:], raw)
	return s
}

func TestRunLogRequestStartsOneRun(t *testing.T) { bothExecutors(t, testRunLogRequestStartsOneRun) }

func testRunLogRequestStartsOneRun(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	e.markSynced(t, e.addrs.Oracle)
	e.start(t, subscriber.Config{})

	ev := e.request(t, models.SpecIDForJob(job.ID))
	runs := e.exec.waitRuns(t, 1)
	require.Len(t, runs, 1)
	got := runs[0]
	assert.Equal(t, job.ID, got.jobID)
	assert.Equal(t, models.InitiatorRunLog, got.initr)
	assert.JSONEq(t, `{"get":"https://example.com/price?sym=ETH","path":"data.price","times":100}`, string(got.input))
	assert.JSONEq(t, string(got.input), string(got.req.RequestParams))

	req := got.req
	require.True(t, req.IsOracleRequest())
	assert.Equal(t, common.Hash(ev.RequestId), *req.RequestID)
	assert.Equal(t, e.addrs.Consumer, *req.Requester, "the requester is the LINK sender")
	assert.Equal(t, e.addrs.Oracle, *req.OracleAddress)
	assert.Equal(t, stack.Link(1).String(), req.Payment.ToInt().String())
	assert.Equal(t, e.addrs.Consumer, *req.CallbackAddr)
	assert.Equal(t, models.FunctionSelector(ev.CallbackFunctionId), *req.CallbackFunctionID)
	assert.Equal(t, ev.CancelExpiration.String(), req.CancelExpiration.ToInt().String())
	assert.Equal(t, "1", req.DataVersion.ToInt().String())
	assert.Equal(t, ev.Raw.BlockHash, *req.BlockHash)
	assert.Equal(t, ev.Raw.TxHash, *req.TxHash)
	assert.Equal(t, ev.Raw.Index, *req.LogIndex)
	assert.Equal(t, ev.Raw.BlockNumber, *req.BlockNumber)

	// A second request is a second run, and the first is not repeated.
	ev2 := e.request(t, models.SpecIDForJob(job.ID))
	e.exec.waitRuns(t, 2)
	assert.Len(t, e.exec.runsFor(ev.Raw.TxHash), 1)
	assert.Len(t, e.exec.runsFor(ev2.Raw.TxHash), 1)
	assert.Empty(t, e.exec.cancelled())
}

func TestRunLogMatching(t *testing.T) { bothExecutors(t, testRunLogMatching) }

func testRunLogMatching(t *testing.T, e *env) {
	ascii := e.runlogJob(t, "")
	// No params.address: the default Oracle.
	raw := e.createJob(t, models.InitiatorRunLog, `{}`)
	denied := e.runlogJob(t, fmt.Sprintf(`,"requesters":[%q]`, e.stranger.Hex()))
	allowed := e.runlogJob(t, fmt.Sprintf(`,"requesters":[%q,%q]`, e.stranger.Hex(), e.addrs.Consumer.Hex()))
	e.markSynced(t, e.addrs.Oracle)
	e.start(t, subscriber.Config{DefaultOracle: &e.addrs.Oracle})

	// In chain order (one block, or two when the simulated chain leaves
	// the last for the next); the watcher handles logs in order, so once
	// the last one's run is seen every earlier log has been decided on.
	tests := []struct {
		name    string
		specID  [32]byte
		wantJob string // "" when no run may start
	}{
		{"unknown specId is ignored", models.SpecIDForJob(models.NewJobID()), ""},
		{"job ID as 32 ASCII characters", models.SpecIDForJob(ascii.ID), ascii.ID},
		{"job ID as 16 raw bytes right-padded", rawSpecID(t, raw.ID), raw.ID},
		{"requester not on the allow-list is ignored", models.SpecIDForJob(denied.ID), ""},
		{"requester on the allow-list", models.SpecIDForJob(allowed.ID), allowed.ID},
	}
	var specs [][32]byte
	for _, tt := range tests {
		specs = append(specs, tt.specID)
	}
	txs := e.send(t, specs...)
	e.mine(t, txs...)
	want := 0
	for _, tt := range tests {
		if tt.wantJob != "" {
			want++
		}
	}
	e.exec.waitRuns(t, want)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := e.exec.runsFor(txs[i])
			if tt.wantJob == "" {
				assert.Empty(t, runs)
				return
			}
			require.Len(t, runs, 1)
			assert.Equal(t, tt.wantJob, runs[0].jobID)
		})
	}
	assert.Len(t, e.exec.all(), want, "no other executor calls")
}

func TestBackfillAfterRestart(t *testing.T) { bothExecutors(t, testBackfillAfterRestart) }

// TestWaitingLogHoldsTheCursorNotTheOthers: a log the executor says must
// wait (a request moved by a reorg whose earlier run has not finished
// answering) does not hold up the logs after it, is handed over again
// until the executor decides, and keeps the cursor below its block until
// then, so a restart would backfill it.
func TestWaitingLogHoldsTheCursorNotTheOthers(t *testing.T) {
	bothExecutors(t, testWaitingLogHoldsTheCursorNotTheOthers)
}

func testWaitingLogHoldsTheCursorNotTheOthers(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	sub := e.start(t, subscriber.Config{RetryBackoff: 20 * time.Millisecond})

	moved := e.send(t, spec)[0]
	e.exec.mu.Lock()
	e.exec.waiting[moved] = true
	e.exec.mu.Unlock()
	e.mine(t, moved)
	waitingBlock := e.head(t)
	e.request(t, spec)
	e.request(t, spec)
	runs := e.exec.waitRuns(t, 2)
	for _, r := range runs {
		require.NotEqual(t, moved, *r.req.TxHash, "the waiting log has no run yet")
	}
	require.Eventually(t, func() bool {
		e.exec.mu.Lock()
		defer e.exec.mu.Unlock()
		return e.exec.waits >= 3
	}, waitFor, tick, "the waiting log is handed over again")
	require.Equal(t, waitingBlock-1, e.cursor(t, e.addrs.Oracle), "the cursor stays below the waiting log")
	require.NoError(t, sub.Healthy(), "a waiting log is no failure")

	e.exec.mu.Lock()
	delete(e.exec.waiting, moved)
	e.exec.mu.Unlock()
	runs = e.exec.waitRuns(t, 3)
	require.Equal(t, moved, *runs[2].req.TxHash, "once decided, the waiting log starts its run")
	head := e.head(t)
	// head-1 as the live logs had it; head if a resubscription (a loaded
	// machine) backfilled.
	var cur uint64
	if !assert.Eventually(t, func() bool { cur = e.cursor(t, e.addrs.Oracle); return cur >= head-1 }, waitFor, tick) {
		t.Fatalf("the cursor did not move on past the waiting log's block %d: it is at %d, the head at %d", waitingBlock, cur, head)
	}
}

func testBackfillAfterRestart(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	cfg := subscriber.Config{BackfillDepth: 5}

	s1 := e.start(t, cfg)
	r0 := e.request(t, spec)
	e.exec.waitRuns(t, 1)
	require.NoError(t, s1.Close())

	// Mined while stopped: ra below the cursor (as if it was handled), rb
	// after it.
	ra := e.request(t, spec)
	rb := e.request(t, spec)
	require.NoError(t, e.store.SetLastProcessedBlock(ctx(t), e.addrs.Oracle, ra.Raw.BlockNumber))
	s2 := e.start(t, cfg)
	e.exec.waitRuns(t, 2)
	require.Eventually(t, func() bool {
		c := e.cursor(t, e.addrs.Oracle)
		return c >= rb.Raw.BlockNumber
	}, waitFor, tick, "the cursor reaches the head after the backfill")
	require.NoError(t, s2.Close())

	// Mined while stopped again: rc falls more than BackfillDepth below
	// the head by the time the node is back, rd does not.
	rc := e.request(t, spec)
	for range 10 {
		e.sim.Commit()
	}
	rd := e.request(t, spec)
	require.Greater(t, rd.Raw.BlockNumber-rc.Raw.BlockNumber, cfg.BackfillDepth)
	e.start(t, cfg)
	e.exec.waitRuns(t, 3)
	require.Eventually(t, func() bool {
		c := e.cursor(t, e.addrs.Oracle)
		return c >= rd.Raw.BlockNumber
	}, waitFor, tick)

	tests := []struct {
		name string
		tx   common.Hash
		want int
	}{
		{"handled live", r0.Raw.TxHash, 1},
		{"below the cursor", ra.Raw.TxHash, 0},
		{"backfilled after restart", rb.Raw.TxHash, 1},
		{"older than BackfillDepth", rc.Raw.TxHash, 0},
		{"backfilled within BackfillDepth", rd.Raw.TxHash, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Len(t, e.exec.runsFor(tt.tx), tt.want)
		})
	}
	assert.Len(t, e.exec.runs(), 3)
}

// slowEthLogJobs lists the ethlog jobs, which a start loads after the
// runlog jobs, only once a run was recorded or a while has passed: a
// start's loading that outlasts the first watcher's backfill.
type slowEthLogJobs struct {
	subscriber.JobStore
	exec *recorder
}

func (s slowEthLogJobs) ActiveJobSpecsByInitiatorType(ctx context.Context, typ string) ([]models.JobSpec, error) {
	if typ == models.InitiatorEthLog {
		deadline := time.Now().Add(300 * time.Millisecond)
		for len(s.exec.runs()) == 0 && time.Now().Before(deadline) {
			time.Sleep(tick)
		}
	}
	return s.JobStore.ActiveJobSpecsByInitiatorType(ctx, typ)
}

// TestBackfillWaitsForEveryJob: a request mined while the node was down
// is backfilled at start for every job watching its address, the ethlog
// job on the Oracle that loads after the runlog job included.
func TestBackfillWaitsForEveryJob(t *testing.T) { bothExecutors(t, testBackfillWaitsForEveryJob) }

func testBackfillWaitsForEveryJob(t *testing.T, e *env) {
	runlog := e.runlogJob(t, "")
	ethlog := e.createJob(t, models.InitiatorEthLog, fmt.Sprintf(`{"address":%q}`, e.addrs.Oracle.Hex()))
	e.markSynced(t, e.addrs.Oracle)
	ev := e.request(t, models.SpecIDForJob(runlog.ID))
	e.jobs = slowEthLogJobs{JobStore: e.store, exec: e.exec}
	e.start(t, subscriber.Config{})

	runs := e.exec.waitRuns(t, 2)
	jobs := []string{runs[0].jobID, runs[1].jobID}
	assert.ElementsMatch(t, []string{runlog.ID, ethlog.ID}, jobs)
	for _, r := range runs {
		assert.Equal(t, ev.Raw.TxHash, *r.req.TxHash)
	}
}

func TestReconnectBackfillsWhatWasMinedWhileDown(t *testing.T) {
	bothExecutors(t, testReconnectBackfillsWhatWasMinedWhileDown)
}

func testReconnectBackfillsWhatWasMinedWhileDown(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	s := e.start(t, subscriber.Config{})

	r1 := e.request(t, spec)
	e.exec.waitRuns(t, 1)

	e.proxy.Cut()
	require.Eventually(t, func() bool { return !e.client.Connected() }, waitFor, tick)
	r2 := e.request(t, spec)
	r3 := e.request(t, spec)
	// Hold the backfill on r2's run while r4 is mined: r4 arrives on the
	// live subscription during the backfill.
	release := e.exec.hold(r2.Raw.TxHash)
	e.proxy.Restore()
	select {
	case <-e.exec.entered:
	case <-time.After(waitFor):
		t.Fatal("the backfill did not reach r2")
	}
	r4 := e.request(t, spec)
	release()
	e.exec.waitRuns(t, 4)
	require.NoError(t, s.Healthy())

	// And live logs flow again.
	r5 := e.request(t, spec)
	e.exec.waitRuns(t, 5)
	for i, r := range []*oracle.OracleOracleRequest{r1, r2, r3, r4, r5} {
		assert.Len(t, e.exec.runsFor(r.Raw.TxHash), 1, "r%d", i+1)
	}
	assert.Len(t, e.exec.all(), 5, "the in-memory window keeps even duplicate calls away")
}

func TestReorgCancelsRunsOfRemovedLogs(t *testing.T) {
	bothExecutors(t, testReorgCancelsRunsOfRemovedLogs)
}

func testReorgCancelsRunsOfRemovedLogs(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	e.markSynced(t, e.addrs.Oracle)
	e.start(t, subscriber.Config{})

	ev := e.request(t, models.SpecIDForJob(job.ID))
	e.exec.waitRuns(t, 1)
	parent, err := e.backend.HeaderByNumber(ctx(t), new(big.Int).SetUint64(ev.Raw.BlockNumber-1))
	require.NoError(t, err)

	require.NoError(t, e.sim.Fork(parent.Hash()))
	e.sim.Commit()
	e.sim.Commit() // the side chain is now longer: reorg
	want := [3]string{ev.Raw.BlockHash.Hex(), ev.Raw.TxHash.Hex(), fmt.Sprint(ev.Raw.Index)}
	require.Eventually(t, func() bool { return slices.Contains(e.exec.cancelled(), want) }, waitFor, tick)
	c := e.cursor(t, e.addrs.Oracle)
	assert.Less(t, c, ev.Raw.BlockNumber, "the cursor moved below the removed log's block (before its runs were cancelled); runs seen: %d", len(e.exec.runs()))

	// The request's tx went back to the pool; mined again on the new chain,
	// its log is a new log and starts a new run.
	e.sim.Commit()
	runs := e.exec.waitRuns(t, 2)
	require.Len(t, runs, 2)
	assert.Equal(t, ev.Raw.TxHash, *runs[1].req.TxHash)
	assert.NotEqual(t, ev.Raw.BlockHash, *runs[1].req.BlockHash)
	assert.Len(t, e.exec.cancelled(), 1)
}

func TestEthLogTopicsFilter(t *testing.T) { bothExecutors(t, testEthLogTopicsFilter) }

func testEthLogTopicsFilter(t *testing.T, e *env) {
	transfer := crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
	toStranger := common.BytesToHash(e.stranger.Bytes())
	link := e.addrs.LinkToken.Hex()
	anyTransfer := e.createJob(t, models.InitiatorEthLog, fmt.Sprintf(`{"address":%q,"topics":[%q]}`, link, transfer.Hex()))
	strangerOnly := e.createJob(t, models.InitiatorEthLog, fmt.Sprintf(`{"address":%q,"topics":[[%q],null,%q]}`, link, transfer.Hex(), toStranger.Hex()))
	approvals := e.createJob(t, models.InitiatorEthLog, fmt.Sprintf(`{"address":%q,"topics":[%q]}`,
		link, crypto.Keccak256Hash([]byte("Approval(address,address,uint256)")).Hex()))
	e.markSynced(t, e.addrs.LinkToken)
	s := e.start(t, subscriber.Config{})
	require.Eventually(t, func() bool { return len(s.Addresses()) == 1 }, waitFor, tick)
	assert.Equal(t, []common.Address{e.addrs.LinkToken}, s.Addresses(), "three jobs share one address")

	require.NoError(t, stack.TransferLink(ctx(t), e.backend, e.owner, e.addrs.LinkToken, e.addrs.Consumer, big.NewInt(5), e.commit))
	require.NoError(t, stack.TransferLink(ctx(t), e.backend, e.owner, e.addrs.LinkToken, e.stranger, big.NewInt(7), e.commit))
	runs := e.exec.waitRuns(t, 3)
	require.Len(t, runs, 3)
	count := map[string]int{}
	for _, r := range runs {
		count[r.jobID]++
		assert.Equal(t, models.InitiatorEthLog, r.initr)
	}
	assert.Equal(t, map[string]int{anyTransfer.ID: 2, strangerOnly.ID: 1}, count)
	assert.Zero(t, count[approvals.ID])

	last := runs[2]
	require.Equal(t, strangerOnly.ID, last.jobID)
	var in subscriber.LogInput
	require.NoError(t, json.Unmarshal(last.input, &in))
	assert.Equal(t, e.addrs.LinkToken, in.Address)
	assert.Equal(t, []common.Hash{transfer, common.BytesToHash(e.owner.From.Bytes()), toStranger}, in.Topics)
	assert.Equal(t, common.LeftPadBytes([]byte{7}, 32), []byte(in.Data))
	assert.Equal(t, *last.req.BlockHash, in.BlockHash)
	assert.Equal(t, *last.req.TxHash, in.TransactionHash)
	assert.Equal(t, uint64(*last.req.BlockNumber), uint64(in.BlockNumber))
	assert.Equal(t, *last.req.LogIndex, uint(in.LogIndex))
	var rawIn map[string]any
	require.NoError(t, json.Unmarshal(last.input, &rawIn))
	assert.Equal(t, fmt.Sprintf("0x%x", *last.req.BlockNumber), rawIn["blockNumber"], "numbers are hex")
	assert.False(t, last.req.IsOracleRequest())
}

func TestJobsAddedAndRemovedAtRunTime(t *testing.T) {
	e := setup(t)
	archived := e.runlogJob(t, "")
	require.NoError(t, e.store.ArchiveJobSpec(ctx(t), archived.ID, time.Now()))
	web := e.createJob(t, models.InitiatorWeb, `{}`)
	loaded := e.createJob(t, models.InitiatorEthLog, fmt.Sprintf(`{"address":%q}`, e.addrs.Consumer.Hex()))
	e.markSynced(t, e.addrs.Oracle)
	e.markSynced(t, e.addrs.LinkToken)
	s := e.start(t, subscriber.Config{})
	require.Eventually(t, func() bool { return len(s.Addresses()) > 0 }, waitFor, tick)
	assert.Equal(t, []common.Address{e.addrs.Consumer}, s.Addresses(), "archived and web jobs watch nothing")
	require.NoError(t, s.AddJob(web))
	s.RemoveJob(loaded.ID)
	assert.Empty(t, s.Addresses())

	runlog := &models.JobSpec{ID: models.NewJobID(), Initiators: []models.Initiator{{Type: models.InitiatorRunLog, Params: models.JSON(`{}`)}}}
	require.ErrorIs(t, s.AddJob(runlog), subscriber.ErrNoOracleAddress)
	runlog.Initiators[0].Params = models.JSON(fmt.Sprintf(`{"address":%q}`, e.addrs.Oracle.Hex()))
	require.NoError(t, s.AddJob(runlog))
	ethlog := &models.JobSpec{ID: models.NewJobID(), Initiators: []models.Initiator{{Type: models.InitiatorEthLog,
		Params: models.JSON(fmt.Sprintf(`{"address":%q}`, e.addrs.LinkToken.Hex()))}}}
	require.NoError(t, s.AddJob(ethlog))
	want := []common.Address{e.addrs.LinkToken, e.addrs.Oracle}
	slices.SortFunc(want, func(a, b common.Address) int { return a.Cmp(b) })
	assert.Equal(t, want, s.Addresses())

	ev := e.request(t, models.SpecIDForJob(runlog.ID))
	require.Eventually(t, func() bool { return len(e.exec.runsFor(ev.Raw.TxHash)) == 3 }, waitFor, tick,
		"the runlog job's request and the ethlog job's two LINK transfer logs")

	s.RemoveJob(runlog.ID)
	assert.Equal(t, []common.Address{e.addrs.LinkToken}, s.Addresses())
	ev2 := e.request(t, models.SpecIDForJob(runlog.ID))
	require.Eventually(t, func() bool { return len(e.exec.runsFor(ev2.Raw.TxHash)) == 2 }, waitFor, tick)
	for _, r := range e.exec.runsFor(ev2.Raw.TxHash) {
		assert.Equal(t, ethlog.ID, r.jobID, "the removed runlog job's watcher is gone")
	}
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.AddJob(runlog), lifecycle.ErrClosed)
}

func TestExecutorFailuresAreRetriedAndPinTheCursor(t *testing.T) {
	bothExecutors(t, testExecutorFailuresAreRetriedAndPinTheCursor)
}

func testExecutorFailuresAreRetriedAndPinTheCursor(t *testing.T, e *env) {
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	s := e.start(t, subscriber.Config{ExecuteAttempts: 2})

	// r1's run cannot be saved for now; r2, a block later, can.
	tx1 := e.send(t, spec)[0]
	e.exec.setFailing(tx1, true)
	e.mine(t, tx1)
	r2 := e.request(t, spec)
	require.Eventually(t, func() bool { return len(e.exec.runsFor(r2.Raw.TxHash)) == 1 }, waitFor, tick,
		"a failing log does not hold up the ones after it")
	require.Eventually(t, func() bool { return e.exec.failures() >= 4 && s.Healthy() != nil }, waitFor, tick,
		"the failing log is retried across resubscriptions and reported unhealthy")
	c := e.cursor(t, e.addrs.Oracle)
	assert.Less(t, c, r2.Raw.BlockNumber-1, "the cursor stays below the failing log's block")

	e.exec.setFailing(tx1, false)
	require.Eventually(t, func() bool { return len(e.exec.runsFor(tx1)) == 1 }, waitFor, tick)
	require.Eventually(t, func() bool {
		c := e.cursor(t, e.addrs.Oracle)
		return c >= r2.Raw.BlockNumber && s.Healthy() == nil
	}, waitFor, tick, "once handled, the cursor moves on and health recovers")
	assert.Len(t, e.exec.runsFor(r2.Raw.TxHash), 1, "r2 is not run twice")
}

// TestWithTheRunManager wires the subscriber to the real run lifecycle and
// the store's log cursors: a request saves one run, and the log handed
// over again after a restart is recognised as a duplicate by default.
func TestWithTheRunManager(t *testing.T) {
	e := setup(t)
	httpClient := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(httpClient.CloseIdleConnections)
	reg := adapters.NewRegistry(adapters.Deps{
		HTTPClient:        httpClient,
		Bridges:           e.store,
		BridgeResponseURL: &url.URL{Scheme: "http", Host: "node.example"},
	})
	rm, err := services.NewRunManager(services.RunConfig{}, services.RunDeps{Store: e.store, Adapters: reg, Chain: e.backend, Logger: quietLogger()})
	require.NoError(t, err)
	require.NoError(t, rm.Runner().Start(ctx(t)))
	t.Cleanup(func() { _ = rm.Runner().Close() })

	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	newSub := func() *subscriber.Subscriber {
		s, err := subscriber.New(subscriber.Config{RetryBackoff: 20 * time.Millisecond}, e.client, e.store, e.store, rm, quietLogger())
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Start(ctx(t)))
		return s
	}
	runsFor := func(ev *oracle.OracleOracleRequest) []models.JobRun {
		runs, err := e.store.JobRunsForLog(ctx(t), ev.Raw.BlockHash, ev.Raw.TxHash, ev.Raw.Index)
		require.NoError(t, err)
		return runs
	}

	s1 := newSub()
	r1 := e.request(t, spec)
	require.Eventually(t, func() bool { return len(runsFor(r1)) == 1 }, waitFor, tick)
	run := runsFor(r1)[0]
	assert.Equal(t, job.ID, run.JobSpecID)
	require.NoError(t, s1.Close())

	// The restarted subscriber backfills from the store's cursor, which
	// may still include r1's block: the run manager's duplicate error
	// counts as handled, and r2 after it gets its run.
	require.NoError(t, e.store.SetLastProcessedBlock(ctx(t), e.addrs.Oracle, r1.Raw.BlockNumber-1))
	s2 := newSub()
	r2 := e.request(t, spec)
	require.Eventually(t, func() bool { return len(runsFor(r2)) == 1 }, waitFor, tick)
	require.Eventually(t, func() bool { return e.cursor(t, e.addrs.Oracle) >= r2.Raw.BlockNumber-1 }, waitFor, tick)
	assert.Len(t, runsFor(r1), 1)
	assert.NoError(t, s2.Healthy())
}
