package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func newBridge(name string) *models.BridgeType {
	bt := &models.BridgeType{Name: name, URL: "http://adapter.example/" + name, OutgoingToken: models.Secret(models.NewBridgeToken())}
	bt.SetIncomingToken("incoming-" + name)
	return bt
}

func TestBridgeTypes(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	require.Error(t, s.CreateBridgeType(ctx, &models.BridgeType{Name: "notokens", URL: "http://x"}))
	for _, name := range []string{"coinprice", "alpha", "zeta"} {
		require.NoError(t, s.CreateBridgeType(ctx, newBridge(name)))
	}
	require.ErrorIs(t, s.CreateBridgeType(ctx, newBridge("alpha")), store.ErrDuplicate)

	bt, err := s.FindBridgeType(ctx, "CoinPrice")
	require.NoError(t, err)
	require.Equal(t, "http://adapter.example/coinprice", bt.URL)
	require.True(t, bt.IncomingTokenMatches("incoming-coinprice"))
	require.False(t, bt.IncomingTokenMatches("incoming-alpha"))
	require.NotEmpty(t, string(bt.OutgoingToken))

	_, err = s.FindBridgeType(ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)
	missing, err := s.FindBridge(ctx, "missing")
	require.NoError(t, err)
	require.Nil(t, missing)
	found, err := s.FindBridge(ctx, "alpha")
	require.NoError(t, err)
	require.Equal(t, "alpha", found.Name)

	for name, want := range map[string]bool{"alpha": true, "ALPHA": true, "beta": false} {
		ok, err := s.BridgeExists(ctx, name)
		require.NoError(t, err)
		require.Equal(t, want, ok, "BridgeExists(%q)", name)
	}

	page, count, err := s.BridgeTypes(ctx, 1, 5)
	require.NoError(t, err)
	require.EqualValues(t, 3, count)
	require.Len(t, page, 2)
	require.Equal(t, "coinprice", page[0].Name)
	require.Equal(t, "zeta", page[1].Name)

	min := "100"
	bt.URL, bt.Confirmations, bt.MinimumContractPayment = "http://new.example/", 4, &min
	require.NoError(t, s.UpdateBridgeType(ctx, bt))
	bt, err = s.FindBridgeType(ctx, "coinprice")
	require.NoError(t, err)
	require.Equal(t, "http://new.example/", bt.URL)
	require.EqualValues(t, 4, bt.Confirmations)
	require.Equal(t, "100", *bt.MinimumContractPayment)
	require.True(t, bt.IncomingTokenMatches("incoming-coinprice"), "tokens survive an update")
	require.ErrorIs(t, s.UpdateBridgeType(ctx, newBridge("missing")), store.ErrNotFound)

	// A bridge used by an active job cannot be deleted; once the job is
	// archived it can.
	job := &models.JobSpec{Initiators: []models.Initiator{{Type: "web"}}, Tasks: []models.TaskSpec{{Type: "coinprice"}}}
	require.NoError(t, s.CreateJobSpec(ctx, job))
	err = s.DeleteBridgeType(ctx, "coinprice")
	require.ErrorIs(t, err, store.ErrInUse)
	require.ErrorContains(t, err, job.ID)
	require.NoError(t, s.ArchiveJobSpec(ctx, job.ID, time.Now()))
	require.NoError(t, s.DeleteBridgeType(ctx, "coinprice"))
	require.ErrorIs(t, s.DeleteBridgeType(ctx, "coinprice"), store.ErrNotFound)
}
