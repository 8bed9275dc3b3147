package txmanager

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// run is the worker goroutine: one pass per wake-up, and a retry timer
// after a pass that could not finish.
func (m *TxManager) run(ctx context.Context) {
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-retry:
		}
		retry = nil
		if err := m.pass(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			m.lggr.WarnContext(ctx, "tx pass failed; retrying", "err", err, "retry_in", m.cfg.RetryInterval)
			retry = time.After(m.cfg.RetryInterval)
		}
	}
}

// pass does everything the latest head asks for: on the first pass it
// syncs nonces and re-broadcasts every unconfirmed transaction; after a
// reorg it checks the blocks of recently final transactions; for each key
// it compares the chain's nonce with the transactions held as mined or
// final (a reorg may have dropped them), then, in nonce order, looks up
// receipts, finalizes, re-broadcasts, bumps and sends unsent attempts.
func (m *TxManager) pass(ctx context.Context) error {
	m.mu.Lock()
	resendAll := m.resendAll
	m.resendAll = false
	m.mu.Unlock()
	if !m.initialized {
		if err := m.initialize(ctx); err != nil {
			m.mu.Lock()
			m.resendAll = m.resendAll || resendAll
			m.mu.Unlock()
			return err
		}
		m.initialized, resendAll = true, true
	}
	failed := m.keyPasses(ctx, resendAll)
	if failed != nil {
		m.mu.Lock()
		m.resendAll = m.resendAll || resendAll
		m.mu.Unlock()
	}
	m.forgetOld(m.latestHead())
	return failed
}

func (m *TxManager) keyPasses(ctx context.Context, resendAll bool) (failed error) {
	defer func() {
		if failed != nil {
			// A write may have failed half-way through a cached tx.
			m.unfinished = nil
		}
	}()
	if resendAll {
		m.unfinished = nil
	}
	if err := m.recordSent(ctx); err != nil {
		return err
	}
	// resend holds txes a reorg sent back to unconfirmed: broadcast them
	// again this pass.
	resend := map[int64]bool{}
	if m.takeVerify() {
		if err := m.verifyRecent(ctx, resend); err != nil {
			m.setVerify()
			return fmt.Errorf("checking recent transactions' blocks: %w", err)
		}
	}
	txs, err := m.loadUnfinished(ctx)
	if err != nil {
		return err
	}
	keys := map[common.Address]bool{}
	for _, tx := range txs {
		keys[tx.From] = true
	}
	for _, r := range m.recent {
		keys[r.From] = true
	}
	chainNonces := make(map[common.Address]uint64, len(keys))
	// minedBelow is each key's chain nonce at this head, read now or by
	// an earlier pass at the same head: its txs at or above it are not
	// mined, so their receipts are not looked up.
	minedBelow := make(map[common.Address]uint64, len(keys))
	reverted := 0
	// A reorg comes with a new head: passes woken by CreateTx at the
	// same head skip keys whose nonce was read at it.
	var headHash common.Hash
	m.passHead = m.latestHead()
	if m.passHead != nil {
		headHash = m.passHead.Hash
	}
	for from := range keys {
		if len(resend) == 0 && headHash != (common.Hash{}) && m.nonceHead[from] == headHash {
			minedBelow[from] = m.nonceAt[from]
			continue
		}
		rctx, cancel := m.rpcCtx(ctx)
		n, err := m.client.NonceAt(rctx, from, nil)
		cancel()
		if err != nil {
			failed = errors.Join(failed, fmt.Errorf("reading nonce of %s: %w", from.Hex(), err))
			continue
		}
		chainNonces[from] = n
		k, err := m.checkNonce(ctx, from, n, resend)
		reverted += k
		if err != nil {
			failed = errors.Join(failed, fmt.Errorf("checking txes of %s against its nonce %d: %w", from.Hex(), n, err))
			continue
		}
		m.nonceHead[from], m.nonceAt[from] = headHash, n
		minedBelow[from] = n
	}
	for id, st := range m.staleReceipts {
		if n, ok := chainNonces[st.from]; ok && n > st.nonce {
			delete(m.staleReceipts, id) // mined now: its receipt is believed again
		}
	}
	if reverted > 0 {
		// The reorged txes were read apart from the cached ones.
		m.unfinished = nil
		if txs, err = m.loadUnfinished(ctx); err != nil {
			return errors.Join(failed, err)
		}
	}
	m.applyClaims(txs)
	pre := m.prefetchReceipts(ctx, txs, m.passHead, minedBelow, resendAll, resend)
	for i := 0; i < len(txs); {
		j := i
		for j < len(txs) && txs[j].From == txs[i].From {
			j++
		}
		n, known := chainNonces[txs[i].From]
		if err := m.processKey(ctx, txs[i].From, txs[i:j], pre, resendAll, resend, n, known); err != nil {
			failed = errors.Join(failed, err)
		}
		i = j
	}
	return failed
}

// loadUnfinished returns the unfinished txes by key and nonce: the IDs
// from the state index, and from the database only those not cached
// (new since the last pass, or all after a failure or a reorg).
func (m *TxManager) loadUnfinished(ctx context.Context) ([]*models.Tx, error) {
	ids, err := m.db.UnfinishedTxIDs(ctx)
	if err != nil {
		return nil, err
	}
	cached := make(map[int64]*models.Tx, len(ids))
	var missing []int64
	for _, id := range ids {
		if tx, ok := m.unfinished[id]; ok {
			cached[id] = tx
		} else {
			missing = append(missing, id)
		}
	}
	loaded, err := m.db.TxsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	for i := range loaded {
		if !loaded[i].State.Final() {
			cached[loaded[i].ID] = &loaded[i]
		}
	}
	m.unfinished = cached
	txs := make([]*models.Tx, 0, len(cached))
	for _, tx := range cached {
		txs = append(txs, tx)
	}
	slices.SortFunc(txs, func(a, b *models.Tx) int {
		if c := bytes.Compare(a.From[:], b.From[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Nonce, b.Nonce)
	})
	return txs, nil
}

// initialize reads the chain's state once: the chain ID, the latest head
// and fee mode, and each key's pending nonce (the next nonce becomes the
// higher of that and the saved one).
func (m *TxManager) initialize(ctx context.Context) error {
	if _, err := m.getChainID(ctx); err != nil {
		return err
	}
	rctx, cancel := m.rpcCtx(ctx)
	header, err := m.client.HeaderByNumber(rctx, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("reading latest header: %w", err)
	}
	m.mu.Lock()
	if m.head == nil {
		m.head = &models.Head{Hash: header.Hash(), Number: header.Number.Int64(), ParentHash: header.ParentHash,
			Timestamp: time.Unix(int64(header.Time), 0).UTC()}
	}
	m.mu.Unlock()
	mode := "legacy gas price"
	if header.BaseFee != nil {
		mode = "EIP-1559 fee caps"
	}
	m.lggr.InfoContext(ctx, "chain fee mode detected", "mode", mode, "block_number", header.Number)
	m.feeMu.Lock()
	if m.feeCache.Load() == nil {
		if _, err := m.storeFees(ctx, header.Hash(), header); err != nil {
			// The first CreateTx asks again.
			m.lggr.WarnContext(ctx, "pricing first attempts failed", "err", err)
		}
	}
	m.feeMu.Unlock()
	for _, addr := range m.keys.Addresses() {
		rctx, cancel := m.rpcCtx(ctx)
		pending, err := m.client.PendingNonceAt(rctx, addr)
		cancel()
		if err != nil {
			return fmt.Errorf("reading pending nonce of %s: %w", addr.Hex(), err)
		}
		next, err := m.db.RaiseNextNonce(ctx, addr, pending)
		if err != nil {
			return err
		}
		m.hints.set(addr, next)
		m.lggr.InfoContext(ctx, "key nonce", "address", addr.Hex(), "chain_pending_nonce", pending, "next_nonce", next)
	}
	// A reorg while the node was down is found by checking the recent
	// final transactions' blocks once.
	if err := m.loadRecent(ctx, m.latestHead()); err != nil {
		return err
	}
	m.setVerify()
	return nil
}

// processKey handles one key's unfinished transactions in nonce order. It
// stops at a transaction that cannot be sent (the key is paused or the
// chain refused it), since later nonces cannot be mined before it.
//
// chainNonce (when known) is the key's nonce on the chain: the next nonce
// the chain will mine. If the lowest unconfirmed transaction holds it and
// has waited StallResendBlocks, it is broadcast again; if it is above it,
// no transaction of this node holds the missing nonces, which is logged.
func (m *TxManager) processKey(ctx context.Context, from common.Address, txs []*models.Tx, pre *receipts, resendAll bool,
	resend map[int64]bool, chainNonce uint64, known bool) error {
	m.mu.Lock()
	p, paused := m.paused[from]
	m.mu.Unlock()
	if paused {
		rctx, cancel := m.rpcCtx(ctx)
		bal, err := m.client.BalanceAt(rctx, from, nil)
		cancel()
		if err != nil {
			return fmt.Errorf("reading balance of paused key %s: %w", from.Hex(), err)
		}
		if bal.Cmp(p.Need) < 0 {
			// Still short: follow what is mined, send nothing.
			for _, tx := range txs {
				if tx.State != models.TxStateMined || !pre.isDue(tx) {
					continue
				}
				if err := m.followMined(ctx, tx, pre); err != nil {
					return fmt.Errorf("tx %d from %s nonce %d: %w", tx.ID, from.Hex(), tx.Nonce, err)
				}
			}
			return nil
		}
		m.mu.Lock()
		delete(m.paused, from)
		m.mu.Unlock()
		m.lggr.InfoContext(ctx, "key is funded: resuming its transactions", "address", from.Hex(), "balance_wei", bal)
		resendAll = true
	}
	var next *models.Tx // the lowest nonce still unconfirmed
	m.deferred = &stateWrites{seen: map[int64]bool{}}
	for _, tx := range txs {
		stop, err := m.processTx(ctx, tx, pre, resendAll || resend[tx.ID])
		if err != nil {
			err = fmt.Errorf("tx %d from %s nonce %d: %w", tx.ID, from.Hex(), tx.Nonce, err)
			return errors.Join(err, m.writeDeferred(ctx))
		}
		if next == nil && tx.State == models.TxStateUnconfirmed {
			next = tx
		}
		if stop {
			break
		}
	}
	if err := m.writeDeferred(ctx); err != nil {
		return err
	}
	if next == nil || !known || staleNonce(txs, chainNonce) {
		return nil
	}
	if next.Nonce > chainNonce {
		if warned, ok := m.gapWarned[from]; !ok || warned != chainNonce {
			m.gapWarned[from] = chainNonce
			m.lggr.ErrorContext(ctx, "nonce gap: the chain waits for a nonce no transaction of this node holds; later transactions cannot be mined",
				"address", from.Hex(), "chain_nonce", chainNonce, "lowest_unconfirmed_nonce", next.Nonce, "tx_id", next.ID)
		}
		return nil
	}
	if _, err := m.resendStalled(ctx, next, chainNonce); err != nil {
		return fmt.Errorf("tx %d from %s nonce %d: %w", next.ID, from.Hex(), next.Nonce, err)
	}
	return nil
}

// staleNonce reports whether chainNonce, read at the start of the pass,
// is older than the receipts the pass found: a tx at or above it was
// found mined since (checkNonce put back those the chain lost before).
// The gap and stall checks then wait for the next head.
func staleNonce(txs []*models.Tx, chainNonce uint64) bool {
	for _, tx := range txs {
		if tx.State != models.TxStateUnconfirmed && tx.Nonce >= chainNonce {
			return true
		}
	}
	return false
}

// processTx moves one transaction forward, with the receipts pre fetched
// for it (none when it was not due a lookup). stop means later nonces of
// the key should wait.
func (m *TxManager) processTx(ctx context.Context, tx *models.Tx, pre *receipts, resend bool) (stop bool, err error) {
	if tx.State == models.TxStateMined {
		if !pre.isDue(tx) {
			return false, nil // looked at already at this head
		}
		return false, m.followMined(ctx, tx, pre)
	}
	if _, stale := m.staleReceipts[tx.ID]; pre.isDue(tx) && !stale {
		receipt, err := pre.find(tx)
		if err != nil {
			return true, err
		}
		m.receiptHead[tx.ID] = m.passHeadHash()
		if receipt != nil {
			if setMined(tx, receipt); m.deepEnough(tx) {
				// Final at once: one write for mined and final.
				m.logMined(ctx, tx)
				return false, m.finalize(ctx, tx)
			}
			if err := m.markMined(ctx, tx, receipt); err != nil {
				return true, err
			}
			return false, nil
		}
	}
	latest := tx.LatestAttempt()
	if latest == nil {
		return true, errors.New("tx has no attempt")
	}
	// Bumps count blocks to the head the pass began at, where its
	// receipts were looked up: a later head may hold the tx already.
	head := m.passHead
	switch {
	case latest.BroadcastAt == nil || resend:
		// A pass that re-sends everything (start, reconnect) re-sends
		// what was sent before it, not what SendNew sent since the last
		// pass.
		if m.freshSends[latest.ID] || !m.claimSend(latest) {
			// SendNew sent it (latest now says when) or is sending it.
			return false, nil
		}
		defer m.releaseClaim(latest.ID)
		return m.broadcast(ctx, tx, latest)
	case m.cfg.dueForBump(head, latest, time.Now()):
		return m.bump(ctx, tx, latest)
	}
	return false, nil
}

// findReceipt returns the receipt of any of tx's attempts, or nil. Even
// attempts not marked broadcast are looked up: the node may have stopped
// after sending one and before recording it. When strict, a node that
// cannot tell yet (its transaction index is being built) is an error;
// otherwise it counts as no receipt.
func (m *TxManager) findReceipt(ctx context.Context, tx *models.Tx, strict bool) (*types.Receipt, error) {
	for i := len(tx.Attempts) - 1; i >= 0; i-- {
		r, err := m.receipt(ctx, tx.Attempts[i].Hash)
		if errors.Is(err, errIndexing) && !strict {
			continue
		}
		if err != nil || r != nil {
			return r, err
		}
	}
	return nil, nil
}

// errIndexing is returned (wrapped) by receipt when the node's transaction
// index is not complete, so a missing receipt proves nothing.
var errIndexing = errors.New("node is still indexing transactions")

func (m *TxManager) markMined(ctx context.Context, tx *models.Tx, r *types.Receipt) error {
	setMined(tx, r)
	if m.deferred != nil {
		m.deferred.add(tx)
		m.deferred.mined = append(m.deferred.mined, tx)
		return nil
	}
	if err := m.saveTxState(ctx, tx); err != nil {
		return err
	}
	m.logMined(ctx, tx)
	return nil
}

// stateWrites are the receipts and final states found while a key's
// txes are processed, saved together when the key is done (writeDeferred):
// a burst's answers, mined in a few blocks, then cost one statement
// instead of one each. Nothing else the pass does for the key reads
// them from the database, and a pass that fails reloads its txes.
type stateWrites struct {
	txs   []*models.Tx // to save, once each
	seen  map[int64]bool
	mined []*models.Tx // to log as mined once saved
	final []*models.Tx // to finish (finished) once saved
}

func (w *stateWrites) add(tx *models.Tx) {
	if !w.seen[tx.ID] {
		w.seen[tx.ID] = true
		w.txs = append(w.txs, tx)
	}
}

// writeDeferred saves the state writes collected since processKey began
// and ends the collecting: what follows writes at once.
func (m *TxManager) writeDeferred(ctx context.Context) error {
	w := m.deferred
	m.deferred = nil
	if w == nil || len(w.txs) == 0 {
		return nil
	}
	if err := m.db.SaveTxStates(ctx, w.txs); err != nil {
		return fmt.Errorf("saving %d txes mined or final: %w", len(w.txs), err)
	}
	for _, tx := range w.txs {
		m.noteSettled(tx)
	}
	for _, tx := range w.mined {
		m.logMined(ctx, tx)
	}
	for _, tx := range w.final {
		m.finished(ctx, tx)
	}
	return nil
}

// setMined records receipt r in tx, unsaved.
func setMined(tx *models.Tx, r *types.Receipt) {
	hash, blockHash := r.TxHash, r.BlockHash
	number, status, gasUsed := r.BlockNumber.Int64(), r.Status, r.GasUsed
	tx.State, tx.Hash, tx.BlockHash, tx.BlockNumber, tx.ReceiptStatus, tx.GasUsed = models.TxStateMined, &hash, &blockHash, &number, &status, &gasUsed
	tx.LastError = nil
}

func (m *TxManager) logMined(ctx context.Context, tx *models.Tx) {
	m.lggr.InfoContext(ctx, "tx mined", "tx_id", tx.ID, "tx_hash", tx.Hash.Hex(), "block_number", *tx.BlockNumber,
		"status", *tx.ReceiptStatus, "nonce", tx.Nonce)
}

// deepEnough reports whether mined tx has MinConfirmations at the latest
// head. A receipt in a block newer than that head (the chain ran ahead of
// the heads delivered so far, as under a burst on automine) counts its
// own block as the head: the chain has it, so the tx has at least one
// confirmation, which is all MIN_OUTGOING_CONFIRMATIONS=1 asks. Counting
// it unconfirmed cost a second write and a second receipt lookup per tx.
func (m *TxManager) deepEnough(tx *models.Tx) bool {
	head := m.latestHead()
	if head == nil {
		return false
	}
	return max(head.Number, *tx.BlockNumber)-*tx.BlockNumber+1 >= int64(m.cfg.MinConfirmations)
}

// checkMined follows a mined transaction: its receipt still on the chain
// (perhaps in another block after a reorg), it is final at
// MinConfirmations; its receipt gone, it is unconfirmed again and
// re-broadcast.
func (m *TxManager) checkMined(ctx context.Context, tx *models.Tx) error {
	r, err := m.receipt(ctx, *tx.Hash)
	if err != nil {
		return err
	}
	return m.checkMinedReceipt(ctx, tx, r)
}

// followMined is checkMined with the receipt of tx's mined attempt
// fetched for the pass.
func (m *TxManager) followMined(ctx context.Context, tx *models.Tx, pre *receipts) error {
	l, ok := pre.answers[*tx.Hash]
	if !ok {
		return m.checkMined(ctx, tx)
	}
	if l.err != nil {
		return l.err
	}
	m.receiptHead[tx.ID] = m.passHeadHash()
	return m.checkMinedReceipt(ctx, tx, l.receipt)
}

// checkMinedReceipt is checkMined with r, the receipt of tx's mined
// attempt just read (nil: none).
func (m *TxManager) checkMinedReceipt(ctx context.Context, tx *models.Tx, r *types.Receipt) error {
	var err error
	if r == nil {
		if r, err = m.findReceipt(ctx, tx, true); err != nil {
			return err
		}
	}
	if r == nil {
		m.lggr.WarnContext(ctx, "tx receipt's block was reorged out: re-broadcasting", "tx_id", tx.ID,
			"tx_hash", tx.Hash.Hex(), "block_number", *tx.BlockNumber, "block_hash", tx.BlockHash.Hex())
		if err := m.unconfirm(ctx, tx); err != nil {
			return err
		}
		_, err := m.broadcast(ctx, tx, tx.LatestAttempt())
		return err
	}
	if r.BlockHash != *tx.BlockHash || r.TxHash != *tx.Hash {
		m.lggr.WarnContext(ctx, "tx moved to another block by a reorg", "tx_id", tx.ID, "tx_hash", r.TxHash.Hex(),
			"old_block_hash", tx.BlockHash.Hex(), "block_hash", r.BlockHash.Hex(), "block_number", r.BlockNumber)
		if err := m.markMined(ctx, tx, r); err != nil {
			return err
		}
	}
	if !m.deepEnough(tx) {
		return nil
	}
	return m.finalize(ctx, tx)
}

func (m *TxManager) finalize(ctx context.Context, tx *models.Tx) error {
	now := time.Now().UTC()
	tx.FinalAt = &now
	if *tx.ReceiptStatus == types.ReceiptStatusSuccessful {
		tx.State = models.TxStateConfirmed
	} else {
		tx.State = models.TxStateReverted
		tx.RevertReason = m.revertReason(ctx, tx)
	}
	if m.deferred != nil {
		m.deferred.add(tx)
		m.deferred.final = append(m.deferred.final, tx)
		return nil
	}
	if err := m.saveTxState(ctx, tx); err != nil {
		return err
	}
	m.finished(ctx, tx)
	return nil
}

// finished forgets final tx, saved, logs it and tells the FinalFuncs.
func (m *TxManager) finished(ctx context.Context, tx *models.Tx) {
	delete(m.unfinished, tx.ID)
	delete(m.atCeiling, tx.ID)
	delete(m.nonceGone, tx.ID)
	delete(m.resent, tx.ID)
	delete(m.receiptHead, tx.ID)
	m.remember(tx)
	attrs := []any{"tx_id", tx.ID, "tx_hash", tx.Hash.Hex(), "block_number", *tx.BlockNumber, "state", tx.State}
	if tx.TaskRunID != nil {
		attrs = append(attrs, "task_run_id", *tx.TaskRunID)
	}
	if tx.RevertReason != nil {
		attrs = append(attrs, "revert_reason", *tx.RevertReason)
		m.lggr.WarnContext(ctx, "tx reverted", attrs...)
	} else {
		m.lggr.InfoContext(ctx, "tx final", attrs...)
	}
	m.mu.Lock()
	fns := append([]FinalFunc(nil), m.finalFns...)
	m.mu.Unlock()
	for _, fn := range fns {
		final := *tx
		fn(ctx, &final)
	}
}

// revertReason replays a reverted transaction with eth_call on the state
// before its block and returns the reason the node gives, or nil.
func (m *TxManager) revertReason(ctx context.Context, tx *models.Tx) *string {
	var at *big.Int
	if *tx.BlockNumber > 0 {
		at = big.NewInt(*tx.BlockNumber - 1)
	}
	to := tx.To
	msg := ethereum.CallMsg{From: tx.From, To: &to, Gas: tx.GasLimit, Value: tx.Value.ToInt(), Data: tx.Data}
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	_, err := m.client.CallContract(rctx, msg, at)
	if err == nil {
		return nil // the replay succeeded: the revert depended on state this block changed
	}
	reason := err.Error()
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok {
			if data, derr := hexutil.Decode(s); derr == nil && len(data) > 0 {
				if r, uerr := abi.UnpackRevert(data); uerr == nil {
					reason = r
				} else {
					reason = "revert data " + s
				}
			}
		}
	}
	return &reason
}

// broadcast sends attempt a of tx and records the outcome. stop means the
// key's later nonces should wait.
func (m *TxManager) broadcast(ctx context.Context, tx *models.Tx, a *models.TxAttempt) (stop bool, err error) {
	outcome, sendErr := m.send(ctx, a)
	switch outcome {
	case sendOK, sendAlreadyKnown:
		m.lggr.InfoContext(ctx, "tx broadcast", "tx_id", tx.ID, "tx_hash", a.Hash.Hex(), "nonce", a.Nonce, "outcome", outcome.String())
		return false, m.markBroadcast(ctx, tx, a, nil)
	case sendUnderpriced:
		// The node keeps a better-paying transaction of this nonce, or its
		// fee floor is above ours: counting this as sent lets a bump fix it.
		m.lggr.WarnContext(ctx, "tx broadcast underpriced; it will be bumped", "tx_id", tx.ID, "tx_hash", a.Hash.Hex(), "err", sendErr)
		return false, m.markBroadcast(ctx, tx, a, sendErr)
	case sendNonceTooLow:
		return m.nonceTooLow(ctx, tx)
	case sendInsufficientFunds:
		need := new(big.Int).Mul(new(big.Int).SetUint64(tx.GasLimit), a.MaxPrice())
		need.Add(need, tx.Value.ToInt())
		m.mu.Lock()
		_, already := m.paused[tx.From]
		m.paused[tx.From] = pause{Need: need, TxID: tx.ID}
		m.mu.Unlock()
		if !already {
			m.lggr.ErrorContext(ctx, "key has insufficient funds: its transactions are paused until it is funded",
				"address", tx.From.Hex(), "needs_wei", need, "tx_id", tx.ID, "nonce", tx.Nonce)
		}
		return true, m.saveLastError(ctx, tx, sendErr)
	default:
		m.lggr.WarnContext(ctx, "tx broadcast failed; retrying on the next head", "tx_id", tx.ID, "tx_hash", a.Hash.Hex(), "err", sendErr)
		return true, m.saveLastError(ctx, tx, sendErr)
	}
}

func (m *TxManager) markBroadcast(ctx context.Context, tx *models.Tx, a *models.TxAttempt, sendErr error) error {
	now := time.Now().UTC()
	// The head the pass began at, not the latest: a head that arrived
	// while this attempt was sent may not include it, so its block must
	// still look up the receipt.
	block := m.passHeadNumber()
	if err := m.db.MarkTxAttemptBroadcast(ctx, a.ID, now, block); err != nil {
		return err
	}
	a.BroadcastAt, a.BroadcastBlock = &now, &block
	if sendErr != nil || tx.LastError != nil {
		return m.saveLastError(ctx, tx, sendErr)
	}
	return nil
}

func (m *TxManager) saveLastError(ctx context.Context, tx *models.Tx, err error) error {
	if err == nil {
		tx.LastError = nil
	} else {
		msg := err.Error()
		tx.LastError = &msg
	}
	return m.saveTxState(ctx, tx)
}

// saveTxState saves tx's state and notes a mined or final one's nonce
// for the reorg check (see settledTop).
func (m *TxManager) saveTxState(ctx context.Context, tx *models.Tx) error {
	if err := m.db.SaveTxState(ctx, tx); err != nil {
		return err
	}
	m.noteSettled(tx)
	return nil
}

// noteSettled notes saved tx's nonce for the reorg check when it is mined
// or final (see settledTop).
func (m *TxManager) noteSettled(tx *models.Tx) {
	if top, ok := m.settledTop[tx.From]; ok && tx.State != models.TxStateUnconfirmed && tx.Nonce >= top {
		m.settledTop[tx.From] = tx.Nonce + 1
	}
}

// nonceTooLow handles a "nonce too low" answer: if an attempt of tx was
// mined, it is recorded; if the chain's nonce moved past tx's without it,
// another sender used the nonce and tx gets the key's next nonce.
//
// The chain's nonce is read before the receipts, so an attempt mined in
// between shows its receipt instead of passing for another sender's
// transaction. And a nonce is only taken for used by another sender when
// it still looks so at a later head than the one it was first seen at: a
// node (anvil under load) may move the nonce before it serves the
// receipt, and sending tx again with a new nonce after its first attempt
// was mined would answer twice.
func (m *TxManager) nonceTooLow(ctx context.Context, tx *models.Tx) (bool, error) {
	rctx, cancel := m.rpcCtx(ctx)
	chainNonce, err := m.client.NonceAt(rctx, tx.From, nil)
	cancel()
	if err != nil {
		return true, fmt.Errorf("reading nonce of %s: %w", tx.From.Hex(), err)
	}
	if r, err := m.findReceipt(ctx, tx, true); err != nil || r != nil {
		if err != nil {
			return true, err
		}
		delete(m.nonceGone, tx.ID)
		if err := m.markMined(ctx, tx, r); err != nil {
			return true, err
		}
		return false, m.checkMined(ctx, tx)
	}
	if chainNonce <= tx.Nonce {
		// Not mined yet by anyone: the pool knows a transaction of this
		// nonce that is not ours and not yet mined. Try again next head.
		m.lggr.WarnContext(ctx, "nonce too low but not yet mined; retrying", "tx_id", tx.ID, "nonce", tx.Nonce, "chain_nonce", chainNonce)
		return true, nil
	}
	head := m.passHeadNumber()
	seen, ok := m.nonceGone[tx.ID]
	if !ok {
		m.nonceGone[tx.ID] = head
		m.lggr.WarnContext(ctx, "tx nonce is used on chain but no attempt of the tx has a receipt; checking again at the next head",
			"tx_id", tx.ID, "nonce", tx.Nonce, "chain_nonce", chainNonce, "head", head)
		return true, m.saveLastError(ctx, tx, fmt.Errorf("nonce %d is used on chain but no attempt of this tx has a receipt; "+
			"if it stays so at the next head the tx gets a new nonce", tx.Nonce))
	}
	if head <= seen {
		return true, nil
	}
	delete(m.nonceGone, tx.ID)
	return m.renonce(ctx, tx, chainNonce)
}

// renonce gives tx a fresh nonce (at least chainNonce) and a new attempt,
// saved together, then broadcasts it.
func (m *TxManager) renonce(ctx context.Context, tx *models.Tx, chainNonce uint64) (bool, error) {
	old := tx.Nonce
	latest := tx.LatestAttempt()
	var attempt *models.TxAttempt
	err := m.db.Transact(ctx, func(db *store.Store) error {
		next, err := db.LockNextNonce(ctx, tx.From)
		if err != nil {
			return err
		}
		next = max(next, chainNonce)
		if attempt, err = m.signAttempt(ctx, tx, next, attemptFees(latest)); err != nil {
			return err
		}
		attempt.TxID = tx.ID
		tx.Nonce = next
		if err := db.SaveTxState(ctx, tx); err != nil {
			return err
		}
		if err := db.InsertTxAttempt(ctx, attempt); err != nil {
			return err
		}
		return db.SetNextNonce(ctx, tx.From, next+1)
	})
	m.hints.forget(tx.From) // set, or not, in a transaction of its own
	if err != nil {
		tx.Nonce = old
		return true, fmt.Errorf("giving tx a new nonce: %w", err)
	}
	tx.Attempts = append(tx.Attempts, *attempt)
	m.lggr.WarnContext(ctx, "tx nonce was used by a transaction this node did not send: re-sending with a new nonce",
		"tx_id", tx.ID, "address", tx.From.Hex(), "old_nonce", old, "nonce", tx.Nonce, "tx_hash", attempt.Hash.Hex())
	return m.broadcast(ctx, tx, &tx.Attempts[len(tx.Attempts)-1])
}

// bump replaces tx's latest attempt by one paying more, saved before it
// is broadcast. At the ceiling it re-broadcasts the latest attempt
// instead, warning once.
func (m *TxManager) bump(ctx context.Context, tx *models.Tx, latest *models.TxAttempt) (bool, error) {
	old := attemptFees(latest)
	f, ok := bumpedFees(old, m.cfg.BumpWei, m.cfg.BumpPercent, m.cfg.MaxGasPrice)
	if !ok {
		if !m.atCeiling[tx.ID] {
			m.atCeiling[tx.ID] = true
			m.lggr.WarnContext(ctx, "tx not mined but its price is at the ceiling (MaxGasPrice): not bumping",
				"tx_id", tx.ID, "tx_hash", latest.Hash.Hex(), "fees", old.String(), "max_gas_price", m.cfg.MaxGasPrice)
		}
		return m.broadcast(ctx, tx, latest)
	}
	attempt, err := m.signAttempt(ctx, tx, tx.Nonce, f)
	if err != nil {
		return true, err
	}
	attempt.TxID = tx.ID
	if err := m.db.InsertTxAttempt(ctx, attempt); err != nil {
		return true, err
	}
	tx.Attempts = append(tx.Attempts, *attempt)
	m.lggr.InfoContext(ctx, "bumping tx gas price", "tx_id", tx.ID, "nonce", tx.Nonce, "old_tx_hash", latest.Hash.Hex(),
		"tx_hash", attempt.Hash.Hex(), "old_fees", old.String(), "fees", f.String())
	return m.broadcast(ctx, tx, &tx.Attempts[len(tx.Attempts)-1])
}
