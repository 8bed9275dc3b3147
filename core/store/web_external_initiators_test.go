package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestExternalInitiators(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)

		ei, creds, err := models.NewExternalInitiator(" Feeds ", "http://127.0.0.1:9/jobs")
		require.NoError(t, err)
		require.Equal(t, "feeds", ei.Name)
		require.NoError(t, s.CreateExternalInitiator(ctx, ei))

		dup, _, err := models.NewExternalInitiator("feeds", "")
		require.NoError(t, err)
		require.ErrorIs(t, s.CreateExternalInitiator(ctx, dup), store.ErrDuplicate)

		got, err := s.FindExternalInitiator(ctx, "FEEDS")
		require.NoError(t, err)
		require.Equal(t, "http://127.0.0.1:9/jobs", *got.URL)
		require.Equal(t, creds.OutgoingToken, string(got.OutgoingToken))
		require.Equal(t, creds.OutgoingSecret, string(got.OutgoingSecret))
		require.NotContains(t, got.AccessKeyHash+got.HashedSecret, creds.AccessKey)
		require.True(t, got.SecretMatches(creds.Secret))
		require.False(t, got.SecretMatches(creds.AccessKey))

		byKey, err := s.FindExternalInitiatorByAccessKey(ctx, creds.AccessKey)
		require.NoError(t, err)
		require.Equal(t, "feeds", byKey.Name)
		_, err = s.FindExternalInitiatorByAccessKey(ctx, creds.Secret)
		require.ErrorIs(t, err, store.ErrNotFound)

		all, err := s.ExternalInitiators(ctx)
		require.NoError(t, err)
		require.Len(t, all, 1)

		require.NoError(t, s.DeleteExternalInitiator(ctx, "feeds"))
		require.ErrorIs(t, s.DeleteExternalInitiator(ctx, "feeds"), store.ErrNotFound)
		_, err = s.FindExternalInitiator(ctx, "feeds")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestNewExternalInitiatorName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{{"feeds", true}, {"my-ei_2", true}, {"", false}, {"has space", false}, {"a/b", false}}
	for _, tt := range tests {
		_, _, err := models.NewExternalInitiator(tt.name, "")
		if (err == nil) != tt.ok {
			t.Errorf("NewExternalInitiator(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}
