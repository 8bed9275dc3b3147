package txmanager

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// receiptBatchSize is how many receipts one JSON-RPC batch asks for
// (geth answers up to 1,000 calls per batch by default).
const receiptBatchSize = 200

// receiptLookup is the answer for one hash: a receipt, nil for none, or
// the error the node gave.
type receiptLookup struct {
	receipt *types.Receipt
	err     error
}

// receipts are the receipts a pass fetched up front, in one batch, for
// the transactions due a lookup at the pass's head.
type receipts struct {
	due     map[int64]bool
	answers map[common.Hash]receiptLookup
}

// isDue reports whether tx's receipts were fetched for this pass.
func (r *receipts) isDue(tx *models.Tx) bool { return r.due[tx.ID] }

// find returns the prefetched receipt of any of tx's attempts (latest
// first), or nil; a node still indexing counts as no receipt.
func (r *receipts) find(tx *models.Tx) (*types.Receipt, error) {
	for i := len(tx.Attempts) - 1; i >= 0; i-- {
		l := r.answers[tx.Attempts[i].Hash]
		if errors.Is(l.err, errIndexing) {
			continue
		}
		if l.err != nil || l.receipt != nil {
			return l.receipt, l.err
		}
	}
	return nil, nil
}

// receiptDue reports whether tx needs its receipts looked up in a pass at
// head: once per head, and for an unconfirmed transaction only once one
// of its attempts was broadcast at least one block ago (a transaction
// sent at this head cannot be in it), and never while its nonce is at or
// above minedBelow, the key's chain nonce read before the receipts. Every
// pass that re-sends (start, reconnect, a reorg) looks up all the others.
func (m *TxManager) receiptDue(tx *models.Tx, head *models.Head, minedBelow map[common.Address]uint64, resend bool) bool {
	if n, ok := minedBelow[tx.From]; ok && tx.State != models.TxStateMined && tx.Nonce >= n {
		// The chain has not mined this nonce: no attempt of it has a
		// receipt to find. Under a burst most unconfirmed txs are here,
		// and looking each up at every head cost anvil more than mining.
		return false
	}
	if resend || head == nil {
		return true
	}
	if m.receiptHead[tx.ID] == head.Hash {
		return false
	}
	if tx.State == models.TxStateMined {
		return true
	}
	for _, a := range tx.Attempts {
		if a.BroadcastBlock != nil && *a.BroadcastBlock < head.Number {
			return true
		}
	}
	return false
}

// prefetchReceipts fetches, in JSON-RPC batches when the client can, the
// receipts of the transactions due a lookup: every attempt of an
// unconfirmed one (an attempt not recorded as broadcast may have been
// sent before a crash), the mined attempt of a mined one.
func (m *TxManager) prefetchReceipts(ctx context.Context, txs []*models.Tx, head *models.Head, minedBelow map[common.Address]uint64,
	resendAll bool, resend map[int64]bool) *receipts {
	r := &receipts{due: map[int64]bool{}, answers: map[common.Hash]receiptLookup{}}
	var hashes []common.Hash
	for _, tx := range txs {
		if !m.receiptDue(tx, head, minedBelow, resendAll || resend[tx.ID]) {
			continue
		}
		r.due[tx.ID] = true
		if tx.State == models.TxStateMined {
			hashes = append(hashes, *tx.Hash)
			continue
		}
		for _, a := range tx.Attempts {
			hashes = append(hashes, a.Hash)
		}
	}
	for start := 0; start < len(hashes); start += receiptBatchSize {
		chunk := hashes[start:min(start+receiptBatchSize, len(hashes))]
		for i, l := range m.fetchReceipts(ctx, chunk) {
			r.answers[chunk[i]] = l
		}
	}
	return r
}

// fetchReceipts looks up hashes in one batch, or one call each when the
// client cannot batch.
func (m *TxManager) fetchReceipts(ctx context.Context, hashes []common.Hash) []receiptLookup {
	out := make([]receiptLookup, len(hashes))
	bc, ok := m.client.(BatchClient)
	if !ok || len(hashes) == 1 {
		for i, h := range hashes {
			out[i].receipt, out[i].err = m.receipt(ctx, h)
		}
		return out
	}
	results := make([]*types.Receipt, len(hashes))
	batch := make([]rpc.BatchElem, len(hashes))
	for i, h := range hashes {
		batch[i] = rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{h}, Result: &results[i]}
	}
	rctx, cancel := m.rpcCtx(ctx)
	err := bc.BatchCallContext(rctx, batch)
	cancel()
	for i, h := range hashes {
		switch {
		case err != nil:
			out[i].err = fmt.Errorf("reading receipt %s: batch of %d: %w", h.Hex(), len(hashes), err)
		case batch[i].Error != nil:
			out[i].err = receiptError(h, batch[i].Error)
		default:
			out[i].receipt = results[i] // nil: no receipt
		}
	}
	return out
}

// receipt returns the receipt of hash, or nil when the chain has none.
func (m *TxManager) receipt(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	rctx, cancel := m.rpcCtx(ctx)
	defer cancel()
	r, err := m.client.TransactionReceipt(rctx, hash)
	if errors.Is(err, ethereum.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, receiptError(hash, err)
	}
	return r, nil
}

func receiptError(hash common.Hash, err error) error {
	if chain.IsTxIndexing(err) {
		return fmt.Errorf("reading receipt %s: %w: %w", hash.Hex(), errIndexing, err)
	}
	return fmt.Errorf("reading receipt %s: %w", hash.Hex(), err)
}
