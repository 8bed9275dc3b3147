package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func hashN(n byte) common.Hash {
	var h common.Hash
	for i := range h {
		h[i] = n ^ byte(i)
	}
	return h
}

// TestHeadBytesRoundTrip checks that 32-byte hashes, including zero bytes
// and bytes that are not valid UTF-8, survive both engines unchanged.
func TestHeadBytesRoundTrip(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		tests := []struct {
			name         string
			hash, parent common.Hash
		}{
			{"zero parent", common.HexToHash("0x01"), common.Hash{}},
			{"high bytes", common.HexToHash("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00"), common.HexToHash("0x80c0ff")},
			{"pattern", hashN(0xa5), hashN(0x5a)},
		}
		ts := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h := &models.Head{Hash: tt.hash, ParentHash: tt.parent, Number: int64(100 + i), Timestamp: ts}
				require.NoError(t, s.SaveHead(ctx, h))
				require.NotZero(t, h.ID)
				got, err := s.HeadByHash(ctx, tt.hash)
				require.NoError(t, err)
				require.NotNil(t, got)
				require.Equal(t, tt.hash, got.Hash)
				require.Equal(t, tt.parent, got.ParentHash)
				require.Equal(t, h.Number, got.Number)
				require.True(t, ts.Equal(got.Timestamp), "Timestamp = %v, want %v", got.Timestamp, ts)
			})
		}
	})
}

func TestHeads(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	latest, err := s.LatestHead(ctx)
	require.NoError(t, err)
	require.Nil(t, latest)
	missing, err := s.HeadByHash(ctx, hashN(1))
	require.NoError(t, err)
	require.Nil(t, missing)

	now := time.Now()
	for n := int64(1); n <= 10; n++ {
		require.NoError(t, s.SaveHead(ctx, &models.Head{Hash: hashN(byte(n)), ParentHash: hashN(byte(n - 1)), Number: n, Timestamp: now}))
	}
	// A reorg: a second head at 10, saved later, wins LatestHead.
	uncle := &models.Head{Hash: hashN(0xee), ParentHash: hashN(9), Number: 10, Timestamp: now}
	require.NoError(t, s.SaveHead(ctx, uncle))

	// Saving a known hash again is a no-op without error.
	dup := &models.Head{Hash: hashN(5), ParentHash: hashN(0xff), Number: 99, Timestamp: now}
	require.NoError(t, s.SaveHead(ctx, dup))
	got, err := s.HeadByHash(ctx, hashN(5))
	require.NoError(t, err)
	require.EqualValues(t, 5, got.Number)
	require.Equal(t, hashN(4), got.ParentHash)

	latest, err = s.LatestHead(ctx)
	require.NoError(t, err)
	require.Equal(t, uncle.Hash, latest.Hash)

	at10, err := s.HeadsByNumber(ctx, 10)
	require.NoError(t, err)
	require.Len(t, at10, 2)
	require.Equal(t, hashN(10), at10[0].Hash)
	require.Equal(t, uncle.Hash, at10[1].Hash)
	none, err := s.HeadsByNumber(ctx, 1000)
	require.NoError(t, err)
	require.Empty(t, none)

	tests := []struct {
		keep, deleted int64
		lowest        int64
	}{
		{keep: 20, deleted: 0, lowest: 1},
		{keep: 5, deleted: 4, lowest: 5}, // keeps 5..10
		{keep: 5, deleted: 0, lowest: 5},
		{keep: 0, deleted: 5, lowest: 10}, // keeps both heads at 10
	}
	for _, tt := range tests {
		n, err := s.TrimHeads(ctx, tt.keep)
		require.NoError(t, err)
		require.Equal(t, tt.deleted, n, "TrimHeads(%d)", tt.keep)
		below, err := s.HeadsByNumber(ctx, tt.lowest-1)
		require.NoError(t, err)
		require.Empty(t, below)
		at, err := s.HeadsByNumber(ctx, tt.lowest)
		require.NoError(t, err)
		require.NotEmpty(t, at)
	}
	_, err = s.TrimHeads(ctx, -1)
	require.Error(t, err)
	require.Nil(t, s.SaveHead(ctx, &models.Head{Hash: hashN(0x77), Number: 11, Timestamp: now}))
	require.Error(t, s.SaveHead(ctx, nil))
}

func TestTrimHeadsEmpty(t *testing.T) {
	s := testdb.Open(t)
	n, err := s.TrimHeads(context.Background(), 10)
	require.NoError(t, err)
	require.Zero(t, n)
}
