package txmanager_test

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// sendCounter counts the manager's broadcasts, and fees reads, over e's
// chain.
type sendCounter struct {
	*countingClient
}

func (c sendCounter) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	c.count("SendTransaction")
	return c.Client.SendTransaction(ctx, tx)
}

func (e *env) countingManager() (*txmanager.TxManager, sendCounter) {
	e.t.Helper()
	c := sendCounter{newCountingClient(e.chain)}
	m, err := txmanager.New(e.cfg, e.db, c, e.ks, e.lggr)
	require.NoError(e.t, err)
	m.OnTxFinal(func(_ context.Context, tx *models.Tx) { e.final <- tx })
	e.t.Cleanup(func() { require.NoError(e.t, m.Close()) })
	return m, c
}

// TestSendNewSendsOnce: a tx committed by its caller is sent by SendNew on
// the caller's goroutine, recorded as broadcast by the worker's next pass
// and never sent again by a pass, concurrent creators included.
func TestSendNewSendsOnce(t *testing.T) {
	e := setup(t, setupOpts{})
	m, c := e.countingManager()
	require.NoError(t, m.Start(e.ctx))
	const n = 6
	var wg sync.WaitGroup
	ids := make(chan int64, n)
	for i := range n {
		wg.Go(func() {
			var tx *models.Tx
			err := e.db.Transact(e.ctx, func(db *store.Store) error {
				var err error
				tx, err = m.CreateTx(e.ctx, db, txmanager.TxRequest{TaskRunID: fmt.Sprintf("send-%d", i), To: sink, GasLimit: 21_000})
				return err
			})
			if assert.NoError(t, err) {
				m.SendNew(e.ctx, tx)
				m.SendNew(e.ctx, tx) // a second call sends nothing
				ids <- tx.ID
			}
		})
	}
	wg.Wait()
	close(ids)
	assert.Equal(t, n, c.get("SendTransaction"), "one send per tx, nonces in any order")
	for id := range ids {
		e.waitTx(id, "broadcast", broadcast)
	}
	e.waitPool(n)
	e.commit(m)
	for range n {
		assert.Equal(t, models.TxStateConfirmed, e.waitFinal().State)
	}
	e.commit(m)
	assert.Equal(t, n, c.get("SendTransaction"), "no pass sent them again")
	assert.Equal(t, uint64(n), e.chainNonce())
}

// orderedBatches is a batching client that records, per batch, the
// nonces of the transactions it sends.
type orderedBatches struct {
	*batchingClient
	mu     sync.Mutex
	nonces [][]uint64
}

func (c *orderedBatches) BatchCallContext(ctx context.Context, batch []rpc.BatchElem) error {
	var nonces []uint64
	for _, b := range batch {
		if b.Method != "eth_sendRawTransaction" {
			continue
		}
		tx := new(types.Transaction)
		if raw, ok := b.Args[0].(hexutil.Bytes); ok && tx.UnmarshalBinary(raw) == nil {
			nonces = append(nonces, tx.Nonce())
		}
	}
	if len(nonces) > 0 {
		c.mu.Lock()
		c.nonces = append(c.nonces, nonces)
		c.mu.Unlock()
	}
	return c.batchingClient.BatchCallContext(ctx, batch)
}

// TestSendNewBatch: an answers' group commit is broadcast as one JSON-RPC
// batch in nonce order, whatever order it is handed over in; each tx is
// recorded as broadcast and mined once, and a second call sends nothing.
func TestSendNewBatch(t *testing.T) {
	e, rc := setupOverWebSocket(t)
	counting := newCountingClient(ethclient.NewClient(rc))
	client := &orderedBatches{batchingClient: &batchingClient{countingClient: counting, rpc: rc}}
	m := e.newManagerOn(client)
	latest, err := e.client.HeaderByNumber(e.ctx, nil)
	require.NoError(t, err)
	e.announce(m, latest.Hash())

	const n = 5
	reqs := make([]txmanager.TxRequest, n)
	for i := range reqs {
		reqs[i] = txmanager.TxRequest{TaskRunID: fmt.Sprintf("together-%d", i), To: sink, GasLimit: 21_000}
	}
	var txs []*models.Tx
	require.NoError(t, e.db.Transact(e.ctx, func(db *store.Store) error {
		var err error
		txs, err = m.CreateTxs(e.ctx, db, reqs)
		return err
	}))
	handed := slices.Clone(txs)
	slices.Reverse(handed)
	m.SendNewBatch(e.ctx, handed)
	m.SendNewBatch(e.ctx, handed) // claimed and sent: nothing more
	require.Equal(t, [][]uint64{{0, 1, 2, 3, 4}}, client.nonces, "one batch, in nonce order")
	assert.Zero(t, counting.get("SendTransaction"))
	e.waitPool(n) // every tx accepted

	require.NoError(t, m.Start(e.ctx))
	for _, tx := range txs {
		e.waitTx(tx.ID, "broadcast", broadcast)
	}
	e.commit(m)
	for range n {
		assert.Equal(t, models.TxStateConfirmed, e.waitFinal().State)
	}
	assert.Len(t, client.nonces, 1, "no pass sent them again")
	assert.Equal(t, uint64(n), e.chainNonce())
}

// TestSendNewBeforeRecordedCrash: SendNew sent the tx but the node
// stopped before a pass recorded it; the next manager sends the same
// signed tx again ("already known") and it is mined once.
func TestSendNewBeforeRecordedCrash(t *testing.T) {
	e := setup(t, setupOpts{})
	crashed := e.newManager() // never started: no pass records the send
	tx, err := crashed.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "sent", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	// The chain's pool takes the tx in on its own goroutine: the pending
	// nonce moves a moment after the send returned.
	require.Eventually(t, func() bool {
		pending, err := e.client.PendingNonceAt(e.ctx, e.from)
		return err == nil && pending == 1
	}, 2*time.Second, 5*time.Millisecond, "sent at once")
	require.NoError(t, crashed.Close())
	saved, err := e.db.TxByID(e.ctx, tx.ID)
	require.NoError(t, err)
	require.False(t, broadcast(saved), "not recorded")

	m := e.manager()
	e.waitTx(tx.ID, "broadcast", broadcast)
	block := e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, tx.ID, final.ID)
	assert.Equal(t, tx.Attempts[0].Hash, *final.Hash)
	b, err := e.client.BlockByHash(e.ctx, block.Hash)
	require.NoError(t, err)
	assert.Len(t, b.Transactions(), 1)
}

// TestCreateTxs: a batch in the caller's transaction gets consecutive
// nonces from one claim, one attempt each, and is sent after the commit;
// a batch with a task run that has a tx is refused and rolled back with
// no nonce used.
func TestCreateTxs(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.manager()
	reqs := make([]txmanager.TxRequest, 4)
	for i := range reqs {
		reqs[i] = txmanager.TxRequest{TaskRunID: fmt.Sprintf("batch-%d", i), To: sink, GasLimit: 21_000, Value: big.NewInt(int64(i))}
	}
	var txs []*models.Tx
	err := e.db.Transact(e.ctx, func(db *store.Store) error {
		var err error
		txs, err = m.CreateTxs(e.ctx, db, reqs)
		return err
	})
	require.NoError(t, err)
	require.Len(t, txs, len(reqs))
	for i, tx := range txs {
		assert.Equal(t, uint64(i), tx.Nonce)
		assert.Equal(t, reqs[i].TaskRunID, *tx.TaskRunID)
		assert.Equal(t, e.from, tx.From)
		require.Len(t, tx.Attempts, 1)
		assert.NotZero(t, tx.Attempts[0].ID)
		m.SendNew(e.ctx, tx)
	}
	assert.Zero(t, reqs[0].From, "the caller's requests are not changed")
	// The pool takes sent txs in the background: commit once it holds all.
	require.Eventually(t, func() bool {
		n, err := e.client.PendingNonceAt(e.ctx, e.from)
		return err == nil && n == uint64(len(txs))
	}, 10*time.Second, 5*time.Millisecond)
	e.commit(m)
	for range txs {
		assert.Equal(t, models.TxStateConfirmed, e.waitFinal().State)
	}

	tests := []struct {
		name string
		reqs []txmanager.TxRequest
		want error
	}{
		{"a task run with a tx", []txmanager.TxRequest{
			{TaskRunID: "batch-new", To: sink, GasLimit: 21_000},
			{TaskRunID: "batch-1", To: sink, GasLimit: 21_000},
		}, txmanager.ErrTaskRunHasTx},
		{"a task run twice", []txmanager.TxRequest{
			{TaskRunID: "batch-twice", To: sink, GasLimit: 21_000},
			{TaskRunID: "batch-twice", To: sink, GasLimit: 21_000},
		}, txmanager.ErrTaskRunHasTx},
		{"a bad request", []txmanager.TxRequest{{TaskRunID: "batch-bad"}}, txmanager.ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.db.Transact(e.ctx, func(db *store.Store) error {
				_, err := m.CreateTxs(e.ctx, db, tt.reqs)
				return err
			})
			require.ErrorIs(t, err, tt.want)
			next, err := e.db.NextNonce(e.ctx, e.from)
			require.NoError(t, err)
			assert.Equal(t, uint64(len(reqs)), next, "no nonce used")
			_, err = e.db.TxByTaskRunID(e.ctx, tt.reqs[0].TaskRunID)
			require.ErrorIs(t, err, store.ErrNotFound, "nothing saved")
		})
	}
	_, err = m.CreateTxs(e.ctx, nil, reqs)
	require.Error(t, err, "a database transaction is required")
}

// TestFeesRefreshedInBackground: after the first pricing, CreateTx asks
// the chain nothing; a new head makes the refresher read the fees once,
// without a creator waiting for it.
func TestFeesRefreshedInBackground(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) { c.TipCapDefault = nil }})
	m, c := e.countingManager()
	require.NoError(t, m.Start(e.ctx))
	// The first pass prices first attempts from the header it reads.
	require.Eventually(t, func() bool { return c.get("SuggestGasTipCap") == 1 }, 20*time.Second, 10*time.Millisecond)
	headers := c.get("HeaderByNumber")
	for range 3 {
		_, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
		require.NoError(t, err)
	}
	assert.Equal(t, headers, c.get("HeaderByNumber"), "creators read no header")
	assert.Equal(t, 1, c.get("SuggestGasTipCap"), "creators ask for no tip")

	e.commit(m)
	require.Eventually(t, func() bool { return c.get("SuggestGasTipCap") == 2 }, 20*time.Second, 10*time.Millisecond,
		"the new head's fees are read in the background")
	assert.Equal(t, headers+1, c.get("HeaderByNumber"))
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	assert.Positive(t, tx.Attempts[0].GasTipCap.ToInt().Sign())
	assert.Equal(t, 2, c.get("SuggestGasTipCap"))
}

// disconnectedClient is a chain client that knows it has lost its
// connection, as the node's chain client does.
type disconnectedClient struct {
	txmanager.Client
}

func (disconnectedClient) Connected() bool { return false }

// TestCreateTxWhileDisconnected: nothing is created while the chain
// client is disconnected; the error is the chain's, so the caller's run
// waits for the connection.
func TestCreateTxWhileDisconnected(t *testing.T) {
	e := setup(t, setupOpts{})
	m, err := txmanager.New(e.cfg, e.db, disconnectedClient{e.chain}, e.ks, e.lggr)
	require.NoError(t, err)
	_, err = m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "offline", To: sink, GasLimit: 21_000})
	require.ErrorIs(t, err, chain.ErrNotConnected)
	err = e.db.Transact(e.ctx, func(db *store.Store) error {
		_, err := m.CreateTxs(e.ctx, db, []txmanager.TxRequest{{TaskRunID: "offline", To: sink, GasLimit: 21_000}})
		return err
	})
	require.ErrorIs(t, err, chain.ErrNotConnected)
	_, err = e.db.TxByTaskRunID(e.ctx, "offline")
	require.ErrorIs(t, err, store.ErrNotFound)
}
