package txmanager

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TxRequest is a transaction to send.
type TxRequest struct {
	// TaskRunID, when set, is unique: a second CreateTx for it returns the
	// first transaction.
	TaskRunID string
	// From is the sending key; zero picks the key store's first key.
	From common.Address
	To   common.Address
	Data []byte
	// GasLimit 0 means eth_estimateGas plus Config.GasEstimateMarginPercent.
	GasLimit uint64
	// Value in wei; nil is zero.
	Value *big.Int
}

// KeyBalance is one key's balances. LINK is nil when no LINK address is
// configured.
type KeyBalance struct {
	Address common.Address
	ETH     *big.Int
	LINK    *big.Int
}

// FinalFunc is called once a transaction is final (confirmed or
// reverted), after that state is saved.
type FinalFunc func(ctx context.Context, tx *models.Tx)

// pause is why a key stopped sending: it cannot pay Need wei.
type pause struct {
	Need *big.Int
	TxID int64
}

// TxManager sends and tracks the node's transactions. Create it with New.
type TxManager struct {
	lifecycle.Base

	cfg    Config
	db     *store.Store
	client Client
	keys   Keys
	lggr   *slog.Logger

	wake chan struct{}

	mu        sync.Mutex
	head      *models.Head // latest head seen
	resendAll bool         // re-broadcast every unconfirmed tx on the next pass
	chainID   *big.Int
	paused    map[common.Address]pause
	finalFns  []FinalFunc
	verify    bool  // check recent final txs' blocks on the next pass
	topHead   int64 // the highest head number seen
	// replacedTop is topHead when the last reorg was seen: the old
	// chain's height, to tell a reorg's depth.
	replacedTop int64

	// Owned by the worker goroutine.
	initialized bool
	// unfinished holds the unfinished txs as saved, so a pass loads only
	// the new ones; nil after a failed pass or a reorg: reload all.
	unfinished map[int64]*models.Tx
	// settledTop is, per key, one above the highest nonce of its mined or
	// final txs (0: none), loaded once: a chain nonce at or above it
	// cannot be below such a tx, so the reorg query is skipped.
	settledTop  map[common.Address]uint64
	atCeiling   map[int64]bool
	recent      map[int64]recentTx             // final txs within FinalityDepth
	resent      map[int64]stallResend          // tx ID: its last stall re-broadcast
	gapWarned   map[common.Address]uint64      // key: chain nonce of the gap last warned about
	nonceHead   map[common.Address]common.Hash // key: the head its chain nonce was last checked at
	nonceAt     map[common.Address]uint64      // key: its chain nonce at nonceHead
	passHead    *models.Head                   // the latest head when the current pass began
	receiptHead map[int64]common.Hash          // tx ID: the head its receipts were last looked up at
	// deferred collects a key's receipts and final states while the pass
	// processes its txes (see stateWrites); nil otherwise.
	deferred   *stateWrites
	freshSends map[int64]bool // attempt IDs SendNew sent since the previous pass
	// staleReceipts are the txs whose receipt the chain serves although
	// its nonce, read again, says they are not mined (checkNonce): their
	// receipts are not believed until a pass reads the key's nonce past
	// them, so they stay unconfirmed and are sent again.
	staleReceipts map[int64]staleReceipt
	// nonceGone is, per tx ID, the head at which the chain's nonce was
	// first seen past the tx's with no receipt of any of its attempts.
	nonceGone map[int64]int64

	// feeMu serializes fee refreshes; feeCache is the latest pricing of
	// a first attempt; feeWake asks the refresher for a new one, which
	// runs once feeLoop is set (by Start).
	feeMu    sync.Mutex
	feeCache atomic.Pointer[headFees]
	feeWake  chan struct{}
	feeLoop  atomic.Bool

	// sendMu guards claims: first broadcasts in flight or done outside
	// a pass, by attempt ID (see SendNew).
	sendMu sync.Mutex
	claims map[int64]*sendClaim
	hints  nonceHints       // the next nonce per key after this node's last claim (SignAtHint)
	firsts *firstBroadcasts // first broadcasts, in order (SendNewBatch)

	balMu      sync.Mutex
	balances   []KeyBalance
	balancesAt time.Time
}

var (
	_ lifecycle.Service       = (*TxManager)(nil)
	_ lifecycle.HealthChecker = (*TxManager)(nil)
)

// New returns a TxManager over db (its own transactions), client and
// keys. It does nothing until Start.
func New(cfg Config, db *store.Store, client Client, keys Keys, lggr *slog.Logger) (*TxManager, error) {
	if db == nil || client == nil || keys == nil {
		return nil, errors.New("creating txmanager: store, chain client and keys are required")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	m := &TxManager{
		cfg: cfg, db: db, client: client, keys: keys,
		wake:          make(chan struct{}, 1),
		feeWake:       make(chan struct{}, 1),
		claims:        map[int64]*sendClaim{},
		firsts:        newFirstBroadcasts(),
		settledTop:    map[common.Address]uint64{},
		staleReceipts: map[int64]staleReceipt{},
		paused:        map[common.Address]pause{},
		atCeiling:     map[int64]bool{},
		nonceGone:     map[int64]int64{},
		recent:        map[int64]recentTx{},
		resent:        map[int64]stallResend{},
		gapWarned:     map[common.Address]uint64{},
		nonceHead:     map[common.Address]common.Hash{},
		nonceAt:       map[common.Address]uint64{},

		receiptHead: map[int64]common.Hash{},
	}
	m.lggr = lggr.With("service", m.Name())
	if cfg.ChainID != nil {
		m.chainID = new(big.Int).Set(cfg.ChainID)
	}
	return m, nil
}

// Name is the service's name.
func (m *TxManager) Name() string { return "TxManager" }

// Start starts the worker goroutine and the fee refresher and returns at
// once. The worker's first pass reads each key's nonce from the chain,
// detects EIP-1559 support, prices first attempts and re-broadcasts every
// saved unconfirmed attempt.
func (m *TxManager) Start(_ context.Context) error {
	return m.StartOnce(func() error {
		m.Go(m.run)
		m.Go(m.refreshFeesLoop)
		m.feeLoop.Store(true)
		m.Trigger()
		return nil
	})
}

// Close stops the worker and waits for it. Safe before Start and twice.
func (m *TxManager) Close() error { return m.CloseOnce(nil) }

// Healthy reports keys paused for insufficient funds.
func (m *TxManager) Healthy() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.paused) == 0 {
		return nil
	}
	var addrs []string
	for a, p := range m.paused {
		addrs = append(addrs, fmt.Sprintf("%s (needs %s wei)", a.Hex(), p.Need))
	}
	sort.Strings(addrs)
	return fmt.Errorf("sending paused for insufficient funds: %s", strings.Join(addrs, ", "))
}

// Trigger asks the worker for a pass now rather than at the next head: it
// broadcasts what is unsent and records what SendNew sent. Call it (or
// SendNew) after committing a transaction given to CreateTx.
func (m *TxManager) Trigger() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// OnTxFinal registers fn to be called, on the worker goroutine, when a
// transaction becomes confirmed or reverted. fn must not block for long.
// A transaction that became final while the node was down is not
// announced again: look it up with FindTxByTaskRun.
//
// fn must be idempotent: a reorg deeper than MinConfirmations can take a
// final transaction's block out; the transaction goes back to
// unconfirmed, its same nonce and signed attempt are sent again, and
// when it is final once more fn is called again for it (possibly with
// another block, or reverted where it had been confirmed).
func (m *TxManager) OnTxFinal(fn FinalFunc) {
	if fn == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finalFns = append(m.finalFns, fn)
}

// FindTxByTaskRun returns the task run's transaction with its attempts; an
// error wrapping store.ErrNotFound when it has none.
func (m *TxManager) FindTxByTaskRun(ctx context.Context, taskRunID string) (*models.Tx, error) {
	return m.db.TxByTaskRunID(ctx, taskRunID)
}

// Connect is called by the head tracker on (re)connection with the latest
// head: every unconfirmed transaction is broadcast again.
func (m *TxManager) Connect(_ context.Context, head *models.Head) error {
	m.mu.Lock()
	if head != nil {
		h := *head
		m.head = &h
	}
	m.resendAll = true
	m.mu.Unlock()
	m.Trigger()
	return nil
}

// Disconnect is called by the head tracker when the chain connection is
// lost. Nothing is needed: passes fail until Connect and are retried.
func (m *TxManager) Disconnect() {}

// OnNewHead records head and wakes the worker: receipts, confirmations,
// bumps and paused keys are checked against it. It does not block.
func (m *TxManager) OnNewHead(_ context.Context, head *models.Head) {
	if head == nil {
		return
	}
	h := *head // the latest head, even a lower one after a reorg
	m.mu.Lock()
	if prev := m.head; prev != nil && prev.Hash != h.Hash &&
		(h.Number != prev.Number+1 || h.ParentHash != prev.Hash) {
		// Not the child of the last head: a reorg, or heads were
		// skipped. Either way recent blocks are checked again.
		m.verify = true
		m.replacedTop = m.topHead
	}
	m.topHead = max(m.topHead, h.Number)
	m.head = &h
	m.mu.Unlock()
	m.Trigger()
	m.wakeFees()
}

func (m *TxManager) latestHead() *models.Head {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.head == nil {
		return nil
	}
	h := *m.head
	return &h
}

// passHeadHash is the hash of the head the current pass began at, or the
// zero hash.
func (m *TxManager) passHeadHash() common.Hash {
	if m.passHead == nil {
		return common.Hash{}
	}
	return m.passHead.Hash
}

// passHeadNumber is the number of the head the current pass began at,
// else of the latest head; 0 before any head.
func (m *TxManager) passHeadNumber() int64 {
	if h := m.passHead; h != nil {
		return h.Number
	}
	if h := m.latestHead(); h != nil {
		return h.Number
	}
	return 0
}

func (m *TxManager) rpcCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, m.cfg.RPCTimeout)
}

func (m *TxManager) getChainID(ctx context.Context) (*big.Int, error) {
	m.mu.Lock()
	id := m.chainID
	m.mu.Unlock()
	if id != nil {
		return id, nil
	}
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	id, err := m.client.ChainID(rctx)
	if err != nil {
		return nil, fmt.Errorf("reading chain ID: %w", err)
	}
	m.mu.Lock()
	m.chainID = id
	m.mu.Unlock()
	return id, nil
}

// CreateTx saves req as a transaction with its nonce and a signed first
// attempt. With db, a Store inside the caller's Transact, the transaction
// commits or rolls back with the caller's own records, and the caller
// calls SendNew (or Trigger) after the commit, or the next head sends it.
// With a nil db CreateTx commits on its own and sends it. Nothing is
// broadcast before the commit. For a TaskRunID that has a transaction
// already, that transaction is returned and nothing is created, even when
// another caller creates it concurrently (the insert waits for the other
// and does not fail the caller's transaction).
//
// CreateTx asks the chain only for a gas estimate when req.GasLimit is 0
// (and, once, for the chain ID, the first pricing and a new key's pending
// nonce): fees are cached and refreshed in the background at each head.
// The key's nonce is locked last, for three statements (claim the nonce,
// insert the tx and its attempt) and the caller's commit, so creators of
// one key queue for a few database round trips, never for the chain.
func (m *TxManager) CreateTx(ctx context.Context, db *store.Store, req TxRequest) (*models.Tx, error) {
	if err := m.checkRequest(&req); err != nil {
		return nil, err
	}
	if err := m.checkConnected(); err != nil {
		return nil, fmt.Errorf("creating tx from %s: %w", req.From.Hex(), err)
	}
	p, err := m.prepare(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("creating tx from %s: %w", req.From.Hex(), err)
	}
	create := func(db *store.Store) (tx *models.Tx, err error) {
		// Joins the caller's transaction; makes one if db is not in one.
		err = db.Transact(ctx, func(db *store.Store) error {
			tx, err = m.createTx(ctx, db, req, p)
			return err
		})
		return tx, err
	}
	if db != nil {
		return create(db)
	}
	tx, err := create(m.db)
	if err != nil {
		return nil, err
	}
	m.SendNew(ctx, tx)
	return tx, nil
}

// checkRequest validates req and fills in its default key.
func (m *TxManager) checkRequest(req *TxRequest) error {
	if req.To == (common.Address{}) {
		return fmt.Errorf("creating tx: %w: to address is required", ErrBadRequest)
	}
	if req.Value != nil && req.Value.Sign() < 0 {
		return fmt.Errorf("creating tx: %w: value %s is negative", ErrBadRequest, req.Value)
	}
	if len(req.TaskRunID) > 32 {
		return fmt.Errorf("creating tx: %w: task run ID %q is longer than 32 characters", ErrBadRequest, req.TaskRunID)
	}
	if req.From == (common.Address{}) {
		addrs := m.keys.Addresses()
		if len(addrs) == 0 {
			return fmt.Errorf("creating tx: %w", ErrNoKeys)
		}
		req.From = addrs[0]
	} else if !m.keys.HasAddress(req.From) {
		return fmt.Errorf("creating tx: %w: %s", ErrUnknownKey, req.From.Hex())
	}
	return nil
}

// checkConnected fails when the chain client knows it is disconnected: a
// transaction created now could not be sent, so the caller's run waits
// for the connection instead (CreateTx itself asks the chain nothing).
func (m *TxManager) checkConnected() error {
	if c, ok := m.client.(connectionReporter); ok && !c.Connected() {
		return chain.ErrNotConnected
	}
	return nil
}

// CreateTxs is CreateTx for several requests in the caller's transaction
// db (an answers' group commit): per key, one statement claims all their
// nonces and one saves every tx with its attempt, so the key's nonce lock
// is held for two statements and the commit, however many there are.
// txs[i] is reqs[i]'s transaction. When a task run of reqs has a
// transaction already (or appears twice), it returns ErrTaskRunHasTx and
// the caller must roll back; CreateTx, one at a time, returns the existing
// one. Nothing is sent: call SendNew for each after the commit.
func (m *TxManager) CreateTxs(ctx context.Context, db *store.Store, reqs []TxRequest) ([]*models.Tx, error) {
	if db == nil {
		return nil, errors.New("creating txes: a database transaction is required")
	}
	reqs, ps, err := m.prepareAll(ctx, reqs)
	if err != nil {
		return nil, err
	}
	byKey := map[common.Address][]int{}
	var keys []common.Address
	for i, r := range reqs {
		if _, ok := byKey[r.From]; !ok {
			keys = append(keys, r.From)
		}
		byKey[r.From] = append(byKey[r.From], i)
	}
	// One lock order for every caller: no deadlock between batches.
	slices.SortFunc(keys, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	txs := make([]*models.Tx, len(reqs))
	err = db.Transact(ctx, func(db *store.Store) error {
		for _, from := range keys {
			idx := byKey[from]
			first, err := m.claimNonces(ctx, db, from, uint64(len(idx)))
			if err != nil {
				return fmt.Errorf("creating txes from %s: %w", from.Hex(), err)
			}
			group := make([]*models.Tx, len(idx))
			for j, i := range idx {
				tx, err := m.newTx(ctx, reqs[i], ps[i], first+uint64(j))
				if err != nil {
					return err
				}
				group[j], txs[i] = tx, tx
			}
			ok, err := db.InsertTxs(ctx, group)
			if err != nil {
				return fmt.Errorf("creating txes: %w", err)
			}
			if !ok {
				return fmt.Errorf("creating txes from %s: %w", from.Hex(), ErrTaskRunHasTx)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return txs, nil
}

// prepareAll checks reqs, filling in their default key (in a copy), and
// reads what each needs from the chain, as CreateTxs and SignAtHint
// begin.
func (m *TxManager) prepareAll(ctx context.Context, reqs []TxRequest) ([]TxRequest, []prepared, error) {
	reqs = slices.Clone(reqs)
	ps := make([]prepared, len(reqs))
	for i := range reqs {
		if err := m.checkRequest(&reqs[i]); err != nil {
			return nil, nil, err
		}
		if i == 0 {
			if err := m.checkConnected(); err != nil {
				return nil, nil, fmt.Errorf("creating txes: %w", err)
			}
		}
		var err error
		if ps[i], err = m.prepare(ctx, reqs[i]); err != nil {
			return nil, nil, fmt.Errorf("creating tx from %s: %w", reqs[i].From.Hex(), err)
		}
	}
	return reqs, ps, nil
}

// prepared is what a new transaction needs from the chain, read before
// its key's nonce is locked.
type prepared struct {
	value    *big.Int
	gasLimit uint64
	fees     fees
}

func (m *TxManager) prepare(ctx context.Context, req TxRequest) (prepared, error) {
	if _, err := m.getChainID(ctx); err != nil {
		return prepared{}, err
	}
	p := prepared{value: new(big.Int), gasLimit: req.GasLimit}
	if req.Value != nil {
		p.value.Set(req.Value)
	}
	if p.gasLimit == 0 {
		p.gasLimit = m.estimateGas(ctx, req.From, req.To, p.value, req.Data)
	}
	var err error
	if p.fees, err = m.currentFees(ctx); err != nil {
		return prepared{}, err
	}
	return p, nil
}

// createTx claims the key's next nonce (locking its row until db's
// transaction ends), signs the first attempt and saves both. Nothing
// after it in the caller's transaction should be slow.
func (m *TxManager) createTx(ctx context.Context, db *store.Store, req TxRequest, p prepared) (*models.Tx, error) {
	nonce, err := m.claimNonces(ctx, db, req.From, 1)
	if err != nil {
		return nil, fmt.Errorf("creating tx from %s: %w", req.From.Hex(), err)
	}
	tx, err := m.newTx(ctx, req, p, nonce)
	if err != nil {
		return nil, err
	}
	inserted, err := db.InsertTxIfNew(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("creating tx: %w", err)
	}
	if !inserted {
		// The task run has its tx already: give the nonce back (the row
		// is still locked by this transaction, so no one took the next).
		if err := db.SetNextNonce(ctx, req.From, nonce); err != nil {
			return nil, fmt.Errorf("creating tx: %w", err)
		}
		m.hints.set(req.From, nonce)
		return db.TxByTaskRunID(ctx, req.TaskRunID)
	}
	// Logged by SendNew, after the commit: nothing slow under the lock.
	return tx, nil
}

// newTx returns req as an unsaved tx at nonce with its signed first
// attempt.
func (m *TxManager) newTx(ctx context.Context, req TxRequest, p prepared, nonce uint64) (*models.Tx, error) {
	data := req.Data
	if data == nil {
		data = []byte{}
	}
	tx := &models.Tx{
		From: req.From, To: req.To, Data: data, Value: models.NewBig(p.value), GasLimit: p.gasLimit,
		Nonce: nonce, State: models.TxStateUnconfirmed,
	}
	if req.TaskRunID != "" {
		id := req.TaskRunID
		tx.TaskRunID = &id
	}
	attempt, err := m.signAttempt(ctx, tx, nonce, p.fees)
	if err != nil {
		return nil, fmt.Errorf("creating tx from %s: %w", req.From.Hex(), err)
	}
	tx.Attempts = []models.TxAttempt{*attempt}
	return tx, nil
}

// claimNonces claims n of from's nonces in db's transaction, locking its
// row, and returns the first; a key never used before gets its row from
// the chain's pending nonce.
func (m *TxManager) claimNonces(ctx context.Context, db *store.Store, from common.Address, n uint64) (first uint64, err error) {
	defer func() {
		if err == nil {
			m.hints.set(from, first+n)
		}
	}()
	first, err = db.ClaimNonces(ctx, from, n)
	if !errors.Is(err, store.ErrNotFound) {
		return first, err
	}
	rctx, cancel := m.rpcCtx(ctx)
	pending, err := m.client.PendingNonceAt(rctx, from)
	cancel()
	if err != nil {
		return 0, fmt.Errorf("reading pending nonce: %w", err)
	}
	if _, err := db.RaiseNextNonce(ctx, from, pending); err != nil {
		return 0, err
	}
	return db.ClaimNonces(ctx, from, n)
}

// estimateGas returns eth_estimateGas plus the margin, or GasLimitDefault
// when the estimate fails (a call that reverts now may not revert at
// inclusion; if it does, the revert is recorded with its reason).
func (m *TxManager) estimateGas(ctx context.Context, from, to common.Address, value *big.Int, data []byte) uint64 {
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	est, err := m.client.EstimateGas(rctx, ethereum.CallMsg{From: from, To: &to, Value: value, Data: data})
	if err != nil {
		m.lggr.WarnContext(ctx, "estimating gas failed; using the default gas limit", "from", from.Hex(), "to", to.Hex(),
			"gas_limit", m.cfg.GasLimitDefault, "err", err)
		return m.cfg.GasLimitDefault
	}
	return est + est*m.cfg.GasEstimateMarginPercent/100
}

// signAttempt signs tx at nonce with prices f.
func (m *TxManager) signAttempt(ctx context.Context, tx *models.Tx, nonce uint64, f fees) (*models.TxAttempt, error) {
	chainID, err := m.getChainID(ctx)
	if err != nil {
		return nil, err
	}
	to := tx.To
	var inner types.TxData
	if f.dynamic() {
		inner = &types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: f.TipCap, GasFeeCap: f.FeeCap,
			Gas: tx.GasLimit, To: &to, Value: tx.Value.ToInt(), Data: tx.Data}
	} else {
		inner = &types.LegacyTx{Nonce: nonce, GasPrice: f.GasPrice, Gas: tx.GasLimit, To: &to, Value: tx.Value.ToInt(), Data: tx.Data}
	}
	signed, err := m.keys.SignTx(tx.From, types.NewTx(inner), chainID)
	if err != nil {
		return nil, err
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("encoding signed tx: %w", err)
	}
	a := &models.TxAttempt{TxID: tx.ID, Hash: signed.Hash(), Nonce: nonce, SignedRawTx: raw}
	if f.dynamic() {
		a.GasFeeCap, a.GasTipCap = models.NewBig(f.FeeCap), models.NewBig(f.TipCap)
	} else {
		a.GasPrice = models.NewBig(f.GasPrice)
	}
	return a, nil
}

func attemptFees(a *models.TxAttempt) fees {
	if a.Dynamic() {
		return fees{FeeCap: a.GasFeeCap.ToInt(), TipCap: a.GasTipCap.ToInt()}
	}
	return fees{GasPrice: a.GasPrice.ToInt()}
}

// Balances returns the ETH (and LINK, when configured) balance of each
// unlocked key, cached for Config.BalanceCacheTTL.
func (m *TxManager) Balances(ctx context.Context) ([]KeyBalance, error) {
	m.balMu.Lock()
	defer m.balMu.Unlock()
	addrs := m.keys.Addresses()
	if m.balances != nil && time.Since(m.balancesAt) < m.cfg.BalanceCacheTTL && sameAddresses(m.balances, addrs) {
		return cloneBalances(m.balances), nil
	}
	out := make([]KeyBalance, 0, len(addrs))
	for _, a := range addrs {
		kb := KeyBalance{Address: a}
		rctx, cancel := m.rpcCtx(ctx)
		bal, err := m.client.BalanceAt(rctx, a, nil)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("reading ETH balance of %s: %w", a.Hex(), err)
		}
		kb.ETH = bal
		if m.cfg.LinkAddress != nil {
			if kb.LINK, err = m.linkBalance(ctx, a); err != nil {
				return nil, err
			}
		}
		out = append(out, kb)
	}
	m.balances, m.balancesAt = out, time.Now()
	return cloneBalances(out), nil
}

// balanceOfSelector is the selector of ERC-20 balanceOf(address).
var balanceOfSelector = []byte{0x70, 0xa0, 0x82, 0x31}

func (m *TxManager) linkBalance(ctx context.Context, holder common.Address) (*big.Int, error) {
	data := append(slices.Clone(balanceOfSelector), common.LeftPadBytes(holder.Bytes(), 32)...)
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	out, err := m.client.CallContract(rctx, ethereum.CallMsg{To: m.cfg.LinkAddress, Data: data}, nil)
	if err != nil {
		return nil, fmt.Errorf("reading LINK balance of %s: %w", holder.Hex(), err)
	}
	if len(out) != 32 {
		return nil, fmt.Errorf("reading LINK balance of %s: token %s answered %d bytes, want 32", holder.Hex(), m.cfg.LinkAddress.Hex(), len(out))
	}
	return new(big.Int).SetBytes(out), nil
}

func sameAddresses(bs []KeyBalance, addrs []common.Address) bool {
	if len(bs) != len(addrs) {
		return false
	}
	for i := range bs {
		if bs[i].Address != addrs[i] {
			return false
		}
	}
	return true
}

func cloneBalances(bs []KeyBalance) []KeyBalance {
	out := make([]KeyBalance, len(bs))
	for i, b := range bs {
		out[i] = KeyBalance{Address: b.Address, ETH: new(big.Int).Set(b.ETH)}
		if b.LINK != nil {
			out[i].LINK = new(big.Int).Set(b.LINK)
		}
	}
	return out
}
