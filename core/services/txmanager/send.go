package txmanager

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// sendClaim is an attempt's broadcast in flight, by SendNew or by a
// pass, so that the other does not send it too. A done claim (SendNew's,
// accepted by the chain) waits in memory for the next pass to record it.
type sendClaim struct {
	done  bool
	at    time.Time
	block int64 // the latest head before the send
}

// SendNew broadcasts tx's first attempt at once, on the caller's
// goroutine, so that creators send in parallel and no pass is on the
// answer's path. Call it after the transaction given to CreateTx has
// committed. An accepted send is recorded in memory and written by the
// worker's next pass, with the others of that pass in one statement; a
// crash before that only re-sends the same signed transaction after the
// restart, which the chain answers "already known" or, once mined, "nonce
// too low" with a receipt. Any other answer (underpriced, nonce too low,
// insufficient funds, a fault) is left to the worker, which sends the
// attempt again and handles it. Nothing is sent for a key paused for
// insufficient funds, nor for an attempt already sent or being sent.
// Nonces sent out of order by concurrent callers are fine: the chain's
// pool holds a later nonce until the earlier one arrives.
func (m *TxManager) SendNew(ctx context.Context, tx *models.Tx) {
	if tx == nil || tx.State != models.TxStateUnconfirmed {
		return
	}
	a := tx.LatestAttempt()
	if a == nil || a.ID == 0 || a.BroadcastAt != nil {
		return
	}
	attrs := []any{"tx_id", tx.ID, "task_run_id", taskRun(tx), "from", tx.From.Hex(), "nonce", a.Nonce, "tx_hash", a.Hash.Hex(),
		"gas_limit", tx.GasLimit, "fees", attemptFees(a).String()}
	if m.isPaused(tx.From) {
		m.lggr.InfoContext(ctx, "tx created; its key is paused for insufficient funds", attrs...)
		return
	}
	var block int64
	if h := m.latestHead(); h != nil {
		block = h.Number
	}
	c := &sendClaim{block: block}
	m.sendMu.Lock()
	if _, taken := m.claims[a.ID]; taken {
		m.sendMu.Unlock()
		return
	}
	m.claims[a.ID] = c
	m.sendMu.Unlock()

	outcome, sendErr := m.send(ctx, a)
	accepted := outcome == sendOK || outcome == sendAlreadyKnown
	m.sendMu.Lock()
	if accepted {
		c.done, c.at = true, time.Now().UTC()
	} else {
		delete(m.claims, a.ID)
	}
	m.sendMu.Unlock()
	attrs = append(attrs, "outcome", outcome.String())
	if accepted {
		m.lggr.InfoContext(ctx, "tx broadcast", attrs...)
	} else {
		m.lggr.InfoContext(ctx, "tx created; not accepted at once, the worker sends it again", append(attrs, "err", sendErr)...)
	}
	m.Trigger()
}

// send hands attempt a to the chain and classifies the answer.
func (m *TxManager) send(ctx context.Context, a *models.TxAttempt) (sendOutcome, error) {
	signed := new(types.Transaction)
	if err := signed.UnmarshalBinary(a.SignedRawTx); err != nil {
		return sendFailed, fmt.Errorf("decoding attempt %s: %w", a.Hash.Hex(), err)
	}
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	err := m.client.SendTransaction(rctx, signed)
	return classifySendError(err), err
}

// isPaused reports whether from is paused for insufficient funds.
func (m *TxManager) isPaused(from common.Address) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.paused[from]
	return ok
}

// claimSend is asked by a pass before it broadcasts attempt a. It
// returns true when the pass should send it (the pass then holds the
// claim until releaseClaim); false when SendNew is sending it or sent it,
// in which case a gets that send's time and block.
func (m *TxManager) claimSend(a *models.TxAttempt) bool {
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	if c, ok := m.claims[a.ID]; ok {
		if c.done && a.BroadcastAt == nil {
			at, block := c.at, c.block
			a.BroadcastAt, a.BroadcastBlock = &at, &block
		}
		return false
	}
	m.claims[a.ID] = &sendClaim{}
	return true
}

// releaseClaim drops the claim on attempt id once a pass has broadcast
// it and recorded the outcome itself.
func (m *TxManager) releaseClaim(id int64) {
	m.sendMu.Lock()
	delete(m.claims, id)
	m.sendMu.Unlock()
}

// applyClaims gives the attempts of txs that SendNew sent, and that are
// not recorded yet, that send's time and block.
func (m *TxManager) applyClaims(txs []*models.Tx) {
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	if len(m.claims) == 0 {
		return
	}
	for _, tx := range txs {
		for i := range tx.Attempts {
			a := &tx.Attempts[i]
			if c, ok := m.claims[a.ID]; ok && c.done && a.BroadcastAt == nil {
				at, block := c.at, c.block
				a.BroadcastAt, a.BroadcastBlock = &at, &block
			}
		}
	}
}

// recordSent writes every send SendNew made since the last pass in one
// statement, then forgets them but in freshSends; the cached txs get the
// same values.
func (m *TxManager) recordSent(ctx context.Context) error {
	m.freshSends = map[int64]bool{}
	m.sendMu.Lock()
	var marks []store.AttemptBroadcast
	for id, c := range m.claims {
		if c.done {
			marks = append(marks, store.AttemptBroadcast{ID: id, At: c.at, Block: c.block})
		}
	}
	m.sendMu.Unlock()
	if len(marks) == 0 {
		return nil
	}
	if err := m.db.MarkTxAttemptsBroadcast(ctx, marks); err != nil {
		return err
	}
	byID := make(map[int64]store.AttemptBroadcast, len(marks))
	m.sendMu.Lock()
	for _, mk := range marks {
		delete(m.claims, mk.ID)
		byID[mk.ID] = mk
		m.freshSends[mk.ID] = true
	}
	m.sendMu.Unlock()
	for _, tx := range m.unfinished {
		for i := range tx.Attempts {
			a := &tx.Attempts[i]
			if mk, ok := byID[a.ID]; ok && a.BroadcastAt == nil {
				at, block := mk.At, mk.Block
				a.BroadcastAt, a.BroadcastBlock = &at, &block
			}
		}
	}
	return nil
}
