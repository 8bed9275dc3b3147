package store

import (
	"context"
	"fmt"
	"time"
)

// ResetChainState forgets everything this database knows about the chain:
// heads, transactions with their attempts and nonces, log cursors and the
// request IDs of runs, and cancels every unfinished run. It is for `node start --dev`, whose
// in-process chain is new on every start: state from the previous chain
// would leave the TxManager waiting on nonces that chain never had and
// runs waiting for transactions it never mined. Jobs, bridges, keys and
// users are kept.
func (s *Store) ResetChainState(ctx context.Context, now time.Time) (cancelled int, err error) {
	err = s.Transact(ctx, func(tx *Store) error {
		runs, err := tx.UnfinishedRuns(ctx)
		if err != nil {
			return err
		}
		for _, r := range runs {
			if err := tx.CancelJobRun(ctx, r.ID, now); err != nil {
				return err
			}
		}
		cancelled = len(runs)
		// The old chain's request IDs mean nothing on the new one, where
		// the same consumer makes the same IDs again: they must not pass
		// for requests that already have their run (RequestsWithLiveRuns).
		if err := tx.conn(ctx).Exec("UPDATE run_requests SET request_id = NULL WHERE request_id IS NOT NULL").Error; err != nil {
			return fmt.Errorf("forgetting request IDs: %w", err)
		}
		// Children before parents, for the foreign keys.
		for _, table := range []string{"tx_attempts", "txes", "tx_nonces", "log_cursors", "heads"} {
			if err := tx.conn(ctx).Exec("DELETE FROM " + table).Error; err != nil {
				return fmt.Errorf("clearing %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("resetting chain state: %w", err)
	}
	return cancelled, nil
}
