package txmanager

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

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
// goroutine, so that no pass is on the answer's path (SendNewBatch of
// one).
func (m *TxManager) SendNew(ctx context.Context, tx *models.Tx) {
	m.SendNewBatch(ctx, []*models.Tx{tx})
}

// SendNewBatch broadcasts the first attempts of txs, on the caller's
// goroutine. Call it after the transaction that created them has
// committed. An accepted send is recorded in memory and written by the
// worker's next pass, with the others of that pass in one statement; a
// crash before that only re-sends the same signed transaction after the
// restart, which the chain answers "already known" or, once mined, "nonce
// too low" with a receipt. Any other answer (underpriced, nonce too low,
// insufficient funds, a fault) is left to the worker, which sends the
// attempt again and handles it. Nothing is sent for a key paused for
// insufficient funds, nor for an attempt already sent or being sent.
//
// First broadcasts go out one batch at a time, in the order they were
// handed over and each batch in nonce order (firstBroadcasts), so the
// chain's pool meets no nonce gap: an answers' group commit is one
// JSON-RPC batch, not one call per answer from as many goroutines.
func (m *TxManager) SendNewBatch(ctx context.Context, txs []*models.Tx) {
	var block int64
	if h := m.latestHead(); h != nil {
		block = h.Number
	}
	var sends []*firstSend
	for _, tx := range txs {
		if tx == nil || tx.State != models.TxStateUnconfirmed {
			continue
		}
		a := tx.LatestAttempt()
		if a == nil || a.ID == 0 || a.BroadcastAt != nil {
			continue
		}
		if m.isPaused(tx.From) {
			m.lggr.InfoContext(ctx, "tx created; its key is paused for insufficient funds", firstSendAttrs(tx, a)...)
			continue
		}
		c := &sendClaim{block: block}
		m.sendMu.Lock()
		_, taken := m.claims[a.ID]
		if !taken {
			m.claims[a.ID] = c
		}
		m.sendMu.Unlock()
		if !taken {
			sends = append(sends, &firstSend{tx: tx, attempt: a, claim: c})
		}
	}
	if len(sends) == 0 {
		return
	}
	// Not cut short by this caller's end: the batch carries others'.
	m.firsts.send(context.WithoutCancel(ctx), m, sends)
	for _, f := range sends {
		accepted := f.outcome == sendOK || f.outcome == sendAlreadyKnown
		m.sendMu.Lock()
		if accepted {
			f.claim.done, f.claim.at = true, time.Now().UTC()
		} else {
			delete(m.claims, f.attempt.ID)
		}
		m.sendMu.Unlock()
		attrs := append(firstSendAttrs(f.tx, f.attempt), "outcome", f.outcome.String())
		if accepted {
			m.lggr.InfoContext(ctx, "tx broadcast", attrs...)
		} else {
			m.lggr.InfoContext(ctx, "tx created; not accepted at once, the worker sends it again", append(attrs, "err", f.err)...)
		}
	}
	m.Trigger()
}

func firstSendAttrs(tx *models.Tx, a *models.TxAttempt) []any {
	return []any{"tx_id", tx.ID, "task_run_id", taskRun(tx), "from", tx.From.Hex(), "nonce", a.Nonce, "tx_hash", a.Hash.Hex(),
		"gas_limit", tx.GasLimit, "fees", attemptFees(a).String()}
}

// firstSend is a claimed first attempt waiting for its broadcast, then
// the chain's answer.
type firstSend struct {
	tx      *models.Tx
	attempt *models.TxAttempt
	claim   *sendClaim

	sent    bool
	outcome sendOutcome
	err     error
}

// maxFirstBatch bounds the transactions of one broadcast batch.
const maxFirstBatch = 500

// firstBroadcasts serializes first broadcasts: a caller that finds none
// in flight sends what is queued, its own among it, and the callers that
// came meanwhile wait for the next batch, which one of them sends. So
// broadcasts leave in the order they were handed over (commit order,
// hence nonce order per key: nonces are claimed under the key's row lock),
// and a burst is pipelined as a few batches instead of racing calls that
// reach the chain out of nonce order.
type firstBroadcasts struct {
	mu    sync.Mutex
	cond  *sync.Cond
	queue []*firstSend
	busy  bool
}

func newFirstBroadcasts() *firstBroadcasts {
	f := &firstBroadcasts{}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// send broadcasts sends (in batches with the ones queued meanwhile) and
// returns once each has the chain's answer.
func (f *firstBroadcasts) send(ctx context.Context, m *TxManager, sends []*firstSend) {
	f.mu.Lock()
	f.queue = append(f.queue, sends...)
	for !sends[len(sends)-1].sent {
		if f.busy {
			f.cond.Wait()
			continue
		}
		f.busy = true
		n := min(len(f.queue), maxFirstBatch)
		batch := f.queue[:n:n]
		f.queue = append([]*firstSend(nil), f.queue[n:]...)
		f.mu.Unlock()
		m.broadcastFirsts(ctx, batch)
		f.mu.Lock()
		for _, s := range batch {
			s.sent = true
		}
		f.busy = false
		f.cond.Broadcast()
	}
	f.mu.Unlock()
}

// broadcastFirsts sends batch in nonce order per key: in one JSON-RPC
// batch when the client can batch, else one call each.
func (m *TxManager) broadcastFirsts(ctx context.Context, batch []*firstSend) {
	slices.SortStableFunc(batch, func(a, b *firstSend) int {
		if c := bytes.Compare(a.tx.From[:], b.tx.From[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.attempt.Nonce, b.attempt.Nonce)
	})
	bc, ok := m.client.(BatchClient)
	if !ok || len(batch) == 1 {
		for _, s := range batch {
			s.outcome, s.err = m.send(ctx, s.attempt)
		}
		return
	}
	elems := make([]rpc.BatchElem, len(batch))
	for i, s := range batch {
		elems[i] = rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(s.attempt.SignedRawTx)}, Result: new(common.Hash)}
	}
	rctx, cancel := m.rpcCtx(ctx)
	err := bc.BatchCallContext(rctx, elems)
	cancel()
	for i, s := range batch {
		switch {
		case err != nil:
			s.err = fmt.Errorf("sending a batch of %d: %w", len(batch), err)
		default:
			s.err = elems[i].Error
		}
		s.outcome = classifySendError(s.err)
	}
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
