package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// saveTxStatesSQL writes the changing columns (txStateColumns) of many
// txes from arrays, by ID, and counts the rows it wrote.
const saveTxStatesSQL = `WITH u AS (UPDATE txes AS t SET nonce = v.nonce, state = v.state, hash = v.hash,
		block_number = v.block_number, block_hash = v.block_hash, receipt_status = v.receipt_status,
		gas_used = v.gas_used, revert_reason = v.revert_reason, last_error = v.last_error,
		final_at = v.final_at, updated_at = $1::timestamptz
	FROM unnest($2::bigint[], $3::bigint[], $4::varchar[], $5::bytea[], $6::bigint[], $7::bytea[],
		$8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::timestamptz[])
		AS v(id, nonce, state, hash, block_number, block_hash, receipt_status, gas_used,
			revert_reason, last_error, final_at)
	WHERE t.id = v.id RETURNING t.id)
SELECT count(*) FROM u`

// SaveTxStates is SaveTxState for many txes: one statement on PostgreSQL
// (the TxManager saves a burst's answers, mined in a few blocks,
// together), one transaction on SQLite. ErrNotFound when a tx is not
// saved; the others are written.
func (s *Store) SaveTxStates(ctx context.Context, txs []*models.Tx) error {
	if len(txs) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for _, tx := range txs {
		if tx == nil || tx.ID == 0 {
			return fmt.Errorf("saving %d tx states: tx ID is required", len(txs))
		}
		tx.UpdatedAt = now
	}
	if s.dialect != DialectPostgres || s.inTx {
		missing := 0
		err := s.Transact(ctx, func(db *Store) error {
			for _, tx := range txs {
				err := db.SaveTxState(ctx, tx)
				switch {
				case errors.Is(err, ErrNotFound):
					missing++
				case err != nil:
					return err
				}
			}
			return nil
		})
		if err == nil && missing > 0 {
			err = fmt.Errorf("saving %d tx states: %d not found: %w", len(txs), missing, ErrNotFound)
		}
		return err
	}
	n := len(txs)
	var (
		ids, nonces               = make([]int64, n), make([]int64, n)
		states                    = make([]string, n)
		hashes, blockHashes       = make([][]byte, n), make([][]byte, n)
		blocks, statuses, gasUsed = make([]*int64, n), make([]*int64, n), make([]*int64, n)
		revertReasons, lastErrors = make([]*string, n), make([]*string, n)
		finalAt                   = make([]*time.Time, n)
	)
	for i, tx := range txs {
		ids[i], nonces[i], states[i] = tx.ID, int64(tx.Nonce), string(tx.State)
		hashes[i], blockHashes[i], blocks[i] = hashBytes(tx.Hash), hashBytes(tx.BlockHash), tx.BlockNumber
		statuses[i], gasUsed[i] = uint64Ptr(tx.ReceiptStatus), uint64Ptr(tx.GasUsed)
		revertReasons[i], lastErrors[i], finalAt[i] = tx.RevertReason, tx.LastError, tx.FinalAt
	}
	var saved int
	err := s.queryArrays(ctx, saveTxStatesSQL, []any{now, ids, nonces, states, hashes, blocks, blockHashes,
		statuses, gasUsed, revertReasons, lastErrors, finalAt}, &saved)
	if err != nil {
		return fmt.Errorf("saving %d tx states: %w", n, err)
	}
	if saved != n {
		return fmt.Errorf("saving %d tx states: %d not found: %w", n, n-saved, ErrNotFound)
	}
	return nil
}
