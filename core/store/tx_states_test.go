package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestSaveTxStates writes several txes' receipts and final states at
// once, each its own, and reports a tx that is not saved while writing
// the others.
func TestSaveTxStates(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		from := common.HexToAddress("0x0000000000000000000000000000000000000001")
		mined, final, reverted := newTestTx("a", from, 0, hashN(1)), newTestTx("b", from, 1, hashN(2)), newTestTx("c", from, 2, hashN(3))
		for _, tx := range []*models.Tx{mined, final, reverted} {
			require.NoError(t, s.InsertTx(ctx, tx))
		}
		receipt := func(tx *models.Tx, block int64, status uint64) {
			hash, blockHash, gas := tx.Attempts[0].Hash, hashN(byte(100+block)), uint64(21000+block)
			tx.State, tx.Hash, tx.BlockHash, tx.BlockNumber, tx.ReceiptStatus, tx.GasUsed = models.TxStateMined, &hash, &blockHash, &block, &status, &gas
		}
		receipt(mined, 10, 1)
		receipt(final, 11, 1)
		receipt(reverted, 12, 0)
		at := time.Now().UTC().Truncate(time.Millisecond)
		reason, lastErr := "Must have a valid requestId", "replacement underpriced"
		final.State, final.FinalAt = models.TxStateConfirmed, &at
		reverted.State, reverted.FinalAt, reverted.RevertReason, reverted.LastError = models.TxStateReverted, &at, &reason, &lastErr
		require.NoError(t, s.SaveTxStates(ctx, []*models.Tx{mined, final, reverted}))

		for _, want := range []*models.Tx{mined, final, reverted} {
			got, err := s.TxByID(ctx, want.ID)
			require.NoError(t, err)
			assert.Equal(t, want.State, got.State, "tx %d", want.ID)
			assert.Equal(t, *want.Hash, *got.Hash)
			assert.Equal(t, *want.BlockHash, *got.BlockHash)
			assert.Equal(t, *want.BlockNumber, *got.BlockNumber)
			assert.Equal(t, *want.ReceiptStatus, *got.ReceiptStatus)
			assert.Equal(t, *want.GasUsed, *got.GasUsed)
			assert.Equal(t, want.RevertReason, got.RevertReason)
			assert.Equal(t, want.LastError, got.LastError)
			if want.FinalAt == nil {
				assert.Nil(t, got.FinalAt)
			} else {
				require.NotNil(t, got.FinalAt)
				assert.True(t, want.FinalAt.Equal(*got.FinalAt), "final at %v, want %v", got.FinalAt, want.FinalAt)
			}
		}

		// A reorg sends mined back to unconfirmed; a tx never saved is
		// reported, and the other is still written.
		mined.State, mined.Hash, mined.BlockHash, mined.BlockNumber, mined.ReceiptStatus, mined.GasUsed = models.TxStateUnconfirmed, nil, nil, nil, nil, nil
		err := s.SaveTxStates(ctx, []*models.Tx{mined, {ID: 9999, State: models.TxStateConfirmed}})
		require.ErrorIs(t, err, store.ErrNotFound)
		got, err := s.TxByID(ctx, mined.ID)
		require.NoError(t, err)
		assert.Equal(t, models.TxStateUnconfirmed, got.State)
		assert.Nil(t, got.Hash)
		assert.Nil(t, got.BlockNumber)

		require.NoError(t, s.SaveTxStates(ctx, nil))
		require.Error(t, s.SaveTxStates(ctx, []*models.Tx{{}}), "a tx without an ID")
	})
}
