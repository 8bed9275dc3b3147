package services

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TxCreator is what RunTxSender needs of the TxManager
// (*txmanager.TxManager).
type TxCreator interface {
	CreateTx(ctx context.Context, db *store.Store, req txmanager.TxRequest) (*models.Tx, error)
	SendNew(ctx context.Context, tx *models.Tx)
}

// RunTxSender is the ethtx adapter's TxSender: it records the answer's
// transaction and marks its task run (and run) pending_outgoing_confirmations
// in one database transaction, with the run's steps its worker has not
// saved yet (runner.AnswerRecorderFrom), then lets the TxManager broadcast it. A
// crash before the commit leaves neither (the task is performed again); a
// crash after it leaves both, and the run waits for the transaction
// without performing ethtx again; a second call for the same task run
// returns the first transaction. So an answer is never sent twice.
//
// Its errors tell the ethtx adapter what to do: a TxManager rejection wraps
// adapters.ErrTxRejected (the task errors); a lost chain or database
// connection (IsConnectionFault) wraps adapters.ErrTxUnavailable (the task
// waits in pending_connection and is performed again).
type RunTxSender struct {
	store *store.Store
	txm   TxCreator
}

var _ adapters.TxSender = (*RunTxSender)(nil)

// NewRunTxSender returns the TxSender to put in adapters.Deps.
func NewRunTxSender(st *store.Store, txm TxCreator) *RunTxSender {
	return &RunTxSender{store: st, txm: txm}
}

// classifyTxError marks err for the ethtx adapter: a rejection by the
// TxManager (bad request, no or unknown key) wraps adapters.ErrTxRejected,
// a chain or database connection fault adapters.ErrTxUnavailable.
func classifyTxError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, txmanager.ErrBadRequest), errors.Is(err, txmanager.ErrNoKeys), errors.Is(err, txmanager.ErrUnknownKey):
		return fmt.Errorf("%w: %w", adapters.ErrTxRejected, err)
	case ctx.Err() == nil && IsConnectionFault(err):
		return fmt.Errorf("%w: %w", adapters.ErrTxUnavailable, err)
	}
	return err
}

// CreateTx records and sends the task run's transaction and returns its
// hash (the mined attempt's once known, else the latest attempt's).
func (s *RunTxSender) CreateTx(ctx context.Context, taskRunID string, from, to common.Address, data []byte, gasLimit uint64) (common.Hash, error) {
	if s == nil || s.store == nil || s.txm == nil {
		return common.Hash{}, errors.New("no transaction manager")
	}
	var tx *models.Tx
	err := s.store.Transact(ctx, func(db *store.Store) error {
		// The run's worker saves the task's pause itself, with the steps
		// it has not saved yet; it refuses a finished run, as
		// SetTaskRunStatus does.
		rec := runner.AnswerRecorderFrom(ctx)
		if rec != nil {
			if err := rec.SaveSteps(db); err != nil {
				return err
			}
		} else if err := db.SetTaskRunStatus(ctx, taskRunID, models.RunStatusPendingOutgoingConfirmations); err != nil {
			return err
		}
		var err error
		tx, err = s.txm.CreateTx(ctx, db, txmanager.TxRequest{
			TaskRunID: taskRunID, From: from, To: to, Data: data, GasLimit: gasLimit, Value: new(big.Int),
		})
		if err != nil || rec == nil {
			return err
		}
		return rec.SaveHash(db, txHash(tx))
	})
	if err != nil {
		return common.Hash{}, fmt.Errorf("recording transaction of task run %s: %w", taskRunID, classifyTxError(ctx, err))
	}
	s.txm.SendNew(ctx, tx)
	if h := txHash(tx); h != (common.Hash{}) {
		return h, nil
	}
	return common.Hash{}, fmt.Errorf("transaction %d of task run %s has no attempt", tx.ID, taskRunID)
}

// txHash is the hash of tx's mined attempt once known, else its latest
// attempt's; zero without attempts.
func txHash(tx *models.Tx) common.Hash {
	switch {
	case tx.Hash != nil:
		return *tx.Hash
	case tx.LatestAttempt() != nil:
		return tx.LatestAttempt().Hash
	}
	return common.Hash{}
}
