package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestOutgoingSecretsAreSealedAtRest(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	bt := &models.BridgeType{Name: "prices", URL: "http://127.0.0.1:9/p", OutgoingToken: models.Secret(models.NewBridgeToken())}
	bt.SetIncomingToken(models.NewBridgeToken())
	token := string(bt.OutgoingToken)
	require.NoError(t, s.CreateBridgeType(ctx, bt))
	require.Equal(t, token, string(bt.OutgoingToken), "the caller's struct keeps the plaintext")

	raw, err := s.QueryString(ctx, "SELECT outgoing_token FROM bridge_types WHERE name = 'prices'")
	require.NoError(t, err)
	require.NotContains(t, raw, token)
	require.True(t, strings.HasPrefix(raw, "enc:v1:"), "stored as %q", raw)

	got, err := s.FindBridgeType(ctx, "prices")
	require.NoError(t, err)
	require.Equal(t, token, string(got.OutgoingToken))
	list, _, err := s.BridgeTypes(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, token, string(list[0].OutgoingToken))

	ei, creds, err := models.NewExternalInitiator("feeds", "http://127.0.0.1:9/ei")
	require.NoError(t, err)
	require.NoError(t, s.CreateExternalInitiator(ctx, ei))
	raw, err = s.QueryString(ctx, "SELECT outgoing_secret FROM external_initiators WHERE name = 'feeds'")
	require.NoError(t, err)
	require.NotContains(t, raw, creds.OutgoingSecret)
	gotEI, err := s.FindExternalInitiatorByAccessKey(ctx, creds.AccessKey)
	require.NoError(t, err)
	require.Equal(t, creds.OutgoingSecret, string(gotEI.OutgoingSecret))
	require.Equal(t, creds.OutgoingToken, string(gotEI.OutgoingToken))
}

func TestStoreWithoutSecretBoxRefusesSecrets(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DatabaseURL: testdb.NewDatabaseURL(t, testdb.Engine(t)), RootDir: t.TempDir()}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	bt := &models.BridgeType{Name: "prices", URL: "http://127.0.0.1:9/p", OutgoingToken: "plaintext-token"}
	bt.SetIncomingToken(models.NewBridgeToken())
	require.ErrorContains(t, s.CreateBridgeType(ctx, bt), "secret box")
	ok, err := s.BridgeExists(ctx, "prices")
	require.NoError(t, err)
	require.False(t, ok, "nothing may be saved in plain text")
}
