package runner_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/faultproxy"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestEthTxThroughTheTxManager runs a web job whose ethtx goes through the
// real TxManager on the simulated chain: the run waits in
// pending_outgoing_confirmations until the transaction is confirmed, then
// completes with its hash; the transaction is recorded once.
func TestEthTxThroughTheTxManager(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	ks, from := unlockedKey(t, st)
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	client := sim.Client()

	txm := startTxManager(t, st, client, ks, 2)
	sender := services.NewRunTxSender(st, txm)

	n := newNode(t, st, nodeOpts{chain: client, txSender: sender})
	txm.OnTxFinal(n.rm.OnTxFinal)
	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethuint256"},
		{"type":"ethtx","params":{"address":"`+to.Hex()+`","functionSelector":"0x12345678"}},{"type":"noop"}]}`)

	heads := func() { announceHead(t, client, txm, n) }
	heads()
	run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":42}`))
	require.NoError(t, err)
	// The pause, the steps before it and the result (the hash) commit
	// with the transaction's record.
	sent := waitStatus(t, st, run.ID, models.RunStatusPendingOutgoingConfirmations)
	require.Equal(t, models.RunStatusCompleted, sent.TaskRuns[0].Status, "the step before the answer")
	require.NotNil(t, sent.TaskRuns[1].Result, "the answer's result")
	require.Len(t, sent.TaskRuns[1].AttemptLog, 1)
	taskRunID := sent.TaskRuns[1].ID
	hash := common.HexToHash(models.JSONText(models.JSONKey(sent.TaskRuns[1].Result.Data, "result")))

	// The ethtx performed again (a crash before the worker's save) finds
	// the same transaction.
	again, err := sender.CreateTx(ctx, taskRunID, common.Address{}, to, []byte{9}, 500_000)
	require.NoError(t, err)
	require.Equal(t, hash, again)

	var done *models.JobRun
	require.Eventually(t, func() bool {
		sim.Commit()
		heads()
		done, err = st.FindJobRun(ctx, run.ID)
		require.NoError(t, err)
		require.False(t, done.Status == models.RunStatusErrored, "run errored")
		return done.Status == models.RunStatusCompleted
	}, waitFor, 50*time.Millisecond)
	require.Equal(t, hash.Hex(), resultOf(t, done))

	tx, err := st.TxByTaskRunID(ctx, taskRunID)
	require.NoError(t, err)
	require.Equal(t, models.TxStateConfirmed, tx.State)
	_, count, err := st.Txs(ctx, 0, 10)
	require.NoError(t, err)
	require.EqualValues(t, 1, count, "one transaction for the task run")
	chainTx, pending, err := client.TransactionByHash(ctx, *tx.Hash)
	require.NoError(t, err)
	require.False(t, pending)
	require.Equal(t, to, *chainTx.To())
	require.Equal(t, append(common.FromHex("0x12345678"), common.LeftPadBytes([]byte{42}, 32)...), chainTx.Data())
}

// announceHead tells the TxManager and the node's runner of the chain's
// latest block, as the head tracker does.
func announceHead(t *testing.T, client simulated.Client, txm *txmanager.TxManager, n *node) {
	t.Helper()
	ctx := context.Background()
	hdr, err := client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	h := &models.Head{Hash: hdr.Hash(), Number: hdr.Number.Int64(), ParentHash: hdr.ParentHash, Timestamp: time.Unix(int64(hdr.Time), 0)}
	txm.OnNewHead(ctx, h)
	n.rm.Runner().OnNewHead(ctx, h)
}

// TestConfirmedAnswerIsSavedBeforeItsWorkerGoesOn: a run whose answer is
// confirmed is saved as resumed before its worker takes it, so a full
// pass (a sweep) does not find it waiting on a final transaction again
// and wait for its lock while the worker is busy (here, on a slow fetch
// after the answer): another run's answer confirmed at that pass
// completes meanwhile, with the answer's hash as its result.
func TestConfirmedAnswerIsSavedBeforeItsWorkerGoesOn(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	ks, from := unlockedKey(t, st)
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	client := sim.Client()
	txm := startTxManager(t, st, client, ks, 1)
	n := newNode(t, st, nodeOpts{chain: client, txSender: services.NewRunTxSender(st, txm)})
	txm.OnTxFinal(n.rm.OnTxFinal)
	slow := newSlowServer(t)
	answer := `{"type":"ethuint256"},{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000aa","functionSelector":"0x12345678"}}`
	slowJob := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[`+answer+`,{"type":"httpget","params":{"get":"`+slow.URL+`"}}]}`)
	fastJob := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[`+answer+`]}`)
	announceHead(t, client, txm, n)

	// An answer is sent on a goroutine of its own once saved: blocks are
	// mined until it is in one.
	mineUntil := func(cond func() bool, msg string) {
		t.Helper()
		require.Eventually(t, func() bool {
			sim.Commit()
			announceHead(t, client, txm, n)
			return cond()
		}, waitFor, 20*time.Millisecond, msg)
	}
	slowRun, err := n.rm.ExecuteJobFromWeb(ctx, slowJob.ID, models.JSON(`{"result":1}`))
	require.NoError(t, err)
	waitStatus(t, st, slowRun.ID, models.RunStatusPendingOutgoingConfirmations)
	mineUntil(func() bool {
		select {
		case <-slow.fetching:
			return true
		default:
			return false
		}
	}, "the slow run's answer confirmed, its fetch started")
	got, err := st.FindJobRun(ctx, slowRun.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusInProgress, got.Status, "saved as resumed while its worker fetches")
	require.Equal(t, models.RunStatusCompleted, got.TaskRuns[1].Status, "the answer's task")

	fastRun, err := n.rm.ExecuteJobFromWeb(ctx, fastJob.ID, models.JSON(`{"result":2}`))
	require.NoError(t, err)
	sent := waitStatus(t, st, fastRun.ID, models.RunStatusPendingOutgoingConfirmations)
	hash := models.JSONText(models.JSONKey(sent.TaskRuns[1].Result.Data, "result"))
	var done *models.JobRun
	mineUntil(func() bool {
		n.rm.Sweep() // every pass looks at every run waiting on a final tx
		done, err = st.FindJobRun(ctx, fastRun.ID)
		require.NoError(t, err)
		return done.Status == models.RunStatusCompleted
	}, "the fast run completes while the slow one fetches")
	require.Equal(t, hash, resultOf(t, done))
	require.NotNil(t, done.FinishedAt)

	slow.releaseAll()
	done = waitStatus(t, st, slowRun.ID, models.RunStatusCompleted)
	require.Equal(t, `{"price":"7"}`, resultOf(t, done), "the fetch after the answer")
}

// TestAnswerNoncesAfterAnotherWriter: answers take the key's nonces in
// order, also when another writer (a second node on the database, an
// operator's tx) claimed some between two answers: the answer after it
// takes the next free nonce, not the one the node expected, and the one
// after that follows on.
func TestAnswerNoncesAfterAnotherWriter(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	ks, from := unlockedKey(t, st)
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	client := sim.Client()
	txm := startTxManager(t, st, client, ks, 2)
	n := newNode(t, st, nodeOpts{chain: client, txSender: services.NewRunTxSender(st, txm)})
	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethuint256"},
		{"type":"ethtx","params":{"address":"`+to.Hex()+`","functionSelector":"0x12345678","gasLimit":100000}}]}`)
	answerNonce := func() uint64 {
		t.Helper()
		run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":1}`))
		require.NoError(t, err)
		sent := waitStatus(t, st, run.ID, models.RunStatusPendingOutgoingConfirmations)
		tx, err := st.TxByTaskRunID(ctx, sent.TaskRuns[1].ID)
		require.NoError(t, err)
		return tx.Nonce
	}

	require.Equal(t, uint64(0), answerNonce())
	require.Equal(t, uint64(1), answerNonce())
	first, err := st.ClaimNonces(ctx, from, 2) // another writer
	require.NoError(t, err)
	require.Equal(t, uint64(2), first)
	require.Equal(t, uint64(4), answerNonce(), "the nonces the other writer claimed are not handed out again")
	require.Equal(t, uint64(5), answerNonce())
	next, err := st.NextNonce(ctx, from)
	require.NoError(t, err)
	require.Equal(t, uint64(6), next)
}

// TestEthTxWaitsOutALostChainConnection drops the WebSocket to the chain
// (the simulated chain served through a proxy that is cut) while a run's
// ethtx creates its transaction: the run waits in pending_connection, the
// fault does not count as an attempt, and once the connection is back the
// transaction is sent once and the run completes. The runner learns of
// the fault either only from the failed call (the head tracker has not
// seen it yet) or also from the head tracker's Disconnect and Connect.
func TestEthTxWaitsOutALostChainConnection(t *testing.T) {
	tests := []struct {
		name       string
		tellRunner bool
	}{
		{"fault seen only by the call", false},
		{"fault also reported by the head tracker", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := testdb.Open(t)
			ks, from := unlockedKey(t, st)
			port, err := simchain.FreePort()
			require.NoError(t, err)
			sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}}, simchain.WithRPC(port))
			t.Cleanup(func() { _ = sim.Close() })
			proxy := faultproxy.Start(t, fmt.Sprintf("127.0.0.1:%d", port))
			client, err := chain.New(chain.Config{URL: "ws://" + proxy.Addr(), ChainID: simchain.ChainID,
				ReconnectMinBackoff: 20 * time.Millisecond, ReconnectMaxBackoff: 100 * time.Millisecond}, slog.New(slog.DiscardHandler))
			require.NoError(t, err)
			require.NoError(t, client.Dial(ctx))
			require.NoError(t, client.Start(ctx))
			t.Cleanup(func() { _ = client.Close() })

			txm := startTxManager(t, st, client, ks, 1)
			n := newNode(t, st, nodeOpts{txSender: services.NewRunTxSender(st, txm)})
			txm.OnTxFinal(n.rm.OnTxFinal)
			to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
			job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethuint256"},
				{"type":"ethtx","params":{"address":"`+to.Hex()+`","functionSelector":"0x12345678"}}]}`)

			proxy.Cut()
			require.Eventually(t, func() bool { return !client.Connected() }, waitFor, 5*time.Millisecond)
			run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":42}`))
			require.NoError(t, err)
			paused := waitStatus(t, st, run.ID, models.RunStatusPendingConnection)
			require.Equal(t, models.RunStatusPendingConnection, paused.TaskRuns[1].Status)
			require.Zero(t, paused.TaskRuns[1].Attempts, "a lost connection is not an attempt")
			if tt.tellRunner {
				n.rm.Runner().Disconnect()
			}
			_, err = st.TxByTaskRunID(ctx, paused.TaskRuns[1].ID)
			require.ErrorIs(t, err, store.ErrNotFound, "nothing recorded while the chain is unreachable")

			proxy.Restore()
			require.Eventually(t, client.Connected, waitFor, 5*time.Millisecond)
			if tt.tellRunner {
				require.NoError(t, n.rm.Runner().Connect(ctx, nil))
			}
			var done *models.JobRun
			require.Eventually(t, func() bool {
				sim.Commit()
				hdr, err := client.HeaderByNumber(ctx, nil)
				if err != nil {
					return false
				}
				h := &models.Head{Hash: hdr.Hash(), Number: hdr.Number.Int64(), ParentHash: hdr.ParentHash, Timestamp: time.Unix(int64(hdr.Time), 0)}
				txm.OnNewHead(ctx, h)
				n.rm.Runner().OnNewHead(ctx, h)
				done, err = st.FindJobRun(ctx, run.ID)
				require.NoError(t, err)
				require.NotEqual(t, models.RunStatusErrored, done.Status, "run errored")
				return done.Status == models.RunStatusCompleted
			}, reconnectWait, 50*time.Millisecond)
			require.Equal(t, 1, done.TaskRuns[1].Attempts)
			_, count, err := st.Txs(ctx, 0, 10)
			require.NoError(t, err)
			require.EqualValues(t, 1, count, "one transaction for the task run")
		})
	}
}

// reconnectWait bounds the wait for a run after the connection is back: a
// chain call in flight when the connection dropped may first have to run
// out its RPC timeout (10 s).
const reconnectWait = 40 * time.Second

// TestConcurrentAnswersAreRecordedTogether runs many ethtx runs at once:
// answers that meet are recorded in shared database transactions, and
// still each run gets its own transaction with its own nonce (no gap, no
// repeat), its own hash in its result, and one attempt.
func TestConcurrentAnswersAreRecordedTogether(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	ks, from := unlockedKey(t, st)
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	txm := startTxManager(t, st, sim.Client(), ks, 1)
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{Runner: runner.Config{Workers: 16}},
		txSender: services.NewRunTxSender(st, txm)})
	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethuint256"},
		{"type":"ethtx","params":{"address":"`+to.Hex()+`","functionSelector":"0x12345678"}}]}`)

	const runs = 40
	requireOneAnswerEach(t, st, startWebRuns(t, n, job, runs), 1)
	_, count, err := st.Txs(ctx, 0, 1)
	require.NoError(t, err)
	require.EqualValues(t, runs, count)
}

// startWebRuns starts count web runs of job, with inputs 0 to count-1,
// and returns their IDs.
func startWebRuns(t *testing.T, n *node, job *models.JobSpec, count int) []string {
	t.Helper()
	ids := make([]string, count)
	for i := range ids {
		run, err := n.rm.ExecuteJobFromWeb(context.Background(), job.ID, models.JSON(fmt.Sprintf(`{"result":%d}`, i)))
		require.NoError(t, err)
		ids[i] = run.ID
	}
	return ids
}

// requireOneAnswerEach waits for each run of ids to wait on its answer,
// the job's task answer, and checks that each has its own tx, at the
// key's nonces 0 to len(ids)-1 (no gap, no repeat), with its hash in the
// task's result, one attempt of the task, and the step before it saved.
func requireOneAnswerEach(t *testing.T, st *store.Store, ids []string, answer int) {
	t.Helper()
	nonces := map[uint64]bool{}
	for _, id := range ids {
		sent := waitStatus(t, st, id, models.RunStatusPendingOutgoingConfirmations)
		require.Equal(t, models.RunStatusCompleted, sent.TaskRuns[answer-1].Status, "the step before the answer")
		ethtx := sent.TaskRuns[answer]
		require.Equal(t, 1, ethtx.Attempts, "run %s: the answer's task counted once", id)
		require.Len(t, ethtx.AttemptLog, 1)
		tx, err := st.TxByTaskRunID(context.Background(), ethtx.ID)
		require.NoError(t, err)
		require.NotNil(t, ethtx.Result)
		require.Equal(t, tx.Attempts[0].Hash.Hex(), models.JSONText(models.JSONKey(ethtx.Result.Data, "result")))
		require.False(t, nonces[tx.Nonce], "nonce %d used twice", tx.Nonce)
		nonces[tx.Nonce] = true
	}
	for i := range uint64(len(ids)) {
		require.True(t, nonces[i], "nonce %d unused", i)
	}
}

// batchFault is the TxManager as RunTxSender's TxCreator, except that it
// never signs at a nonce hint (so batches take the database transaction
// on PostgreSQL too) and that the first batch of several answers it
// creates txes for is made to fail after its steps: one of its runs is
// cancelled inside the batch's transaction, which the store then refuses
// to save over, and the transaction rolls back, the cancel with it.
type batchFault struct {
	*txmanager.TxManager
	mu     sync.Mutex
	failed int // batches made to fail
}

func (b *batchFault) SignAtHint(context.Context, []txmanager.TxRequest) ([]*models.Tx, uint64, bool, error) {
	return nil, 0, false, nil
}

func (b *batchFault) CreateTxs(ctx context.Context, db *store.Store, reqs []txmanager.TxRequest) ([]*models.Tx, error) {
	txs, err := b.TxManager.CreateTxs(ctx, db, reqs)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil || len(reqs) < 2 || b.failed > 0 {
		return txs, err
	}
	b.failed++
	tr, err := db.FindTaskRun(ctx, reqs[1].TaskRunID)
	if err != nil {
		return nil, err
	}
	return txs, db.CancelJobRun(ctx, tr.JobRunID, time.Now())
}

// TestFailedAnswerBatchIsRecordedAnswerByAnswer: when the database
// transaction recording a batch of answers fails after the answers' steps
// were handed out (here, a run of the batch cancelled meanwhile), each
// answer is recorded again on its own from the state before: one tx per
// answer at consecutive nonces (the batch's claims rolled back), one
// attempt of each answer's task, the steps before it saved.
func TestFailedAnswerBatchIsRecordedAnswerByAnswer(t *testing.T) {
	st := testdb.Open(t)
	ks, from := unlockedKey(t, st)
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	faulty := &batchFault{TxManager: startTxManager(t, st, sim.Client(), ks, 1)}
	n := newNode(t, st, nodeOpts{cfg: services.RunConfig{Runner: runner.Config{Workers: 16}},
		txSender: services.NewRunTxSender(st, faulty)})
	// Every run sleeps until the same moment, so their answers come
	// together and queue behind one another: batches of several.
	wake := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"sleep","params":{"until":"`+wake+`"}},{"type":"ethuint256"},
		{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000aa","functionSelector":"0x12345678"}}]}`)

	requireOneAnswerEach(t, st, startWebRuns(t, n, job, 40), 2)
	faulty.mu.Lock()
	defer faulty.mu.Unlock()
	require.Equal(t, 1, faulty.failed, "a batch of several answers was made to fail")
}

// unlockedKey is a keystore over st with one unlocked key, and its
// address.
func unlockedKey(t *testing.T, st *store.Store) (*keystore.KeyStore, common.Address) {
	t.Helper()
	ks := keystore.New(st, keystore.LightConfig(), nil)
	require.NoError(t, ks.Unlock(context.Background(), "password"))
	return ks, ks.Addresses()[0]
}

// startTxManager starts a TxManager over st, client and ks that finds a
// tx final at minConfirmations, and closes it when the test ends.
func startTxManager(t *testing.T, st *store.Store, client txmanager.Client, ks *keystore.KeyStore, minConfirmations uint64) *txmanager.TxManager {
	t.Helper()
	txm, err := txmanager.New(txmanager.Config{
		GasPriceDefault: big.NewInt(20e9), MaxGasPrice: big.NewInt(500e9), TipCapDefault: big.NewInt(1e9),
		BumpThreshold: 5, BumpWei: big.NewInt(1e9), BumpPercent: 20, MinConfirmations: minConfirmations,
	}, st, client, ks, nil)
	require.NoError(t, err)
	require.NoError(t, txm.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, txm.Close()) })
	return txm
}
