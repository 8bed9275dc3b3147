package txmanager

import (
	"context"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// nonceHints remember, per key, the next nonce as this node's last claim
// left it, so a caller whose write claims nonces itself
// (store.InsertAnswers) can sign before it writes. A hint is only a
// guess: the write claims the nonces only if the key's row still says
// what the hint said, so a stale hint (another node, a rolled back claim,
// the worker raising the nonce) costs a failed write, never a nonce
// handed out twice.
type nonceHints struct {
	mu   sync.Mutex
	next map[common.Address]uint64
}

func (h *nonceHints) set(from common.Address, next uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.next == nil {
		h.next = map[common.Address]uint64{}
	}
	h.next[from] = next
}

// reserve moves from's hint n nonces on and returns the first; false
// without a hint.
func (h *nonceHints) reserve(from common.Address, n uint64) (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	first, ok := h.next[from]
	if ok {
		h.next[from] = first + n
	}
	return first, ok
}

func (h *nonceHints) forget(from common.Address) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.next, from)
}

// SignAtHint is CreateTxs without the database, for a caller that claims
// the nonces in its own write (services.RunTxSender with
// store.InsertAnswers): it signs a tx for each of reqs, in order, at the
// consecutive nonces after this node's last claim for their key, and
// moves the hint past them. ok is false, with nothing signed, when reqs
// are of several keys or the key has no hint (no claim since the start):
// create them with CreateTxs. When the write does not claim the nonces,
// call ForgetNonces. Nothing is sent: call SendNewBatch after the write.
func (m *TxManager) SignAtHint(ctx context.Context, reqs []TxRequest) (txs []*models.Tx, first uint64, ok bool, err error) {
	if len(reqs) == 0 {
		return nil, 0, false, nil
	}
	reqs, ps, err := m.prepareAll(ctx, reqs)
	if err != nil {
		return nil, 0, false, err
	}
	from := reqs[0].From
	for _, r := range reqs {
		if r.From != from {
			return nil, 0, false, nil
		}
	}
	first, ok = m.hints.reserve(from, uint64(len(reqs)))
	if !ok {
		return nil, 0, false, nil
	}
	txs = make([]*models.Tx, len(reqs))
	for i := range reqs {
		if txs[i], err = m.newTx(ctx, reqs[i], ps[i], first+uint64(i)); err != nil {
			m.hints.forget(from)
			return nil, 0, false, err
		}
	}
	return txs, first, true, nil
}

// ForgetNonces drops from's nonce hint after a write that did not claim
// the nonces SignAtHint signed with: the next claim reads the database.
func (m *TxManager) ForgetNonces(from common.Address) {
	m.hints.forget(from)
}
