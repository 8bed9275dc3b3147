package txmanager

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/store/models"
)

var _ headtracker.ReorgTrackable = (*TxManager)(nil)

// staleReceipt is a tx whose receipt is not believed while the key's
// nonce has not passed nonce (see TxManager.staleReceipts).
type staleReceipt struct {
	from  common.Address
	nonce uint64
}

// recentTx is a final transaction whose block is within FinalityDepth of
// the head: a reorg could still take it out.
type recentTx struct {
	From      common.Address
	Nonce     uint64
	Block     int64
	BlockHash common.Hash
}

// OnReorg is called by the head tracker before the new chain's heads:
// the next pass checks the blocks of recently final transactions against
// the new chain.
func (m *TxManager) OnReorg(ctx context.Context, r headtracker.Reorg) {
	m.lggr.WarnContext(ctx, "chain reorg: checking recent transactions' blocks", "depth", r.Depth)
	m.mu.Lock()
	m.verify = true
	m.replacedTop = m.topHead
	if r.Replaced != nil {
		m.replacedTop = r.Replaced.Number
	}
	m.mu.Unlock()
	m.Trigger()
}

func (m *TxManager) takeVerify() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.verify
	m.verify = false
	return v
}

func (m *TxManager) setVerify() {
	m.mu.Lock()
	m.verify = true
	m.mu.Unlock()
}

// remember records a final transaction as recent.
func (m *TxManager) remember(tx *models.Tx) {
	if tx.BlockNumber == nil || tx.BlockHash == nil {
		return
	}
	m.recent[tx.ID] = recentTx{From: tx.From, Nonce: tx.Nonce, Block: *tx.BlockNumber, BlockHash: *tx.BlockHash}
}

// forgetOld drops recent transactions deeper than FinalityDepth.
func (m *TxManager) forgetOld(head *models.Head) {
	if head == nil {
		return
	}
	for id, r := range m.recent {
		if head.Number-r.Block >= int64(m.cfg.FinalityDepth) {
			delete(m.recent, id)
		}
	}
}

// loadRecent reads the final transactions within FinalityDepth of head.
func (m *TxManager) loadRecent(ctx context.Context, head *models.Head) error {
	txs, err := m.db.FinalTxsSince(ctx, head.Number-int64(m.cfg.FinalityDepth)+1)
	if err != nil {
		return err
	}
	for i := range txs {
		m.remember(&txs[i])
	}
	return nil
}

// unconfirm puts tx back to unconfirmed after a reorg took out the block
// that held it: its receipt fields and final time are cleared. Its
// attempts and nonce are kept, so the same signed transaction is sent
// again and no second transaction is ever created for it.
func (m *TxManager) unconfirm(ctx context.Context, tx *models.Tx) error {
	tx.State, tx.Hash, tx.BlockHash, tx.BlockNumber, tx.ReceiptStatus, tx.GasUsed = models.TxStateUnconfirmed, nil, nil, nil, nil, nil
	tx.FinalAt, tx.RevertReason = nil, nil
	if err := m.saveTxState(ctx, tx); err != nil {
		return err
	}
	delete(m.recent, tx.ID)
	return nil
}

// canonicalReceipt returns the receipt of one of tx's attempts if its
// block is on the canonical chain now, or nil. A node that kept the
// receipt of a transaction a reorg dropped is not believed: the block
// hash at the receipt's height must match.
func (m *TxManager) canonicalReceipt(ctx context.Context, tx *models.Tx) (*types.Receipt, error) {
	r, err := m.findReceipt(ctx, tx, true)
	if err != nil || r == nil {
		return nil, err
	}
	hash, err := m.canonicalHash(ctx, r.BlockNumber.Int64())
	if err != nil {
		return nil, err
	}
	if hash != r.BlockHash {
		return nil, nil
	}
	return r, nil
}

// canonicalHash returns the hash of the canonical block at number, or
// the zero hash when the chain is not that long.
func (m *TxManager) canonicalHash(ctx context.Context, number int64) (common.Hash, error) {
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	h, err := m.client.HeaderByNumber(rctx, big.NewInt(number))
	if errors.Is(err, ethereum.NotFound) {
		return common.Hash{}, nil
	}
	if err != nil {
		return common.Hash{}, fmt.Errorf("reading header %d: %w", number, err)
	}
	return h.Hash(), nil
}

// verifyRecent checks the block of every recently final transaction
// against the canonical chain (one header per block). A transaction found
// in another block keeps its final state with the new block; one found
// in none goes back to unconfirmed and is added to resend.
func (m *TxManager) verifyRecent(ctx context.Context, resend map[int64]bool) error {
	byBlock := map[int64][]int64{}
	for id, r := range m.recent {
		byBlock[r.Block] = append(byBlock[r.Block], id)
	}
	blocks := make([]int64, 0, len(byBlock))
	for b := range byBlock {
		blocks = append(blocks, b)
	}
	slices.Sort(blocks)
	var dropped, moved int
	lowest := int64(-1)
	for _, b := range blocks {
		ids := byBlock[b]
		slices.Sort(ids)
		hash, err := m.canonicalHash(ctx, b)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if m.recent[id].BlockHash == hash {
				continue
			}
			if lowest < 0 {
				lowest = b
			}
			tx, err := m.db.TxByID(ctx, id)
			if err != nil {
				return err
			}
			r, err := m.canonicalReceipt(ctx, tx)
			if err != nil {
				return err
			}
			if r == nil {
				dropped++
				m.lggr.WarnContext(ctx, "final tx reorged out: re-sending it with its nonce", "tx_id", tx.ID, "nonce", tx.Nonce,
					"from", tx.From.Hex(), "old_block_number", b, "old_block_hash", tx.BlockHash.Hex(), "task_run_id", taskRun(tx))
				if err := m.unconfirm(ctx, tx); err != nil {
					return err
				}
				resend[tx.ID] = true
				continue
			}
			moved++
			txHash, blockHash, number := r.TxHash, r.BlockHash, r.BlockNumber.Int64()
			status, gasUsed := r.Status, r.GasUsed
			m.lggr.WarnContext(ctx, "final tx moved to another block by a reorg", "tx_id", tx.ID, "tx_hash", txHash.Hex(),
				"old_block_number", b, "old_block_hash", tx.BlockHash.Hex(), "block_number", number, "block_hash", blockHash.Hex(),
				"status", status)
			if *tx.ReceiptStatus != status {
				// Its outcome changed: final again (and announced again)
				// once deep enough.
				tx.State, tx.FinalAt, tx.RevertReason = models.TxStateMined, nil, nil
				delete(m.recent, tx.ID)
			}
			tx.Hash, tx.BlockHash, tx.BlockNumber, tx.ReceiptStatus, tx.GasUsed = &txHash, &blockHash, &number, &status, &gasUsed
			if err := m.saveTxState(ctx, tx); err != nil {
				return err
			}
			if tx.State.Final() {
				m.remember(tx)
			}
		}
	}
	if lowest >= 0 {
		m.lggr.WarnContext(ctx, "reorg changed blocks of final transactions", "reorged_out", dropped, "moved", moved,
			"lowest_block", lowest, "depth", m.depthFrom(lowest))
	}
	return nil
}

// checkNonce compares the chain's nonce of from with the transactions the
// manager holds as mined or final: any at or above that nonce was in a
// block the chain no longer has (anvil's reorg drops them without a
// trace). Each goes back to unconfirmed and is added to resend; later
// nonces then follow it.
func (m *TxManager) checkNonce(ctx context.Context, from common.Address, chainNonce uint64, resend map[int64]bool) (int, error) {
	top, ok := m.settledTop[from]
	if !ok {
		n, has, err := m.db.MaxSettledNonce(ctx, from)
		if err != nil {
			return 0, err
		}
		if has {
			top = n + 1
		}
		m.settledTop[from] = top
	}
	if chainNonce >= top {
		return 0, nil // no mined or final tx at or above the chain's nonce
	}
	txs, err := m.db.TxsFromNonce(ctx, from, chainNonce)
	if err != nil || len(txs) == 0 {
		return 0, err
	}
	var nonces []uint64
	var wasFinal int
	lowest := int64(-1)
	reorgedOut := func(tx *models.Tx, why string) error {
		if tx.State.Final() {
			wasFinal++
		}
		block := int64(-1)
		if tx.BlockNumber != nil {
			block = *tx.BlockNumber
			if lowest < 0 || block < lowest {
				lowest = block
			}
		}
		m.lggr.WarnContext(ctx, why, "tx_id", tx.ID, "nonce", tx.Nonce,
			"from", from.Hex(), "state", tx.State, "old_block_number", block, "task_run_id", taskRun(tx))
		if err := m.unconfirm(ctx, tx); err != nil {
			return err
		}
		resend[tx.ID] = true
		nonces = append(nonces, tx.Nonce)
		return nil
	}
	// withReceipt are txs at or above the nonce whose receipt the node
	// still serves in a canonical block: mined since the nonce was read,
	// or a receipt the node kept from a block a reorg took out (anvil
	// serves those under the new block's hash).
	var withReceipt []*models.Tx
	for i := range txs {
		tx := &txs[i]
		r, err := m.canonicalReceipt(ctx, tx)
		if err != nil {
			return len(nonces), err
		}
		if r != nil {
			withReceipt = append(withReceipt, tx)
			continue
		}
		if err := reorgedOut(tx, "tx reorged out: re-sending it with its nonce"); err != nil {
			return len(nonces), err
		}
	}
	if len(withReceipt) > 0 {
		// The nonce read now tells the two apart: a tx mined since is
		// below it; one still at or above it is not on the chain,
		// whatever its receipt says.
		rctx, cancel := m.rpcCtx(ctx)
		again, err := m.client.NonceAt(rctx, from, nil)
		cancel()
		if err != nil {
			return len(nonces), fmt.Errorf("reading nonce of %s again: %w", from.Hex(), err)
		}
		for _, tx := range withReceipt {
			if tx.Nonce < again {
				continue // on the chain: the first nonce read lagged its receipts
			}
			if err := reorgedOut(tx, "tx above the chain's nonce has a receipt the chain cannot hold (kept from a reorged-out block): re-sending it with its nonce"); err != nil {
				return len(nonces), err
			}
			m.staleReceipts[tx.ID] = staleReceipt{from: from, nonce: tx.Nonce}
		}
	}
	if len(nonces) > 0 {
		slices.Sort(nonces)
		attrs := []any{"address", from.Hex(), "chain_nonce", chainNonce, "txs", len(nonces), "were_final", wasFinal,
			"first_nonce", nonces[0], "last_nonce", nonces[len(nonces)-1]}
		if lowest >= 0 {
			attrs = append(attrs, "lowest_block", lowest, "depth", m.depthFrom(lowest))
		}
		m.lggr.WarnContext(ctx, "reorg took out mined transactions: the chain's nonce is below them", attrs...)
	}
	return len(nonces), nil
}

// stallResend is when a stalled tx was last broadcast again: the head
// and the time.
type stallResend struct {
	head int64
	at   time.Time
}

// resendStalled broadcasts again the latest attempt of tx, the key's
// next nonce on the chain, when it has waited StallResendBlocks (and
// StallResendMinAge) since it was last sent: a node that dropped it (or never accepted it) would
// otherwise hold every later nonce forever. The attempt's broadcast block
// is not moved, so bumping keeps its schedule.
func (m *TxManager) resendStalled(ctx context.Context, tx *models.Tx, chainNonce uint64) (bool, error) {
	// The head the pass began at: the chain nonce was read there, and an
	// attempt sent during this pass is not counted as waiting.
	head := m.passHead
	latest := tx.LatestAttempt()
	if head == nil || latest == nil || latest.BroadcastBlock == nil || tx.Nonce != chainNonce {
		return false, nil
	}
	since, at := *latest.BroadcastBlock, latest.BroadcastAt
	if last, ok := m.resent[tx.ID]; ok && last.head > since {
		since, at = last.head, &last.at
	}
	if head.Number-since < int64(m.cfg.StallResendBlocks) {
		return false, nil
	}
	now := time.Now()
	if m.cfg.StallResendMinAge > 0 && at != nil && now.Sub(*at) < m.cfg.StallResendMinAge {
		return false, nil
	}
	m.resent[tx.ID] = stallResend{head: head.Number, at: now}
	signed := new(types.Transaction)
	if err := signed.UnmarshalBinary(latest.SignedRawTx); err != nil {
		return true, fmt.Errorf("decoding attempt %s: %w", latest.Hash.Hex(), err)
	}
	rctx, cancel := m.rpcCtx(ctx)
	sendErr := m.client.SendTransaction(rctx, signed)
	cancel()
	outcome := classifySendError(sendErr)
	m.lggr.WarnContext(ctx, "key's next nonce is not mined: broadcasting it again", "tx_id", tx.ID, "from", tx.From.Hex(),
		"nonce", tx.Nonce, "tx_hash", latest.Hash.Hex(), "waited_blocks", head.Number-*latest.BroadcastBlock,
		"outcome", outcome.String(), "err", sendErr)
	if outcome == sendNonceTooLow {
		return m.nonceTooLow(ctx, tx)
	}
	return false, nil
}

// depthFrom is how many blocks from lowest up to the old chain's height
// (the highest head seen before the last reorg noticed, or the highest
// head seen): a reorg that took out a block at lowest was that deep.
func (m *TxManager) depthFrom(lowest int64) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	top := m.topHead
	if m.replacedTop >= lowest {
		top = m.replacedTop
	}
	return top - lowest + 1
}

func taskRun(tx *models.Tx) string {
	if tx.TaskRunID == nil {
		return ""
	}
	return *tx.TaskRunID
}
