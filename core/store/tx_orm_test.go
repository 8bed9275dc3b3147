package store_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func newTestTx(taskRunID string, from common.Address, nonce uint64, hash common.Hash) *models.Tx {
	tx := &models.Tx{
		From: from, To: common.HexToAddress("0x00000000000000000000000000000000000000aa"),
		Data: []byte{0, 1, 0xff}, Value: models.NewBig(big.NewInt(7)), GasLimit: 21000, Nonce: nonce,
		State: models.TxStateUnconfirmed,
		Attempts: []models.TxAttempt{{
			Hash: hash, Nonce: nonce, GasFeeCap: models.NewBig(big.NewInt(3e9)), GasTipCap: models.NewBig(big.NewInt(1e9)),
			SignedRawTx: []byte{0x02, 0xf8, 0x00},
		}},
	}
	if taskRunID != "" {
		tx.TaskRunID = &taskRunID
	}
	return tx
}

func TestTxORM(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000001")

		tx := newTestTx("run1", from, 0, hashN(1))
		require.NoError(t, s.InsertTx(ctx, tx))
		require.NotZero(t, tx.ID)
		require.Equal(t, tx.ID, tx.Attempts[0].TxID)

		got, err := s.TxByTaskRunID(ctx, "run1")
		require.NoError(t, err)
		assert.Equal(t, tx.ID, got.ID)
		assert.Equal(t, from, got.From)
		assert.Equal(t, []byte{0, 1, 0xff}, got.Data)
		assert.Equal(t, "7", got.Value.String())
		require.Len(t, got.Attempts, 1)
		assert.Equal(t, hashN(1), got.Attempts[0].Hash)
		assert.Equal(t, "3000000000", got.Attempts[0].GasFeeCap.String())
		assert.Nil(t, got.Attempts[0].GasPrice)
		assert.Nil(t, got.Attempts[0].BroadcastAt)

		tests := []struct {
			name string
			tx   *models.Tx
		}{
			{"same task run", newTestTx("run1", from, 1, hashN(2))},
			{"same key and nonce", newTestTx("run2", from, 0, hashN(3))},
			{"same attempt hash", newTestTx("run3", from, 5, hashN(1))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.InsertTx(ctx, tt.tx)
				require.ErrorIs(t, err, store.ErrDuplicate)
			})
		}

		// Transactions without a task run may be many.
		require.NoError(t, s.InsertTx(ctx, newTestTx("", from, 1, hashN(4))))
		require.NoError(t, s.InsertTx(ctx, newTestTx("", from, 2, hashN(5))))

		second := models.TxAttempt{TxID: tx.ID, Hash: hashN(6), Nonce: 0, GasPrice: models.NewBig(big.NewInt(5)), SignedRawTx: []byte{1}}
		require.NoError(t, s.InsertTxAttempt(ctx, &second))
		at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		require.NoError(t, s.MarkTxAttemptBroadcast(ctx, second.ID, at, 42))
		require.ErrorIs(t, s.MarkTxAttemptBroadcast(ctx, 999999, at, 1), store.ErrNotFound)

		got, err = s.TxByAttemptHash(ctx, hashN(6))
		require.NoError(t, err)
		require.Len(t, got.Attempts, 2)
		latest := got.LatestAttempt()
		assert.Equal(t, second.ID, latest.ID)
		require.NotNil(t, latest.BroadcastAt)
		assert.True(t, at.Equal(*latest.BroadcastAt))
		assert.Equal(t, int64(42), *latest.BroadcastBlock)

		unfinished, err := s.UnfinishedTxs(ctx)
		require.NoError(t, err)
		require.Len(t, unfinished, 3)
		for i, u := range unfinished {
			assert.Equal(t, uint64(i), u.Nonce)
		}

		// Mined, then final, then a cleared field stays cleared.
		bn, bh, status := int64(10), hashN(7), uint64(0)
		got.State, got.BlockNumber, got.BlockHash, got.ReceiptStatus = models.TxStateMined, &bn, &bh, &status
		reason := "nope"
		got.RevertReason = &reason
		require.NoError(t, s.SaveTxState(ctx, got))
		got.State, got.BlockNumber, got.BlockHash = models.TxStateReverted, nil, nil
		now := time.Now().UTC()
		got.FinalAt = &now
		require.NoError(t, s.SaveTxState(ctx, got))
		again, err := s.TxByID(ctx, got.ID)
		require.NoError(t, err)
		assert.Equal(t, models.TxStateReverted, again.State)
		assert.Nil(t, again.BlockNumber)
		assert.Nil(t, again.BlockHash)
		assert.Equal(t, "nope", *again.RevertReason)
		assert.Len(t, again.Attempts, 2, "saving state must not touch attempts")

		unfinished, err = s.UnfinishedTxs(ctx)
		require.NoError(t, err)
		assert.Len(t, unfinished, 2)

		page, total, err := s.Txs(ctx, 0, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(3), total)
		require.Len(t, page, 2)
		assert.Greater(t, page[0].ID, page[1].ID)

		_, err = s.TxByTaskRunID(ctx, "missing")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorIs(t, s.SaveTxState(ctx, &models.Tx{ID: 999999, State: models.TxStateMined}), store.ErrNotFound)
	})
}

func TestTxNonces(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000002")

		_, err := s.NextNonce(ctx, from)
		require.ErrorIs(t, err, store.ErrNotFound)
		err = s.Transact(ctx, func(tx *store.Store) error {
			_, err := tx.LockNextNonce(ctx, from)
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound)

		tests := []struct {
			name    string
			atLeast uint64
			want    uint64
		}{
			{"creates", 5, 5},
			{"raises", 9, 9},
			{"never lowers", 3, 9},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n, err := s.RaiseNextNonce(ctx, from, tt.atLeast)
				require.NoError(t, err)
				assert.Equal(t, tt.want, n)
			})
		}

		err = s.Transact(ctx, func(tx *store.Store) error {
			n, err := tx.LockNextNonce(ctx, from)
			if err != nil {
				return err
			}
			assert.Equal(t, uint64(9), n)
			return tx.SetNextNonce(ctx, from, n+1)
		})
		require.NoError(t, err)
		n, err := s.NextNonce(ctx, from)
		require.NoError(t, err)
		assert.Equal(t, uint64(10), n)

		// A rolled-back assignment leaves the nonce as it was: no gap.
		err = s.Transact(ctx, func(tx *store.Store) error {
			n, err := tx.LockNextNonce(ctx, from)
			require.NoError(t, err)
			require.NoError(t, tx.SetNextNonce(ctx, from, n+1))
			return store.ErrDuplicate
		})
		require.ErrorIs(t, err, store.ErrDuplicate)
		n, err = s.NextNonce(ctx, from)
		require.NoError(t, err)
		assert.Equal(t, uint64(10), n)
	})
}

// TestTxsFromNonceAndFinalTxsSince: the reorg queries find only the
// key's txes that are past the chain's nonce and not unconfirmed, and the
// final txes mined at or after a block; a tx put back to unconfirmed
// leaves both.
func TestTxsFromNonceAndFinalTxsSince(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000001")
		other := common.HexToAddress("0x0000000000000000000000000000000000000002")
		blockHash := hashN(99)
		mine := func(tx *models.Tx, state models.TxState, block int64) {
			h, st, used := tx.Attempts[0].Hash, uint64(1), uint64(21000)
			tx.State, tx.Hash, tx.BlockNumber, tx.BlockHash, tx.ReceiptStatus, tx.GasUsed = state, &h, &block, &blockHash, &st, &used
			require.NoError(t, s.SaveTxState(ctx, tx))
		}
		var txs []*models.Tx
		for i, state := range []models.TxState{models.TxStateConfirmed, models.TxStateReverted, models.TxStateMined, models.TxStateUnconfirmed} {
			tx := newTestTx("", from, uint64(i), hashN(byte(10+i)))
			require.NoError(t, s.InsertTx(ctx, tx))
			if state != models.TxStateUnconfirmed {
				mine(tx, state, int64(100+i))
			}
			txs = append(txs, tx)
		}
		otherTx := newTestTx("", other, 5, hashN(20))
		require.NoError(t, s.InsertTx(ctx, otherTx))
		mine(otherTx, models.TxStateConfirmed, 101)

		nonces := func(txs []models.Tx) []uint64 {
			var out []uint64
			for _, tx := range txs {
				out = append(out, tx.Nonce)
			}
			return out
		}
		for _, tc := range []struct {
			from  common.Address
			nonce uint64
			want  []uint64
		}{
			{from, 0, []uint64{0, 1, 2}},
			{from, 1, []uint64{1, 2}},
			{from, 3, nil},
			{other, 0, []uint64{5}},
			{other, 6, nil},
		} {
			got, err := s.TxsFromNonce(ctx, tc.from, tc.nonce)
			require.NoError(t, err)
			assert.Equal(t, tc.want, nonces(got), "%s from nonce %d", tc.from.Hex(), tc.nonce)
			for _, tx := range got {
				assert.Len(t, tx.Attempts, 1, "with attempts")
			}
		}

		ids := func(txs []models.Tx) []int64 {
			var out []int64
			for _, tx := range txs {
				out = append(out, tx.ID)
			}
			return out
		}
		for _, tc := range []struct {
			since int64
			want  []int64
		}{
			{0, []int64{txs[0].ID, txs[1].ID, otherTx.ID}},
			{101, []int64{txs[1].ID, otherTx.ID}},
			{102, nil},
		} {
			got, err := s.FinalTxsSince(ctx, tc.since)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids(got), "since block %d", tc.since)
		}

		// Back to unconfirmed after a reorg: in neither list.
		txs[0].State, txs[0].Hash, txs[0].BlockNumber, txs[0].BlockHash, txs[0].ReceiptStatus, txs[0].GasUsed = models.TxStateUnconfirmed, nil, nil, nil, nil, nil
		require.NoError(t, s.SaveTxState(ctx, txs[0]))
		got, err := s.TxsFromNonce(ctx, from, 0)
		require.NoError(t, err)
		assert.Equal(t, []uint64{1, 2}, nonces(got))
		final, err := s.FinalTxsSince(ctx, 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{txs[1].ID, otherTx.ID}, ids(final))
	})
}

// TestClaimNonces: a claim returns the first of n nonces and advances the
// key's next nonce by n in one statement; a rolled-back claim gives them
// back.
func TestClaimNonces(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000003")
		err := s.Transact(ctx, func(tx *store.Store) error {
			_, err := tx.ClaimNonces(ctx, from, 1)
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RaiseNextNonce(ctx, from, 4)
		require.NoError(t, err)

		tests := []struct {
			name     string
			n        uint64
			rollback bool
			want     uint64 // the first claimed nonce
			next     uint64 // the next nonce after the transaction
		}{
			{"claims one", 1, false, 4, 5},
			{"rolled back", 3, true, 5, 5},
			{"claims three", 3, false, 5, 8},
			{"claims one again", 1, false, 8, 9},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.Transact(ctx, func(tx *store.Store) error {
					n, err := tx.ClaimNonces(ctx, from, tt.n)
					require.NoError(t, err)
					assert.Equal(t, tt.want, n)
					if tt.rollback {
						return store.ErrDuplicate
					}
					return nil
				})
				if tt.rollback {
					require.ErrorIs(t, err, store.ErrDuplicate)
				} else {
					require.NoError(t, err)
				}
				next, err := s.NextNonce(ctx, from)
				require.NoError(t, err)
				assert.Equal(t, tt.next, next)
			})
		}
		_, err = s.ClaimNonces(ctx, from, 0)
		require.Error(t, err)
	})
}

// TestInsertTxs: a batch of txes of two keys is saved with every attempt;
// a batch with a task run that has a tx already reports it, and the
// caller rolls back.
func TestInsertTxs(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		a := common.HexToAddress("0x0000000000000000000000000000000000000001")
		b := common.HexToAddress("0x0000000000000000000000000000000000000002")
		batch := []*models.Tx{
			newTestTx("run-a", a, 0, hashN(1)),
			newTestTx("", a, 1, hashN(2)),
			newTestTx("run-b", b, 0, hashN(3)),
		}
		batch[1].Attempts = append(batch[1].Attempts, models.TxAttempt{Hash: hashN(4), Nonce: 1, GasPrice: models.NewBig(big.NewInt(9)), SignedRawTx: []byte{4}})
		ok, err := s.InsertTxs(ctx, batch)
		require.NoError(t, err)
		require.True(t, ok)
		for _, tx := range batch {
			require.NotZero(t, tx.ID)
			got, err := s.TxByID(ctx, tx.ID)
			require.NoError(t, err)
			assert.Equal(t, tx.From, got.From)
			assert.Equal(t, tx.Nonce, got.Nonce)
			assert.Equal(t, tx.TaskRunID, got.TaskRunID)
			assert.Equal(t, []byte{0, 1, 0xff}, got.Data)
			require.Len(t, got.Attempts, len(tx.Attempts))
			for i, ga := range got.Attempts {
				assert.Equal(t, tx.Attempts[i].ID, ga.ID)
				assert.Equal(t, tx.ID, tx.Attempts[i].TxID)
				assert.Equal(t, tx.Attempts[i].Hash, ga.Hash)
				assert.Equal(t, tx.Attempts[i].SignedRawTx, ga.SignedRawTx)
			}
		}
		assert.Equal(t, "9", batch[1].Attempts[1].GasPrice.String())

		byRun, err := s.TxsByTaskRunIDs(ctx, []string{"run-a", "run-b", "missing"})
		require.NoError(t, err)
		require.Len(t, byRun, 2, "a task run without a tx is left out")
		assert.Equal(t, batch[0].ID, byRun["run-a"].ID)
		assert.Equal(t, batch[2].ID, byRun["run-b"].ID)
		assert.Empty(t, byRun["run-b"].Attempts, "without attempts")
		assert.Equal(t, b, byRun["run-b"].From)
		none, err := s.TxsByTaskRunIDs(ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, none)

		err = s.Transact(ctx, func(db *store.Store) error {
			ok, err := db.InsertTxs(ctx, []*models.Tx{newTestTx("run-c", a, 2, hashN(5)), newTestTx("run-a", a, 3, hashN(6))})
			require.NoError(t, err)
			assert.False(t, ok, "run-a has a tx")
			return store.ErrDuplicate // roll back
		})
		require.ErrorIs(t, err, store.ErrDuplicate)
		_, err = s.TxByTaskRunID(ctx, "run-c")
		require.ErrorIs(t, err, store.ErrNotFound, "rolled back")

		_, err = s.InsertTxs(ctx, []*models.Tx{newTestTx("run-d", a, 0, hashN(7))})
		require.ErrorIs(t, err, store.ErrDuplicate, "a used nonce")
		noAttempt := newTestTx("", a, 9, hashN(8))
		noAttempt.Attempts = nil
		_, err = s.InsertTxs(ctx, []*models.Tx{noAttempt})
		require.Error(t, err)
		ok, err = s.InsertTxs(ctx, nil)
		require.NoError(t, err)
		assert.True(t, ok)
	})
}

// TestInsertTxIfNew: a second tx for a task run is not saved, and the
// caller's transaction goes on (PostgreSQL would abort it on an error);
// other conflicts are still errors.
func TestInsertTxIfNew(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000001")
		first := newTestTx("run1", from, 0, hashN(1))
		ok, err := s.InsertTxIfNew(ctx, first)
		require.NoError(t, err)
		require.True(t, ok)
		require.NotZero(t, first.ID)
		assert.Equal(t, first.ID, first.Attempts[0].TxID)
		assert.NotZero(t, first.Attempts[0].ID)

		err = s.Transact(ctx, func(db *store.Store) error {
			again := newTestTx("run1", from, 1, hashN(2))
			ok, err := db.InsertTxIfNew(ctx, again)
			require.NoError(t, err)
			assert.False(t, ok)
			assert.Zero(t, again.ID)
			// The transaction is still usable.
			other := newTestTx("run2", from, 1, hashN(3))
			ok, err = db.InsertTxIfNew(ctx, other)
			require.NoError(t, err)
			assert.True(t, ok)
			return nil
		})
		require.NoError(t, err)
		got, err := s.TxByTaskRunID(ctx, "run1")
		require.NoError(t, err)
		assert.Equal(t, first.ID, got.ID)
		assert.Equal(t, from, got.From)
		assert.Equal(t, first.To, got.To)
		assert.Equal(t, []byte{0, 1, 0xff}, got.Data)
		assert.Equal(t, "7", got.Value.String())
		assert.Equal(t, uint64(21000), got.GasLimit)
		assert.Equal(t, models.TxStateUnconfirmed, got.State)
		assert.Nil(t, got.Hash)
		require.Len(t, got.Attempts, 1)
		ga := got.Attempts[0]
		assert.Equal(t, first.Attempts[0].ID, ga.ID)
		assert.Equal(t, hashN(1), ga.Hash)
		assert.Equal(t, "3000000000", ga.GasFeeCap.String())
		assert.Equal(t, "1000000000", ga.GasTipCap.String())
		assert.Nil(t, ga.GasPrice)
		assert.Equal(t, []byte{0x02, 0xf8, 0x00}, ga.SignedRawTx)
		assert.Nil(t, ga.BroadcastAt)
		assert.False(t, ga.CreatedAt.IsZero())

		// Two attempts, one legacy: each gets its ID.
		two := newTestTx("run5", from, 2, hashN(8))
		two.Attempts = append(two.Attempts, models.TxAttempt{Hash: hashN(9), Nonce: 2, GasPrice: models.NewBig(big.NewInt(5e9)), SignedRawTx: []byte{1}})
		ok, err = s.InsertTxIfNew(ctx, two)
		require.NoError(t, err)
		require.True(t, ok)
		saved, err := s.TxByID(ctx, two.ID)
		require.NoError(t, err)
		require.Len(t, saved.Attempts, 2)
		for i, a := range saved.Attempts {
			assert.Equal(t, two.Attempts[i].ID, a.ID)
			assert.Equal(t, two.Attempts[i].Hash, a.Hash)
		}
		assert.Equal(t, "5000000000", saved.Attempts[1].GasPrice.String())
		assert.Nil(t, saved.Attempts[1].GasFeeCap)
		_, err = s.TxByAttemptHash(ctx, hashN(2))
		require.ErrorIs(t, err, store.ErrNotFound, "the second tx's attempt is not saved")

		tests := []struct {
			name string
			tx   *models.Tx
		}{
			{"same key and nonce", newTestTx("run3", from, 0, hashN(4))},
			{"same attempt hash", newTestTx("run4", from, 7, hashN(1))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.InsertTxIfNew(ctx, tt.tx)
				require.ErrorIs(t, err, store.ErrDuplicate)
			})
		}
		// Transactions without a task run never conflict on it.
		for i := range 2 {
			ok, err := s.InsertTxIfNew(ctx, newTestTx("", from, uint64(10+i), hashN(byte(20+i))))
			require.NoError(t, err)
			assert.True(t, ok)
		}
	})
}

// TestUnfinishedTxIDsAndMarks: the manager's cheap per-pass reads and its
// one-statement broadcast marks.
func TestUnfinishedTxIDsAndMarks(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000001")
		var txs []*models.Tx
		for i := range 4 {
			tx := newTestTx("", from, uint64(i), hashN(byte(30+i)))
			require.NoError(t, s.InsertTx(ctx, tx))
			txs = append(txs, tx)
		}
		_, ok, err := s.MaxSettledNonce(ctx, from)
		require.NoError(t, err)
		assert.False(t, ok, "no settled tx yet")

		bn, bh, st := int64(9), hashN(99), uint64(1)
		txs[0].State, txs[0].BlockNumber, txs[0].BlockHash, txs[0].ReceiptStatus = models.TxStateConfirmed, &bn, &bh, &st
		require.NoError(t, s.SaveTxState(ctx, txs[0]))
		txs[2].State, txs[2].BlockNumber, txs[2].BlockHash, txs[2].ReceiptStatus = models.TxStateMined, &bn, &bh, &st
		require.NoError(t, s.SaveTxState(ctx, txs[2]))
		n, ok, err := s.MaxSettledNonce(ctx, from)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, uint64(2), n)

		ids, err := s.UnfinishedTxIDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []int64{txs[1].ID, txs[2].ID, txs[3].ID}, ids)
		got, err := s.TxsByIDs(ctx, []int64{txs[3].ID, txs[1].ID, 999999})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, txs[1].ID, got[0].ID, "by nonce")
		assert.Len(t, got[0].Attempts, 1, "with attempts")
		none, err := s.TxsByIDs(ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, none)

		early := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		marks := []store.AttemptBroadcast{
			{ID: txs[1].Attempts[0].ID, At: early.Add(time.Second), Block: 41},
			{ID: txs[3].Attempts[0].ID, At: early, Block: 42},
			{ID: 999999, At: early, Block: 1}, // gone: skipped
		}
		require.NoError(t, s.MarkTxAttemptsBroadcast(ctx, marks))
		for _, tc := range []struct {
			tx    *models.Tx
			block int64
		}{{txs[1], 41}, {txs[3], 42}} {
			got, err := s.TxByID(ctx, tc.tx.ID)
			require.NoError(t, err)
			a := got.Attempts[0]
			require.NotNil(t, a.BroadcastAt)
			assert.True(t, early.Equal(*a.BroadcastAt), "broadcast at %s", a.BroadcastAt)
			assert.Equal(t, tc.block, *a.BroadcastBlock)
		}
		untouched, err := s.TxByID(ctx, txs[0].ID)
		require.NoError(t, err)
		assert.Nil(t, untouched.Attempts[0].BroadcastAt)
		require.NoError(t, s.MarkTxAttemptsBroadcast(ctx, nil))
	})
}
