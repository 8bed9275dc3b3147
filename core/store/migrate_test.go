package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

var wantTables = []string{
	"bridge_types", "encrypted_keys", "external_initiators", "heads", "initiators", "job_runs", "job_specs", "log_cursors",
	"run_requests", "run_results", "schema_migrations", "sessions", "task_run_attempts", "task_runs", "task_specs",
	"tx_attempts", "tx_nonces", "txes", "users",
}

func TestMigrations(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()

		t.Run("empty to latest", func(t *testing.T) {
			s := testdb.OpenEngine(t, engine)
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, store.LatestVersion(), v)
			tables, err := s.Tables(ctx)
			require.NoError(t, err)
			require.Equal(t, wantTables, tables)
			applied, err := s.AppliedMigrations(ctx)
			require.NoError(t, err)
			require.Len(t, applied, len(store.Migrations()))
			for i, m := range store.Migrations() {
				require.Equal(t, m.Version, applied[i].Version)
				require.Equal(t, m.Name, applied[i].Name)
				require.False(t, applied[i].AppliedAt.IsZero())
			}
		})

		t.Run("latest twice changes nothing", func(t *testing.T) {
			url := testdb.NewDatabaseURL(t, engine)
			s1, err := testdb.OpenURL(t, url)
			require.NoError(t, err)
			before, err := s1.AppliedMigrations(ctx)
			require.NoError(t, err)
			tablesBefore, err := s1.Tables(ctx)
			require.NoError(t, err)
			require.NoError(t, s1.Close())

			s2, err := testdb.OpenURL(t, url)
			require.NoError(t, err)
			after, err := s2.AppliedMigrations(ctx)
			require.NoError(t, err)
			tablesAfter, err := s2.Tables(ctx)
			require.NoError(t, err)
			require.Equal(t, len(before), len(after))
			for i := range before {
				require.Equal(t, before[i].Version, after[i].Version)
				require.True(t, before[i].AppliedAt.Equal(after[i].AppliedAt), "migration %d re-applied", before[i].Version)
			}
			require.Equal(t, tablesBefore, tablesAfter)
		})

		t.Run("older schema migrates forward", func(t *testing.T) {
			url := testdb.NewDatabaseURL(t, engine)
			old, err := store.OpenAtVersion(ctx, store.Config{DatabaseURL: url, RootDir: t.TempDir()}, nil, 2)
			require.NoError(t, err)
			v, err := old.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, 2, v)
			tables, err := old.Tables(ctx)
			require.NoError(t, err)
			require.Equal(t, []string{"encrypted_keys", "schema_migrations", "sessions", "users"}, tables)
			require.NoError(t, old.CreateUser(ctx, &models.User{Email: "op@example.com", HashedPassword: "h"}))
			require.NoError(t, old.Close())

			s, err := testdb.OpenURL(t, url)
			require.NoError(t, err)
			v, err = s.SchemaVersion(ctx)
			require.NoError(t, err)
			require.Equal(t, store.LatestVersion(), v)
			u, err := s.FindUser(ctx, "op@example.com")
			require.NoError(t, err)
			require.Equal(t, "h", u.HashedPassword)
			tables, err = s.Tables(ctx)
			require.NoError(t, err)
			require.Equal(t, wantTables, tables)
		})

		t.Run("newer database is refused", func(t *testing.T) {
			url := testdb.NewDatabaseURL(t, engine)
			s, err := testdb.OpenURL(t, url)
			require.NoError(t, err)
			next := store.LatestVersion() + 1
			require.NoError(t, s.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				next, "from the future", time.Now().UTC()))
			require.NoError(t, s.Close())

			_, err = testdb.OpenURL(t, url)
			require.ErrorIs(t, err, store.ErrSchemaTooNew)
			require.ErrorContains(t, err, "from the future")
		})
	})
}

func TestValidateMigrations(t *testing.T) {
	require.NoError(t, store.ValidateMigrations(store.Migrations()))
	tests := []struct {
		name string
		ms   []store.Migration
		want string
	}{
		{"duplicate version", []store.Migration{{1, "a", []string{"x"}}, {1, "b", []string{"y"}}}, "strictly increasing"},
		{"out of order", []store.Migration{{2, "a", []string{"x"}}, {1, "b", []string{"y"}}}, "strictly increasing"},
		{"zero version", []store.Migration{{0, "a", []string{"x"}}}, "positive"},
		{"no name", []store.Migration{{1, "", []string{"x"}}}, "name and SQL"},
		{"no sql", []store.Migration{{1, "a", nil}}, "name and SQL"},
		{"unknown placeholder", []store.Migration{{1, "a", []string{"CREATE TABLE t (x {{uuid}})"}}}, "unknown placeholder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := store.ValidateMigrations(tt.ms)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestMigrationStatements(t *testing.T) {
	m := store.Migration{Version: 1, Name: "t", SQL: []string{"CREATE TABLE t (id {{id}}, b {{bytes}}, at {{time}})"}}
	tests := []struct{ dialect, want string }{
		{store.DialectSQLite, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB, at DATETIME)"},
		{store.DialectPostgres, "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, b BYTEA, at TIMESTAMPTZ)"},
	}
	for _, tt := range tests {
		got, err := m.Statements(tt.dialect)
		require.NoError(t, err)
		require.Equal(t, []string{tt.want}, got, "Statements(%q)", tt.dialect)
	}
	_, err := m.Statements("mysql")
	require.True(t, err != nil && !errors.Is(err, store.ErrNotFound))
}
