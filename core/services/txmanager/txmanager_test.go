package txmanager_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// The simulated backend's process-wide sender cache and the
		// in-memory leveldb's pool drainer outlive a closed backend.
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
	)
}

var (
	_ adapters.TxSender         = txmanager.TaskRunSender{}
	_ headtracker.HeadTrackable = (*txmanager.TxManager)(nil)
	_ txmanager.Client          = (*chain.Client)(nil)
	_ txmanager.Client          = (*ethclient.Client)(nil)
	_ txmanager.Client          = simulated.Client(nil)
	_ txmanager.Keys            = (*keystore.KeyStore)(nil)
)

// logCounter counts log records by message, so a test can check that
// something is logged once.
type logCounter struct {
	slog.Handler
	mu     *sync.Mutex
	counts map[string]int
}

func (h logCounter) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	h.counts[r.Message]++
	h.mu.Unlock()
	return h.Handler.Handle(ctx, r)
}

func (h logCounter) WithAttrs(as []slog.Attr) slog.Handler {
	return logCounter{h.Handler.WithAttrs(as), h.mu, h.counts}
}

func (h logCounter) WithGroup(name string) slog.Handler {
	return logCounter{h.Handler.WithGroup(name), h.mu, h.counts}
}

func (h logCounter) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[msg]
}

type env struct {
	t        *testing.T
	ctx      context.Context
	db       *store.Store
	ks       *keystore.KeyStore
	from     common.Address
	sim      *simulated.Backend
	client   simulated.Client
	chain    *atomicClient      // the manager's view of client
	owner    *bind.TransactOpts // a funded account outside the node
	ownerKey *ecdsa.PrivateKey
	logs     logCounter
	lggr     *slog.Logger
	cfg      txmanager.Config
	final    chan *models.Tx
}

type setupOpts struct {
	fund    *big.Int
	simOpts []simchain.Option
	cfg     func(*txmanager.Config)
}

func setup(t *testing.T, o setupOpts) *env {
	t.Helper()
	ctx := t.Context()
	db := testdb.Open(t)
	ks := keystore.New(db, keystore.LightConfig(), nil)
	require.NoError(t, ks.Unlock(ctx, "password"))
	from := ks.Addresses()[0]
	ownerKey, err := crypto.GenerateKey()
	require.NoError(t, err)
	owner := bind.NewKeyedTransactor(ownerKey, simchain.ChainID)
	fund := o.fund
	if fund == nil {
		fund = simchain.Ether(10)
	}
	alloc := types.GenesisAlloc{owner.From: {Balance: simchain.Ether(1000)}}
	if fund.Sign() > 0 {
		alloc[from] = types.Account{Balance: fund}
	}
	sim := simchain.New(alloc, o.simOpts...)
	t.Cleanup(func() { _ = sim.Close() })
	logs := logCounter{slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}), &sync.Mutex{}, map[string]int{}}
	cfg := txmanager.Config{
		GasPriceDefault:  big.NewInt(20e9),
		MaxGasPrice:      big.NewInt(500e9),
		TipCapDefault:    big.NewInt(1e9),
		BumpThreshold:    2,
		BumpWei:          big.NewInt(1e9),
		BumpPercent:      20,
		MinConfirmations: 1,
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	return &env{
		t: t, ctx: ctx, db: db, ks: ks, from: from, sim: sim, client: sim.Client(), chain: &atomicClient{Client: sim.Client()},
		owner: owner, ownerKey: ownerKey, logs: logs, lggr: slog.New(logs), cfg: cfg,
		final: make(chan *models.Tx, 16),
	}
}

// manager returns a started TxManager over e's database, closed when the
// test ends.
func (e *env) manager() *txmanager.TxManager {
	e.t.Helper()
	return e.managerOn(e.chain)
}

// managerOn is manager over client (a fake for a fault of the chain).
func (e *env) managerOn(client txmanager.Client) *txmanager.TxManager {
	e.t.Helper()
	m := e.newManagerOn(client)
	require.NoError(e.t, m.Start(e.ctx))
	return m
}

// newManager returns a TxManager that is not started.
func (e *env) newManager() *txmanager.TxManager {
	e.t.Helper()
	return e.newManagerOn(e.chain)
}

func (e *env) newManagerOn(client txmanager.Client) *txmanager.TxManager {
	e.t.Helper()
	m, err := txmanager.New(e.cfg, e.db, client, e.ks, e.lggr)
	require.NoError(e.t, err)
	m.OnTxFinal(func(_ context.Context, tx *models.Tx) { e.final <- tx })
	e.t.Cleanup(func() { require.NoError(e.t, m.Close()) })
	return m
}

// commit mines a block and hands its head to m (when not nil).
func (e *env) commit(m *txmanager.TxManager) *models.Head {
	e.t.Helper()
	hash := e.sim.Commit()
	return e.announce(m, hash)
}

func (e *env) announce(m *txmanager.TxManager, hash common.Hash) *models.Head {
	e.t.Helper()
	h, err := e.client.HeaderByHash(e.ctx, hash)
	require.NoError(e.t, err)
	head := &models.Head{Hash: hash, Number: h.Number.Int64(), ParentHash: h.ParentHash, Timestamp: time.Unix(int64(h.Time), 0)}
	if m != nil {
		m.OnNewHead(e.ctx, head)
	}
	return head
}

// waitTx waits until tx id satisfies cond and returns it.
func (e *env) waitTx(id int64, what string, cond func(*models.Tx) bool) *models.Tx {
	e.t.Helper()
	var got *models.Tx
	require.Eventually(e.t, func() bool {
		tx, err := e.db.TxByID(e.ctx, id)
		require.NoError(e.t, err)
		got = tx
		return cond(tx)
	}, 20*time.Second, 10*time.Millisecond, "tx %d never became %s", id, what)
	return got
}

// waitPool waits until the simulated chain's pool holds the key's txes
// up to nonce n-1: it takes a sent tx in on its own goroutine, so a block
// committed right after the send may miss it (CI caught this once).
func (e *env) waitPool(n uint64) {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		pending, err := e.client.PendingNonceAt(e.ctx, e.from)
		return err == nil && pending >= n
	}, 5*time.Second, 5*time.Millisecond, "the pool never held %d txes", n)
}

func broadcast(tx *models.Tx) bool {
	a := tx.LatestAttempt()
	return a != nil && a.BroadcastAt != nil
}

func inState(s models.TxState) func(*models.Tx) bool {
	return func(tx *models.Tx) bool { return tx.State == s }
}

// waitFinal receives one OnTxFinal call.
func (e *env) waitFinal() *models.Tx {
	e.t.Helper()
	select {
	case tx := <-e.final:
		return tx
	case <-time.After(20 * time.Second):
		e.t.Fatal("no OnTxFinal call")
		return nil
	}
}

func (e *env) noMoreFinal() {
	e.t.Helper()
	select {
	case tx := <-e.final:
		e.t.Fatalf("unexpected OnTxFinal for tx %d (%s)", tx.ID, tx.State)
	default:
	}
}

var sink = common.HexToAddress("0x000000000000000000000000000000000000dEaD")

func (e *env) chainNonce() uint64 {
	e.t.Helper()
	n, err := e.client.NonceAt(e.ctx, e.from, nil)
	require.NoError(e.t, err)
	return n
}

func TestCreateTxSendsAndConfirms(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) { c.MinConfirmations = 3 }})
	m := e.manager()

	tests := []struct {
		name      string
		taskRunID string
		value     *big.Int
		gasLimit  uint64
	}{
		{"estimated gas", "run-a", big.NewInt(1), 0},
		{"given gas limit", "run-b", nil, 30_000},
		{"no task run", "", big.NewInt(5), 21_000},
	}
	var txs []*models.Tx
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: tt.taskRunID, To: sink, Value: tt.value, GasLimit: tt.gasLimit})
			require.NoError(t, err)
			assert.Equal(t, uint64(i), tx.Nonce, "nonces are given out in order")
			assert.Equal(t, e.from, tx.From, "a zero From picks the first key")
			require.Len(t, tx.Attempts, 1)
			a := tx.Attempts[0]
			require.NotNil(t, a.GasFeeCap, "the simulated chain has a base fee: EIP-1559 attempt")
			assert.Equal(t, "1000000000", a.GasTipCap.String())
			if tt.gasLimit == 0 {
				assert.Equal(t, uint64(21_000*120/100), tx.GasLimit, "estimate plus 20%")
			} else {
				assert.Equal(t, tt.gasLimit, tx.GasLimit)
			}
			txs = append(txs, tx)
		})
	}

	// A second CreateTx for a task run returns its transaction.
	again, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "run-a", To: sink, Value: big.NewInt(99)})
	require.NoError(t, err)
	assert.Equal(t, txs[0].ID, again.ID)
	assert.Equal(t, txs[0].Attempts[0].Hash, again.Attempts[0].Hash)
	found, err := m.FindTxByTaskRun(e.ctx, "run-b")
	require.NoError(t, err)
	assert.Equal(t, txs[1].ID, found.ID)
	_, err = m.FindTxByTaskRun(e.ctx, "nope")
	require.ErrorIs(t, err, store.ErrNotFound)

	for _, tx := range txs {
		e.waitTx(tx.ID, "broadcast", broadcast)
	}
	e.waitPool(uint64(len(txs)))
	mined := e.commit(m)
	for _, tx := range txs {
		got := e.waitTx(tx.ID, "mined", inState(models.TxStateMined))
		assert.Equal(t, mined.Number, *got.BlockNumber)
		assert.Equal(t, tx.Attempts[0].Hash, *got.Hash)
	}
	e.commit(m)
	e.noMoreFinal()
	e.commit(m) // the third block: 3 confirmations
	seen := map[int64]bool{}
	for range txs {
		f := e.waitFinal()
		assert.Equal(t, models.TxStateConfirmed, f.State)
		seen[f.ID] = true
	}
	assert.Len(t, seen, len(txs))
	e.commit(m)
	e.noMoreFinal()
	assert.Equal(t, uint64(3), e.chainNonce())
	require.NoError(t, m.Healthy())
}

func TestCreateTxBadRequest(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.newManager()
	tests := []struct {
		name string
		req  txmanager.TxRequest
		want error
	}{
		{"no to", txmanager.TxRequest{}, txmanager.ErrBadRequest},
		{"negative value", txmanager.TxRequest{To: sink, Value: big.NewInt(-1)}, txmanager.ErrBadRequest},
		{"long task run", txmanager.TxRequest{To: sink, TaskRunID: "0123456789abcdef0123456789abcdef0"}, txmanager.ErrBadRequest},
		{"unknown key", txmanager.TxRequest{To: sink, From: sink}, txmanager.ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.CreateTx(e.ctx, nil, tt.req)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

// TestBump: the miner wants a 2 gwei tip and the first attempt offers 1
// gwei, so blocks go by without it; after BumpThreshold blocks a bumped
// attempt (+1 gwei, +20%, at least +10% on both caps) is saved, sent and
// mined.
func TestBump(t *testing.T) {
	e := setup(t, setupOpts{simOpts: []simchain.Option{simulated.WithMinerMinTip(big.NewInt(2e9))}})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "bump", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	first := e.waitTx(tx.ID, "broadcast", broadcast).LatestAttempt()

	e.commit(m) // one block: below the threshold of 2
	require.Equal(t, uint64(0), e.chainNonce(), "the miner left the first attempt out")

	e.commit(m) // second block: bump
	got := e.waitTx(tx.ID, "bumped", func(tx *models.Tx) bool { return len(tx.Attempts) == 2 && broadcast(tx) })
	assert.Equal(t, models.TxStateUnconfirmed, got.State, "the first attempt was not mined")
	second := got.LatestAttempt()
	assert.Equal(t, first.Nonce, second.Nonce)
	assert.Equal(t, "2000000000", second.GasTipCap.String(), "tip: max(1+1 gwei, 1.2 gwei, 1.1 gwei)")
	assert.Equal(t, "24000000000", second.GasFeeCap.String(), "fee cap: max(20+1 gwei, 24 gwei, 22 gwei)")

	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, second.Hash, *final.Hash, "the bumped attempt is the one recorded as mined")
	assert.Equal(t, uint64(1), e.chainNonce())
}

// TestBumpWaitsForMinAge: blocks that go by faster than BumpMinAge do not
// bump an attempt (a busy chain, not an underpriced one); the first head
// after the age has passed does.
func TestBumpWaitsForMinAge(t *testing.T) {
	const minAge = 400 * time.Millisecond
	e := setup(t, setupOpts{
		simOpts: []simchain.Option{simulated.WithMinerMinTip(big.NewInt(2e9))},
		cfg:     func(c *txmanager.Config) { c.BumpMinAge = minAge },
	})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "young", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	first := e.waitTx(tx.ID, "broadcast", broadcast).LatestAttempt()
	for range 4 { // twice the threshold of 2, at once
		e.commit(m)
	}
	time.Sleep(minAge)
	e.commit(m)
	got := e.waitTx(tx.ID, "bumped", func(tx *models.Tx) bool { return len(tx.Attempts) == 2 && broadcast(tx) })
	second := got.LatestAttempt()
	assert.GreaterOrEqual(t, second.BroadcastAt.Sub(*first.BroadcastAt), minAge,
		"the heads before the attempt was %s old did not bump it", minAge)
}

// TestReceiptAheadOfTheHeadIsFinal: with MinConfirmations 1, a receipt
// in a block newer than the latest head the manager was told of (the chain
// ran ahead of the head tracker) makes the tx final in that pass, not
// mined now and final at a later head after a second receipt lookup.
func TestReceiptAheadOfTheHeadIsFinal(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.manager()
	latest, err := e.client.HeaderByNumber(e.ctx, nil)
	require.NoError(t, err)
	e.announce(m, latest.Hash())
	empty := e.sim.Commit() // the manager is not told of it yet
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "ahead", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(tx.ID, "broadcast", broadcast)
	e.waitPool(1)
	e.sim.Commit() // mines the tx, one block past the empty one
	e.announce(m, empty)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, latest.Number.Int64()+2, *final.BlockNumber, "mined after the head the pass knew")
}

// TestBumpCeiling: at MaxGasPrice there is no room for a replacement, so
// the attempt is re-sent as it is and the ceiling is logged once.
func TestBumpCeiling(t *testing.T) {
	e := setup(t, setupOpts{
		simOpts: []simchain.Option{simulated.WithMinerMinTip(big.NewInt(30e9))},
		cfg: func(c *txmanager.Config) {
			c.MaxGasPrice = big.NewInt(21e9)
			c.BumpThreshold = 1
		},
	})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(tx.ID, "broadcast", broadcast)
	for range 4 {
		e.commit(m)
	}
	const msg = "tx not mined but its price is at the ceiling (MaxGasPrice): not bumping"
	require.Eventually(t, func() bool { return e.logs.count(msg) == 1 }, 10*time.Second, 10*time.Millisecond)
	got, err := e.db.TxByID(e.ctx, tx.ID)
	require.NoError(t, err)
	// 20 gwei fee cap could only become 21 gwei (+5%): not a valid replacement.
	assert.Len(t, got.Attempts, 1)
	e.commit(m)
	assert.Equal(t, 1, e.logs.count(msg))
}

// TestReorg: the block holding the receipt is replaced by a longer side
// chain without the transaction; it goes back to unconfirmed, is
// re-broadcast and confirmed once.
func TestReorg(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) { c.MinConfirmations = 3 }})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "reorg", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(tx.ID, "broadcast", broadcast)
	before, err := e.client.HeaderByNumber(e.ctx, nil)
	require.NoError(t, err)

	e.waitPool(1)
	old := e.commit(m)
	got := e.waitTx(tx.ID, "mined", inState(models.TxStateMined))
	require.Equal(t, old.Hash, *got.BlockHash)

	// Side chain from the parent: the pool takes the transaction back on
	// the rewind; Rollback drops it, so the new blocks do not hold it.
	require.NoError(t, e.sim.Fork(before.Hash()))
	e.sim.Rollback()
	e.sim.Commit()
	side := e.sim.Commit()
	_, err = e.client.TransactionReceipt(e.ctx, *got.Hash)
	require.Error(t, err, "the side chain must not hold the transaction")
	e.announce(m, side)

	require.Eventually(t, func() bool {
		n, err := e.client.PendingNonceAt(e.ctx, e.from)
		require.NoError(t, err)
		return n == 1
	}, 20*time.Second, 10*time.Millisecond, "the transaction was not re-broadcast")
	got = e.waitTx(tx.ID, "unconfirmed", inState(models.TxStateUnconfirmed))
	assert.Nil(t, got.BlockHash)
	// The chain's nonce (0) is below the mined tx's: found before its
	// receipt is looked up.
	assert.Equal(t, 1, e.logs.count("tx reorged out: re-sending it with its nonce"))

	remined := e.commit(m)
	got = e.waitTx(tx.ID, "mined again", inState(models.TxStateMined))
	assert.Equal(t, remined.Hash, *got.BlockHash)
	e.noMoreFinal()
	e.commit(m)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, remined.Number, *final.BlockNumber)
	e.commit(m)
	e.noMoreFinal()
	assert.Equal(t, uint64(1), e.chainNonce())
}

// TestRestartBetweenSaveAndBroadcast: the caller's database transaction
// commits the tx, the node stops before broadcasting; a new TxManager over
// the same database sends it, and a third after the broadcast re-sends
// ("already known"): exactly one transaction on chain.
func TestRestartBetweenSaveAndBroadcast(t *testing.T) {
	e := setup(t, setupOpts{})
	crashed := e.newManager() // never started: it stops before any broadcast

	// A rolled-back caller leaves neither a tx nor a used nonce.
	err := e.db.Transact(e.ctx, func(db *store.Store) error {
		_, err := crashed.CreateTx(e.ctx, db, txmanager.TxRequest{TaskRunID: "rolled-back", To: sink, GasLimit: 21_000})
		require.NoError(t, err)
		return store.ErrDuplicate // any caller error
	})
	require.ErrorIs(t, err, store.ErrDuplicate)
	_, err = e.db.TxByTaskRunID(e.ctx, "rolled-back")
	require.ErrorIs(t, err, store.ErrNotFound)

	var tx *models.Tx
	err = e.db.Transact(e.ctx, func(db *store.Store) error {
		tx, err = crashed.CreateTx(e.ctx, db, txmanager.TxRequest{TaskRunID: "restart", To: sink, GasLimit: 21_000})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, uint64(0), tx.Nonce, "the rolled-back nonce is given out again: no gap")
	require.NoError(t, crashed.Close())
	saved, err := e.db.TxByTaskRunID(e.ctx, "restart")
	require.NoError(t, err)
	require.False(t, broadcast(saved))
	pending, err := e.client.PendingNonceAt(e.ctx, e.from)
	require.NoError(t, err)
	require.Equal(t, uint64(0), pending, "nothing was sent before the restart")

	second := e.manager()
	e.waitTx(tx.ID, "broadcast", broadcast)
	require.NoError(t, second.Close())

	third := e.manager()
	// The third manager re-sends the saved attempt on start; the chain
	// knows it already.
	require.Eventually(t, func() bool { return e.logs.count("tx broadcast") >= 2 }, 20*time.Second, 10*time.Millisecond)
	// Asking again for the task run returns the same transaction.
	again, err := third.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "restart", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	assert.Equal(t, tx.ID, again.ID)

	e.waitPool(1)
	block := e.commit(third)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	b, err := e.client.BlockByHash(e.ctx, block.Hash)
	require.NoError(t, err)
	assert.Len(t, b.Transactions(), 1)
	assert.Equal(t, uint64(1), e.chainNonce())
}

// TestNonceTooLow: another sender uses the key's next nonce; the
// manager's attempt is refused with "nonce too low", and the tx gets a new
// nonce and is mined without operator action.
func TestNonceTooLow(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.manager()
	require.Eventually(t, func() bool {
		_, err := e.db.NextNonce(e.ctx, e.from)
		return err == nil
	}, 20*time.Second, 10*time.Millisecond, "the manager never read the key's nonce")

	// Nonce 0 sent outside the manager, with the same key.
	outside, err := e.ks.SignTx(e.from, types.NewTx(&types.DynamicFeeTx{
		ChainID: simchain.ChainID, Nonce: 0, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(20e9), Gas: 21_000, To: &sink,
		Value: big.NewInt(1), // not the manager's own transaction
	}), simchain.ChainID)
	require.NoError(t, err)
	require.NoError(t, e.client.SendTransaction(e.ctx, outside))
	e.waitPool(1)
	e.commit(m)

	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "too-low", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	require.Equal(t, uint64(0), tx.Nonce, "the manager did not know of the outside transaction")
	// Seen used without a receipt of the tx: it waits for a later head,
	// in case the node serves the receipt late, before taking a new nonce.
	waiting := e.waitTx(tx.ID, "waiting for a later head", func(tx *models.Tx) bool {
		return tx.LastError != nil && strings.Contains(*tx.LastError, "no attempt of this tx has a receipt")
	})
	assert.Equal(t, uint64(0), waiting.Nonce, "given a new nonce before a later head")
	assert.Len(t, waiting.Attempts, 1)
	e.commit(m)
	got := e.waitTx(tx.ID, "given a new nonce", func(tx *models.Tx) bool { return tx.Nonce == 1 && broadcast(tx) })
	require.Len(t, got.Attempts, 2)
	assert.Equal(t, uint64(1), got.LatestAttempt().Nonce)

	e.waitPool(2)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, got.LatestAttempt().Hash, *final.Hash)
	assert.Equal(t, uint64(2), e.chainNonce())
	next, err := e.db.NextNonce(e.ctx, e.from)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), next)
}

// TestRevert: a fulfilment from a key the Oracle does not authorize is
// mined with status 0 and recorded as reverted with the Oracle's reason.
func TestRevert(t *testing.T) {
	e := setup(t, setupOpts{})
	addrs, err := stack.Deploy(e.ctx, e.client, e.owner, nil, stack.WithCommit(e.sim.Commit))
	require.NoError(t, err)
	m := e.manager()

	data := oracle.NewOracle().PackFulfillOracleRequest([32]byte{1}, big.NewInt(1), addrs.Consumer, [4]byte{1, 2, 3, 4}, big.NewInt(1), [32]byte{2})
	// Estimating fails (the call reverts), so the default gas limit is used.
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "revert", To: addrs.Oracle, Data: data})
	require.NoError(t, err)
	assert.Equal(t, uint64(500_000), tx.GasLimit)
	e.waitTx(tx.ID, "broadcast", broadcast)
	e.waitPool(1)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateReverted, final.State)
	require.NotNil(t, final.ReceiptStatus)
	assert.Equal(t, types.ReceiptStatusFailed, *final.ReceiptStatus)
	require.NotNil(t, final.RevertReason)
	assert.Equal(t, "Oracle: not an authorized node", *final.RevertReason)
	saved, err := m.FindTxByTaskRun(e.ctx, "revert")
	require.NoError(t, err)
	assert.Equal(t, final.RevertReason, saved.RevertReason)
}

// TestInsufficientFunds: an empty key's transaction is refused; the key
// is paused (logged once, reported by Healthy) until it is funded, then
// the transaction is sent and mined.
func TestInsufficientFunds(t *testing.T) {
	e := setup(t, setupOpts{fund: big.NewInt(0)})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "broke", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	const msg = "key has insufficient funds: its transactions are paused until it is funded"
	require.Eventually(t, func() bool { return m.Healthy() != nil }, 20*time.Second, 10*time.Millisecond)
	assert.Contains(t, m.Healthy().Error(), e.from.Hex())
	e.commit(m)
	e.commit(m)
	got := e.waitTx(tx.ID, "refused", func(tx *models.Tx) bool { return tx.LastError != nil })
	assert.Contains(t, *got.LastError, "insufficient funds")
	assert.False(t, broadcast(got))
	assert.Equal(t, 1, e.logs.count(msg), "logged once")

	// Fund the key from outside the node.
	n, err := e.client.PendingNonceAt(e.ctx, e.owner.From)
	require.NoError(t, err)
	fund, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: simchain.ChainID, Nonce: n, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(20e9), Gas: 21_000,
		To: &e.from, Value: simchain.Ether(1),
	}), types.LatestSignerForChainID(simchain.ChainID), e.ownerKey)
	require.NoError(t, err)
	require.NoError(t, e.client.SendTransaction(e.ctx, fund))
	e.commit(m)
	require.Eventually(t, func() bool { return m.Healthy() == nil }, 20*time.Second, 10*time.Millisecond)
	e.waitTx(tx.ID, "broadcast", broadcast)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, 1, e.logs.count(msg))
}

func TestBalances(t *testing.T) {
	e := setup(t, setupOpts{fund: simchain.Ether(3)})
	addrs, err := stack.Deploy(e.ctx, e.client, e.owner, nil, stack.WithCommit(e.sim.Commit))
	require.NoError(t, err)
	require.NoError(t, stack.TransferLink(e.ctx, e.client, e.owner, addrs.LinkToken, e.from, stack.Link(7), stack.WithCommit(e.sim.Commit)))

	tests := []struct {
		name     string
		link     *common.Address
		wantLink *big.Int
	}{
		{"with LINK", &addrs.LinkToken, stack.Link(7)},
		{"without LINK", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.cfg.LinkAddress = tt.link
			e.cfg.BalanceCacheTTL = time.Hour
			m := e.newManager()
			bs, err := m.Balances(e.ctx)
			require.NoError(t, err)
			require.Len(t, bs, 1)
			assert.Equal(t, e.from, bs[0].Address)
			assert.Equal(t, simchain.Ether(3), bs[0].ETH)
			assert.Equal(t, tt.wantLink, bs[0].LINK)

			// Cached: a change on chain is not seen within the TTL, and
			// callers cannot change the cache.
			bs[0].ETH.SetInt64(0)
			require.NoError(t, stack.TransferLink(e.ctx, e.client, e.owner, addrs.LinkToken, e.from, stack.Link(1), stack.WithCommit(e.sim.Commit)))
			again, err := m.Balances(e.ctx)
			require.NoError(t, err)
			assert.Equal(t, simchain.Ether(3), again[0].ETH)
			assert.Equal(t, tt.wantLink, again[0].LINK)
		})
	}
}

// TestTaskRunSender is the ethtx adapter's path: one transaction per task
// run however often it asks.
func TestTaskRunSender(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.manager()
	s := txmanager.TaskRunSender{Manager: m}
	h1, err := s.CreateTx(e.ctx, "run-x", common.Address{}, sink, []byte{1, 2}, 50_000)
	require.NoError(t, err)
	h2, err := s.CreateTx(e.ctx, "run-x", common.Address{}, sink, []byte{1, 2}, 50_000)
	require.NoError(t, err)
	assert.Equal(t, h1, h2)
	tx, err := m.FindTxByTaskRun(e.ctx, "run-x")
	require.NoError(t, err)
	assert.Equal(t, h1, tx.Attempts[0].Hash)
	e.waitTx(tx.ID, "broadcast", broadcast)
	e.waitPool(1)
	e.commit(m)
	assert.Equal(t, models.TxStateConfirmed, e.waitFinal().State)
}

// TestConcurrentCreateTx: callers racing on one key get consecutive
// nonces (none skipped, none twice), and racing callers of one task run
// get one transaction.
func TestConcurrentCreateTx(t *testing.T) {
	e := setup(t, setupOpts{})
	m := e.newManager()
	const runs, sameRun = 8, 4
	var wg sync.WaitGroup
	txs := make(chan *models.Tx, runs+sameRun)
	for i := range runs + sameRun {
		taskRun := fmt.Sprintf("run-%d", i)
		if i >= runs {
			taskRun = "shared"
		}
		wg.Go(func() {
			tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: taskRun, To: sink, GasLimit: 21_000})
			assert.NoError(t, err)
			txs <- tx
		})
	}
	wg.Wait()
	close(txs)
	ids := map[int64]uint64{}
	var shared []int64
	for tx := range txs {
		require.NotNil(t, tx)
		ids[tx.ID] = tx.Nonce
		if *tx.TaskRunID == "shared" {
			shared = append(shared, tx.ID)
		}
	}
	require.Len(t, ids, runs+1)
	for _, id := range shared {
		assert.Equal(t, shared[0], id, "one tx for the shared task run")
	}
	var nonces []int
	for _, n := range ids {
		nonces = append(nonces, int(n))
	}
	sort.Ints(nonces)
	for i, n := range nonces {
		assert.Equal(t, i, n, "nonces %v", nonces)
	}
}

// TestPausedKeyStillConfirms: while a key is paused for insufficient
// funds, its mined transactions still reach their confirmations.
func TestPausedKeyStillConfirms(t *testing.T) {
	// Enough for one transaction's worst case (21,000 gas at a 20 gwei fee cap).
	e := setup(t, setupOpts{fund: big.NewInt(21_000 * 20e9), cfg: func(c *txmanager.Config) { c.MinConfirmations = 3 }})
	m := e.manager()
	first, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(first.ID, "broadcast", broadcast)
	e.waitPool(1)
	e.commit(m)
	e.waitTx(first.ID, "mined", inState(models.TxStateMined))

	second, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return m.Healthy() != nil }, 20*time.Second, 10*time.Millisecond)
	e.commit(m)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, first.ID, final.ID)
	assert.Equal(t, models.TxStateConfirmed, final.State)
	require.Error(t, m.Healthy(), "still paused")
	got, err := e.db.TxByID(e.ctx, second.ID)
	require.NoError(t, err)
	assert.Equal(t, models.TxStateUnconfirmed, got.State)
}

// countingClient counts the manager's chain calls by method.
type countingClient struct {
	txmanager.Client
	mu    sync.Mutex
	calls map[string]int
}

func newCountingClient(c txmanager.Client) *countingClient {
	return &countingClient{Client: c, calls: map[string]int{}}
}

func (c *countingClient) count(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[method]++
}

func (c *countingClient) get(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[method]
}

func (c *countingClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	c.count("HeaderByNumber")
	return c.Client.HeaderByNumber(ctx, n)
}

func (c *countingClient) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	c.count("SuggestGasTipCap")
	return c.Client.SuggestGasTipCap(ctx)
}

func (c *countingClient) NonceAt(ctx context.Context, a common.Address, n *big.Int) (uint64, error) {
	c.count("NonceAt")
	return c.Client.NonceAt(ctx, a, n)
}

func (c *countingClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	c.count("TransactionReceipt")
	return c.Client.TransactionReceipt(ctx, h)
}

// TestCreateTxFeesOncePerHead: concurrent creators at one head share one
// read of the latest header and one tip suggestion; a new head refreshes
// them once.
func TestCreateTxFeesOncePerHead(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) { c.TipCapDefault = nil }})
	client := newCountingClient(e.chain)
	m, err := txmanager.New(e.cfg, e.db, client, e.ks, e.lggr)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	latest, err := e.client.HeaderByNumber(e.ctx, nil)
	require.NoError(t, err)
	e.announce(m, latest.Hash())
	tests := []struct {
		name    string
		newHead bool
		creates int
		want    int // header reads and tip suggestions so far
	}{
		{"first head", false, 6, 1},
		{"same head", false, 3, 1},
		{"new head", true, 4, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.newHead {
				e.commit(m)
			}
			var wg sync.WaitGroup
			for range tt.creates {
				wg.Go(func() {
					tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
					if assert.NoError(t, err) {
						a := tx.LatestAttempt()
						assert.True(t, a.Dynamic(), "EIP-1559 attempt")
						assert.Positive(t, a.GasTipCap.ToInt().Sign(), "tip from the node's suggestion")
					}
				})
			}
			wg.Wait()
			assert.Equal(t, tt.want, client.get("HeaderByNumber"), "latest header reads")
			assert.Equal(t, tt.want, client.get("SuggestGasTipCap"), "tip suggestions")
		})
	}
}

// setupOverWebSocket is setup with the simulated chain also served over
// WebSocket, and a JSON-RPC client dialled to it (for batches).
func setupOverWebSocket(t *testing.T) (*env, *rpc.Client) {
	t.Helper()
	port, err := simchain.FreePort()
	require.NoError(t, err)
	e := setup(t, setupOpts{simOpts: []simchain.Option{simchain.WithRPC(port)}})
	rc, err := rpc.DialContext(e.ctx, fmt.Sprintf("ws://127.0.0.1:%d", port))
	require.NoError(t, err)
	t.Cleanup(rc.Close)
	return e, rc
}

// batchingClient is a chain client over JSON-RPC that can batch, counting
// its batches and their calls.
type batchingClient struct {
	*countingClient
	rpc *rpc.Client
}

func (c *batchingClient) BatchCallContext(ctx context.Context, batch []rpc.BatchElem) error {
	c.count("batch")
	for _, b := range batch {
		c.count("batch " + b.Method)
	}
	return c.rpc.BatchCallContext(ctx, batch)
}

// TestReceiptsOncePerHead: receipts are looked up once per head, only for
// transactions sent at least one block ago (or at start) whose nonce the
// chain has mined, in one batch when the client can batch, one call each
// otherwise.
func TestReceiptsOncePerHead(t *testing.T) {
	const n = 5
	tests := []struct {
		name                    string
		batch                   bool
		batches, batched, calls int
	}{
		// At start none is looked up: the chain's nonce shows none mined
		// (CreateTx sent them). At the next head all 5 are found; later
		// heads look up nothing.
		{"batch", true, 1, n, 0},
		{"one call each", false, 0, 0, n},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, rc := setupOverWebSocket(t)
			counting := newCountingClient(ethclient.NewClient(rc))
			var client txmanager.Client = counting
			if tt.batch {
				client = &batchingClient{countingClient: counting, rpc: rc}
			}
			m := e.newManagerOn(client)
			latest, err := e.client.HeaderByNumber(e.ctx, nil)
			require.NoError(t, err)
			e.announce(m, latest.Hash())
			var ids []int64
			for range n {
				tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
				require.NoError(t, err)
				ids = append(ids, tx.ID)
			}
			require.NoError(t, m.Start(e.ctx))
			for _, id := range ids {
				e.waitTx(id, "broadcast", broadcast)
			}
			// CreateTx sent each at once; the start pass reads the key's
			// nonce, finds none mined and looks up no receipt (nor sends
			// them again).
			require.Eventually(t, func() bool { return counting.get("NonceAt") >= 1 }, 20*time.Second, 10*time.Millisecond)
			m.Trigger() // passes at the same head look up nothing either
			e.waitPool(n)
			e.commit(m)
			for range n {
				assert.Equal(t, models.TxStateConfirmed, e.waitFinal().State)
			}
			for range 3 {
				e.commit(m)
			}
			// The last head's pass has run once the manager answers a
			// create at it (the worker is one goroutine, and a pass reads
			// no receipt for a tx sent at its own head).
			tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{To: sink, GasLimit: 21_000})
			require.NoError(t, err)
			e.waitTx(tx.ID, "broadcast", broadcast)
			assert.Equal(t, tt.batches, counting.get("batch"), "batches")
			assert.Equal(t, tt.batched, counting.get("batch eth_getTransactionReceipt"), "receipts in batches")
			assert.Equal(t, tt.calls, counting.get("TransactionReceipt"), "single receipt calls")
		})
	}
}
