package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestDeleteHeadsAbove(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	for n := int64(1); n <= 10; n++ {
		require.NoError(t, s.SaveHead(ctx, &models.Head{Hash: hashN(byte(n)), ParentHash: hashN(byte(n - 1)), Number: n, Timestamp: time.Now()}))
	}
	tests := []struct{ above, deleted, latest int64 }{
		{above: 10, deleted: 0, latest: 10},
		{above: 4, deleted: 6, latest: 4},
		{above: 4, deleted: 0, latest: 4},
		{above: 1, deleted: 3, latest: 1},
	}
	for _, tt := range tests {
		n, err := s.DeleteHeadsAbove(ctx, tt.above)
		require.NoError(t, err)
		require.Equal(t, tt.deleted, n, "DeleteHeadsAbove(%d)", tt.above)
		latest, err := s.LatestHead(ctx)
		require.NoError(t, err)
		require.Equal(t, tt.latest, latest.Number, "LatestHead after DeleteHeadsAbove(%d)", tt.above)
	}
}
