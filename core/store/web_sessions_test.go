package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestDeleteUserSessionsExcept(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := testdb.OpenEngine(t, engine)
		for _, email := range []string{"a@x", "b@x"} {
			require.NoError(t, s.CreateUser(ctx, &models.User{Email: email, HashedPassword: "h"}))
		}
		for _, sess := range []models.Session{{ID: "a1", Email: "a@x"}, {ID: "a2", Email: "a@x"}, {ID: "a3", Email: "a@x"}, {ID: "b1", Email: "b@x"}} {
			require.NoError(t, s.CreateSession(ctx, &sess))
		}
		require.NoError(t, s.DeleteUserSessionsExcept(ctx, "a@x", "a2"))
		for id, want := range map[string]bool{"a1": false, "a2": true, "a3": false, "b1": true} {
			_, err := s.FindSession(ctx, id)
			if want {
				require.NoError(t, err, id)
			} else {
				require.ErrorIs(t, err, store.ErrNotFound, id)
			}
		}
	})
}
