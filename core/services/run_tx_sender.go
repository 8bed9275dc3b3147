package services

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

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
	CreateTxs(ctx context.Context, db *store.Store, reqs []txmanager.TxRequest) ([]*models.Tx, error)
	SendNew(ctx context.Context, tx *models.Tx)
	SendNewBatch(ctx context.Context, txs []*models.Tx)
	SignAtHint(ctx context.Context, reqs []txmanager.TxRequest) ([]*models.Tx, uint64, bool, error)
	ForgetNonces(from common.Address)
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
// Answers that come while another is being recorded are recorded
// together, in one database transaction (group commit): under a burst a
// commit and the key's nonce lock are paid per batch, not per answer. If a
// batch fails, each of its answers is recorded again on its own, so one
// answer's fault (a run cancelled meanwhile) does not fail the others.
//
// Its errors tell the ethtx adapter what to do: a TxManager rejection wraps
// adapters.ErrTxRejected (the task errors); a lost chain or database
// connection (IsConnectionFault) wraps adapters.ErrTxUnavailable (the task
// waits in pending_connection and is performed again).
type RunTxSender struct {
	store *store.Store
	txm   TxCreator

	mu      sync.Mutex
	cond    *sync.Cond // signalled when a batch is recorded
	queue   []*answerReq
	leaders int // callers recording a batch
}

// maxAnswerBatch bounds the answers one database transaction records.
const maxAnswerBatch = 200

// maxAnswerLeaders is how many batches are recorded at once. One: two
// would overlap a batch's steps with the commit of the one before, but
// their transactions then reach the chain out of nonce order more often,
// which measured slower on anvil.
const maxAnswerLeaders = 1

// answerReq is one answer waiting to be recorded.
type answerReq struct {
	ctx context.Context
	req txmanager.TxRequest
	rec runner.AnswerRecorder // nil outside a JobRunner's worker

	done    bool // recorded, or failed with err
	alone   bool // its batch failed: record it on its own
	sending bool // its batch's leader sends it with the batch
	tx      *models.Tx
	err     error
}

var _ adapters.TxSender = (*RunTxSender)(nil)

// NewRunTxSender returns the TxSender to put in adapters.Deps.
func NewRunTxSender(st *store.Store, txm TxCreator) *RunTxSender {
	s := &RunTxSender{store: st, txm: txm}
	s.cond = sync.NewCond(&s.mu)
	return s
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
	r := &answerReq{
		ctx: ctx,
		req: txmanager.TxRequest{TaskRunID: taskRunID, From: from, To: to, Data: data, GasLimit: gasLimit, Value: new(big.Int)},
		rec: runner.AnswerRecorderFrom(ctx),
	}
	s.mu.Lock()
	s.queue = append(s.queue, r)
	for !r.done {
		if s.leaders >= maxAnswerLeaders || len(s.queue) == 0 {
			s.cond.Wait()
			continue
		}
		// Lead: record what is queued (this answer among it, unless more
		// than a batch is ahead of it).
		s.leaders++
		n := min(len(s.queue), maxAnswerBatch)
		batch := s.queue[:n:n]
		s.queue = append([]*answerReq(nil), s.queue[n:]...)
		s.mu.Unlock()
		s.recordBatch(ctx, batch)
		s.mu.Lock()
		s.leaders--
		s.cond.Broadcast()
	}
	s.mu.Unlock()
	if r.alone {
		r.tx, r.err = s.recordOne(ctx, r)
	}
	if r.err != nil {
		return common.Hash{}, fmt.Errorf("recording transaction of task run %s: %w", taskRunID, classifyTxError(ctx, r.err))
	}
	// Sent on its own goroutine: the worker goes on to its next run
	// instead of waiting for the chain. The tx is saved; if the node stops
	// before it is sent, the TxManager sends it at start.
	if !r.sending {
		go s.txm.SendNew(context.WithoutCancel(ctx), r.tx)
	}
	if h := txHash(r.tx); h != (common.Hash{}) {
		return h, nil
	}
	return common.Hash{}, fmt.Errorf("transaction %d of task run %s has no attempt", r.tx.ID, taskRunID)
}

// recordBatch records the answers of batch in one database transaction
// and marks them done. When it fails, each is marked to be recorded on
// its own by its caller.
func (s *RunTxSender) recordBatch(ctx context.Context, batch []*answerReq) {
	finish := func(alone bool) {
		s.mu.Lock()
		for _, r := range batch {
			r.done, r.alone = true, alone
		}
		s.mu.Unlock()
	}
	if txs, written, err := s.recordAtHint(ctx, batch); written {
		if err != nil {
			// Saved, but not known as saved: the task is performed
			// again after a pause and finds its tx (CreateTx returns a
			// task run's tx), as after a lost connection.
			err = fmt.Errorf("%w: %w", adapters.ErrTxUnavailable, err)
		}
		s.mu.Lock()
		for i, r := range batch {
			r.tx, r.err, r.sending, r.done = txs[i], err, err == nil, true
		}
		s.mu.Unlock()
		if err == nil {
			go s.txm.SendNewBatch(context.WithoutCancel(ctx), txs)
		}
		return
	}
	if len(batch) == 1 {
		r := batch[0]
		tx, err := s.recordOne(r.ctx, r)
		s.mu.Lock()
		r.tx, r.err, r.done = tx, err, true
		s.mu.Unlock()
		return
	}
	txs := make([]*models.Tx, len(batch))
	err := s.store.Transact(ctx, func(db *store.Store) error {
		// The key's nonce lock is taken first and held for the batch's
		// claim, its txs, the steps and the commit (a task run that has a
		// tx already fails the batch; on its own, CreateTx returns that
		// tx). The txs come first so that the steps are saved with each
		// answer's hash in its result: one statement fewer.
		reqs := make([]txmanager.TxRequest, len(batch))
		for i, r := range batch {
			reqs[i] = r.req
		}
		created, err := s.txm.CreateTxs(ctx, db, reqs)
		if err != nil {
			return err
		}
		copy(txs, created)
		var steps []store.RunSteps
		for i, r := range batch {
			if r.rec == nil {
				if err := db.SetTaskRunStatus(r.ctx, r.req.TaskRunID, models.RunStatusPendingOutgoingConfirmations); err != nil {
					return err
				}
				continue
			}
			st, err := answerSteps(r.rec, txs[i])
			if err != nil {
				return err
			}
			steps = append(steps, st)
		}
		// The store refuses a finished run (cancelled meanwhile): the
		// transaction, its txs among it, is rolled back.
		return db.SaveRunsSteps(ctx, steps)
	})
	if err != nil {
		finish(true)
		return
	}
	// Sent together, in nonce order, as one JSON-RPC batch.
	go s.txm.SendNewBatch(context.WithoutCancel(ctx), txs)
	s.mu.Lock()
	for i, r := range batch {
		r.tx, r.sending = txs[i], true
	}
	s.mu.Unlock()
	finish(false)
}

// recordAtHint records the answers of batch in one statement on
// PostgreSQL (store.InsertAnswers), their txes signed at the nonces the
// TxManager expects its key to be at (SignAtHint): one round trip, where
// a database transaction takes five. written is false, and nothing was
// written, when it could not: the answers are of several keys or one
// outside a worker, the key has no hint or has moved on, a run is
// finished, or any fault. Then they are recorded the usual way, which
// gives each answer its own error. written and err together: the
// statement wrote, but what it returned did not add up (the answers
// then wait as after a lost connection, and find their txes).
func (s *RunTxSender) recordAtHint(ctx context.Context, batch []*answerReq) (txs []*models.Tx, written bool, err error) {
	if s.store.Dialect() != store.DialectPostgres {
		return nil, false, nil
	}
	if len(batch) == 1 {
		ctx = batch[0].ctx
	}
	reqs := make([]txmanager.TxRequest, len(batch))
	for i, r := range batch {
		if r.rec == nil {
			return nil, false, nil
		}
		reqs[i] = r.req
	}
	txs, first, ok, err := s.txm.SignAtHint(ctx, reqs)
	if err != nil || !ok {
		return nil, false, nil
	}
	steps := make([]store.RunSteps, len(batch))
	for i, r := range batch {
		if steps[i], err = answerSteps(r.rec, txs[i]); err != nil {
			s.txm.ForgetNonces(txs[0].From)
			return nil, false, nil
		}
	}
	written, err = s.store.InsertAnswers(ctx, first, txs, steps)
	if !written {
		s.txm.ForgetNonces(txs[0].From)
		return nil, false, nil
	}
	return txs, true, err
}

// recordOne records one answer in a database transaction of its own.
func (s *RunTxSender) recordOne(ctx context.Context, r *answerReq) (*models.Tx, error) {
	var tx *models.Tx
	err := s.store.Transact(ctx, func(db *store.Store) error {
		var err error
		if tx, err = s.txm.CreateTx(ctx, db, r.req); err != nil {
			return err
		}
		if r.rec == nil {
			return db.SetTaskRunStatus(ctx, r.req.TaskRunID, models.RunStatusPendingOutgoingConfirmations)
		}
		// The run's worker hands over the task's pause with the steps it
		// has not saved yet; the store refuses a finished run, as
		// SetTaskRunStatus does, and the tx is rolled back with it.
		st, err := answerSteps(r.rec, tx)
		if err != nil {
			return err
		}
		return db.SaveJobRunSteps(ctx, st.Run, st.TaskRuns, st.Attempts...)
	})
	return tx, err
}

// answerSteps is the run's steps to save with its answer's tx: the
// worker's unsaved steps and the ethtx task's pause, with the tx's hash in
// the task's result.
func answerSteps(rec runner.AnswerRecorder, tx *models.Tx) (store.RunSteps, error) {
	st := rec.Steps()
	if err := rec.Result(txHash(tx)); err != nil {
		return store.RunSteps{}, err
	}
	return st, nil
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
