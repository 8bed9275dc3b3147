package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// answerOf is run's answer at nonce: its first two tasks completed, its
// ethtx task paused with the tx's hash, and the tx.
func answerOf(run *models.JobRun, from common.Address, nonce uint64, hash common.Hash) (store.RunSteps, *models.Tx) {
	run.Status = models.RunStatusPendingOutgoingConfirmations
	var trs []*models.TaskRun
	var attempts []models.TaskRunAttempt
	for j := range run.TaskRuns {
		tr := &run.TaskRuns[j]
		tr.Status, tr.Attempts = models.RunStatusCompleted, 1
		tr.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"result":%d}`, j)), Status: models.RunStatusCompleted}
		if j == len(run.TaskRuns)-1 {
			tr.Status = models.RunStatusPendingOutgoingConfirmations
			tr.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"result":%q}`, hash.Hex())), Status: tr.Status}
		}
		trs = append(trs, tr)
		attempts = append(attempts, models.TaskRunAttempt{TaskRunID: tr.ID, Attempt: 1, Status: tr.Status})
	}
	tx := newTestTx(run.TaskRuns[len(run.TaskRuns)-1].ID, from, nonce, hash)
	return store.RunSteps{Run: run, TaskRuns: trs, Attempts: attempts}, tx
}

// TestInsertAnswers records answers in one statement on PostgreSQL: the
// nonces claimed, the txes and the runs' steps saved together, or, when
// the key's nonce has moved, a run is finished or a task run has its tx
// already, nothing at all.
func TestInsertAnswers(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		job := newJob(time.Now(), "runlog")
		require.NoError(t, s.CreateJobSpec(ctx, job))
		from := common.HexToAddress("0x00000000000000000000000000000000000000f1")
		_, err := s.RaiseNextNonce(ctx, from, 5)
		require.NoError(t, err)
		runs := make([]*models.JobRun, 4)
		for i := range runs {
			runs[i] = newRun(t, s, job, nil)
		}
		if engine == testdb.EngineSQLite {
			st, tx := answerOf(runs[0], from, 5, hashN(1))
			_, err := s.InsertAnswers(ctx, 5, []*models.Tx{tx}, []store.RunSteps{st})
			require.ErrorContains(t, err, "PostgreSQL only")
			return
		}
		// untouched fails the test if run's answer left a trace: a tx,
		// a saved step, the key's nonce moved from next.
		untouched := func(run *models.JobRun, next uint64) {
			t.Helper()
			got, err := s.FindJobRun(ctx, run.ID)
			require.NoError(t, err)
			assert.NotEqual(t, models.RunStatusPendingOutgoingConfirmations, got.Status)
			for _, tr := range got.TaskRuns {
				assert.Nil(t, tr.Result)
				assert.Empty(t, tr.AttemptLog)
			}
			_, err = s.TxByTaskRunID(ctx, run.TaskRuns[len(run.TaskRuns)-1].ID)
			require.ErrorIs(t, err, store.ErrNotFound)
			n, err := s.NextNonce(ctx, from)
			require.NoError(t, err)
			assert.Equal(t, next, n)
		}
		answers := func(first uint64, rs ...*models.JobRun) ([]*models.Tx, []store.RunSteps) {
			var txs []*models.Tx
			var steps []store.RunSteps
			for i, run := range rs {
				st, tx := answerOf(run, from, first+uint64(i), hashN(byte(10*first)+byte(i)))
				txs, steps = append(txs, tx), append(steps, st)
			}
			return txs, steps
		}

		// Signed at a nonce the key has left behind: nothing written.
		txs, steps := answers(4, runs[0], runs[1])
		ok, err := s.InsertAnswers(ctx, 4, txs, steps)
		require.NoError(t, err)
		assert.False(t, ok)
		untouched(runs[0], 5)
		untouched(runs[1], 5)

		// One run of the batch cancelled: nothing of the batch written.
		require.NoError(t, s.CancelJobRun(ctx, runs[2].ID, time.Now()))
		txs, steps = answers(5, runs[0], runs[2])
		ok, err = s.InsertAnswers(ctx, 5, txs, steps)
		require.NoError(t, err)
		assert.False(t, ok)
		untouched(runs[0], 5)

		// Both live, the nonce as signed: all written, with their IDs.
		runs[0] = newRun(t, s, job, nil) // its copy in memory was marked
		txs, steps = answers(5, runs[0], runs[1])
		ok, err = s.InsertAnswers(ctx, 5, txs, steps)
		require.NoError(t, err)
		require.True(t, ok)
		n, err := s.NextNonce(ctx, from)
		require.NoError(t, err)
		assert.Equal(t, uint64(7), n)
		for i, tx := range txs {
			require.NotZero(t, tx.ID)
			require.Equal(t, tx.ID, tx.Attempts[0].TxID)
			got, err := s.TxByTaskRunID(ctx, *tx.TaskRunID)
			require.NoError(t, err)
			assert.Equal(t, tx.ID, got.ID)
			assert.Equal(t, uint64(5+i), got.Nonce)
			assert.Equal(t, from, got.From)
			assert.Equal(t, tx.To, got.To)
			assert.Equal(t, []byte{0, 1, 0xff}, got.Data)
			assert.Equal(t, "7", got.Value.String())
			assert.Equal(t, uint64(21000), got.GasLimit)
			assert.Equal(t, models.TxStateUnconfirmed, got.State)
			require.Len(t, got.Attempts, 1)
			a := got.Attempts[0]
			assert.Equal(t, tx.Attempts[0].ID, a.ID)
			assert.Equal(t, tx.Attempts[0].Hash, a.Hash)
			assert.Equal(t, uint64(5+i), a.Nonce)
			assert.Equal(t, "3000000000", a.GasFeeCap.String())
			assert.Equal(t, "1000000000", a.GasTipCap.String())
			assert.Nil(t, a.GasPrice)
			assert.Equal(t, []byte{0x02, 0xf8, 0x00}, a.SignedRawTx)
			assert.Nil(t, a.BroadcastAt)

			run, err := s.FindJobRun(ctx, steps[i].Run.ID)
			require.NoError(t, err)
			assert.Equal(t, models.RunStatusPendingOutgoingConfirmations, run.Status)
			last := len(run.TaskRuns) - 1
			for j, tr := range run.TaskRuns {
				require.NotNil(t, tr.Result)
				assert.Equal(t, steps[i].Run.TaskRuns[j].Result.ID, tr.Result.ID)
				require.Len(t, tr.AttemptLog, 1)
				if j < last {
					assert.Equal(t, models.RunStatusCompleted, tr.Status)
					assert.JSONEq(t, fmt.Sprintf(`{"result":%d}`, j), string(tr.Result.Data))
				}
			}
			assert.Equal(t, models.RunStatusPendingOutgoingConfirmations, run.TaskRuns[last].Status)
			assert.JSONEq(t, fmt.Sprintf(`{"result":%q}`, tx.Attempts[0].Hash.Hex()), string(run.TaskRuns[last].Result.Data))
		}

		// A task run that has its tx already: an error, nothing written.
		st, tx := answerOf(runs[3], from, 7, hashN(99))
		tx.TaskRunID = txs[0].TaskRunID
		ok, err = s.InsertAnswers(ctx, 7, []*models.Tx{tx}, []store.RunSteps{st})
		require.ErrorIs(t, err, store.ErrDuplicate)
		assert.False(t, ok)
		untouched(runs[3], 7)

		// Txes that are not one key's consecutive nonces are refused.
		txs, steps = answers(7, runs[3])
		txs[0].Nonce = 8
		_, err = s.InsertAnswers(ctx, 7, txs, steps)
		require.ErrorContains(t, err, "not")
		untouched(runs[3], 7)
	})
}
