package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestParseTarget(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		url, dialect, path, wantErr string
	}{
		{url: "", dialect: store.DialectSQLite, path: filepath.Join(root, "db.sqlite3")},
		{url: "sqlite://", dialect: store.DialectSQLite, path: filepath.Join(root, "db.sqlite3")},
		{url: "sqlite:///var/lib/pythia/x.db", dialect: store.DialectSQLite, path: "/var/lib/pythia/x.db"},
		{url: "sqlite://rel/x.db", dialect: store.DialectSQLite, path: "rel/x.db"},
		{url: "file:/tmp/x.db", dialect: store.DialectSQLite, path: "/tmp/x.db"},
		{url: "/tmp/x.db?_pragma=cache_size(100)", dialect: store.DialectSQLite, path: "/tmp/x.db"},
		{url: "postgres://u:p@h:5432/db?sslmode=disable", dialect: store.DialectPostgres},
		{url: "postgresql://u@h/db", dialect: store.DialectPostgres},
		{url: "mysql://u:p@h/db", wantErr: `unsupported database URL scheme "mysql"`},
		{url: "host=h user=u password=p", wantErr: "key=value DSNs are not accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := store.ParseTarget(store.Config{DatabaseURL: tt.url, RootDir: root})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				require.NotContains(t, err.Error(), ":p@")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.dialect, got.Dialect(), "dialect of %q", tt.url)
			require.Equal(t, tt.path, got.Path(), "path of %q", tt.url)
			if tt.dialect == store.DialectSQLite {
				for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(5000)", "_txlock=immediate"} {
					require.Contains(t, got.DSN(), p)
				}
			}
		})
	}
	_, err := store.ParseTarget(store.Config{})
	require.ErrorContains(t, err, "root directory")
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://user:s3cret@db:5432/pythia?sslmode=disable", "postgres://user:xxxxx@db:5432/pythia?sslmode=disable"},
		{"postgres://user@db/pythia", "postgres://user@db/pythia"},
		{"postgres://db/pythia?password=s3cret&sslmode=disable", "postgres://db/pythia?password=xxxxx&sslmode=disable"},
		{"host=db user=u password=s3cret dbname=x", "host=db user=u password=xxxxx dbname=x"},
		{"host=db password='s3 cret' dbname=x", "host=db password=xxxxx dbname=x"},
		{"postgres://user:s3c%zzret@db/x", "postgres://user:xxxxx@db/x"},
		{"/var/lib/pythia/db.sqlite3", "/var/lib/pythia/db.sqlite3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := store.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Port 1 on localhost refuses connections; the error must not echo the password.
	_, err := store.Open(ctx, store.Config{DatabaseURL: "postgres://pythia:hunter2secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=5"}, nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hunter2secret")

	_, err = store.Open(ctx, store.Config{DatabaseURL: "redis://u:hunter2secret@h"}, nil)
	require.ErrorContains(t, err, "unsupported database URL scheme")
	require.NotContains(t, err.Error(), "hunter2secret")
}

func TestOpenDefaultSQLiteFile(t *testing.T) {
	root := filepath.Join(t.TempDir(), "node")
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{RootDir: root}, nil)
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, store.DialectSQLite, s.Dialect())
	require.NoError(t, s.Ping(ctx))

	fi, err := os.Stat(root)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(root, store.SQLiteFileName))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the database file is readable by others")
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000"} {
		got, err := s.QueryString(ctx, "PRAGMA "+pragma)
		require.NoError(t, err)
		require.Equal(t, want, got, "PRAGMA %s", pragma)
	}
}

func TestDialectAndPing(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		s := testdb.OpenEngine(t, engine)
		require.Equal(t, engine, s.Dialect())
		require.NoError(t, s.Ping(context.Background()))
		require.NoError(t, s.Close())
		require.Error(t, s.Ping(context.Background()))
	})
}

var errBoom = errors.New("boom")

func TestTransact(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	t.Run("commit", func(t *testing.T) {
		err := s.Transact(ctx, func(tx *store.Store) error {
			return tx.CreateUser(ctx, &models.User{Email: "a@example.com", HashedPassword: "h"})
		})
		require.NoError(t, err)
		_, err = s.FindUser(ctx, "a@example.com")
		require.NoError(t, err)
	})

	t.Run("rollback on error", func(t *testing.T) {
		err := s.Transact(ctx, func(tx *store.Store) error {
			require.NoError(t, tx.CreateUser(ctx, &models.User{Email: "b@example.com", HashedPassword: "h"}))
			_, err := tx.FindUser(ctx, "b@example.com") // visible inside
			require.NoError(t, err)
			return fmt.Errorf("later step: %w", errBoom)
		})
		require.ErrorIs(t, err, errBoom)
		_, err = s.FindUser(ctx, "b@example.com")
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("nested reuses the transaction", func(t *testing.T) {
		err := s.Transact(ctx, func(tx *store.Store) error {
			require.NoError(t, tx.CreateUser(ctx, &models.User{Email: "c@example.com", HashedPassword: "h"}))
			require.NoError(t, tx.Transact(ctx, func(inner *store.Store) error {
				return inner.CreateUser(ctx, &models.User{Email: "d@example.com", HashedPassword: "h"})
			}))
			require.Error(t, tx.Close(), "Close inside a transaction")
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		for _, email := range []string{"c@example.com", "d@example.com"} {
			_, err = s.FindUser(ctx, email)
			require.ErrorIs(t, err, store.ErrNotFound, email)
		}
	})

	t.Run("rollback on panic", func(t *testing.T) {
		require.Panics(t, func() {
			_ = s.Transact(ctx, func(tx *store.Store) error {
				require.NoError(t, tx.CreateUser(ctx, &models.User{Email: "e@example.com", HashedPassword: "h"}))
				panic("bug")
			})
		})
		_, err := s.FindUser(ctx, "e@example.com")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	_, err := s.FirstUser(ctx)
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err := s.CountUsers(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	first := &models.User{Email: "op@example.com", HashedPassword: "hash1", CreatedAt: time.Now().Add(-time.Hour)}
	require.NoError(t, s.CreateUser(ctx, first))
	require.NoError(t, s.CreateUser(ctx, &models.User{Email: "second@example.com", HashedPassword: "hash2"}))
	require.ErrorIs(t, s.CreateUser(ctx, &models.User{Email: "op@example.com", HashedPassword: "x"}), store.ErrDuplicate)
	require.Error(t, s.CreateUser(ctx, &models.User{}))

	n, err = s.CountUsers(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)

	u, err := s.FirstUser(ctx)
	require.NoError(t, err)
	require.Equal(t, "op@example.com", u.Email)

	u, err = s.FindUser(ctx, "op@example.com")
	require.NoError(t, err)
	require.Equal(t, "hash1", u.HashedPassword)
	require.WithinDuration(t, first.CreatedAt, u.CreatedAt, time.Millisecond)

	require.NoError(t, s.UpdateUserPassword(ctx, "op@example.com", "hash3"))
	u, err = s.FindUser(ctx, "op@example.com")
	require.NoError(t, err)
	require.Equal(t, "hash3", u.HashedPassword)
	require.ErrorIs(t, s.UpdateUserPassword(ctx, "nobody@example.com", "h"), store.ErrNotFound)
	require.Error(t, s.UpdateUserPassword(ctx, "op@example.com", ""))

	_, err = s.FindUser(ctx, "nobody@example.com")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorContains(t, err, "nobody@example.com")
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	require.NoError(t, s.CreateUser(ctx, &models.User{Email: "op@example.com", HashedPassword: "h"}))

	now := time.Now().Truncate(time.Microsecond)
	old := &models.Session{ID: strings.Repeat("a", 64), Email: "op@example.com", LastUsedAt: now.Add(-48 * time.Hour)}
	fresh := &models.Session{ID: strings.Repeat("b", 64), Email: "op@example.com", LastUsedAt: now}
	require.NoError(t, s.CreateSession(ctx, old))
	require.NoError(t, s.CreateSession(ctx, fresh))
	require.ErrorIs(t, s.CreateSession(ctx, fresh), store.ErrDuplicate)
	require.ErrorIs(t, s.CreateSession(ctx, &models.Session{ID: "c", Email: "ghost@example.com"}), store.ErrMissingReference)

	got, err := s.FindSession(ctx, fresh.ID)
	require.NoError(t, err)
	require.Equal(t, "op@example.com", got.Email)
	require.True(t, now.Equal(got.LastUsedAt), "LastUsedAt = %v, want %v", got.LastUsedAt, now)

	later := now.Add(time.Minute)
	require.NoError(t, s.TouchSession(ctx, fresh.ID, later))
	got, err = s.FindSession(ctx, fresh.ID)
	require.NoError(t, err)
	require.True(t, later.Equal(got.LastUsedAt))
	require.ErrorIs(t, s.TouchSession(ctx, "missing", later), store.ErrNotFound)

	n, err := s.DeleteExpiredSessions(ctx, now.Add(-24*time.Hour))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	_, err = s.FindSession(ctx, old.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, s.DeleteSession(ctx, fresh.ID))
	require.NoError(t, s.DeleteSession(ctx, fresh.ID), "deleting twice")
	_, err = s.FindSession(ctx, fresh.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestEncryptedKeys(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	keys, err := s.EncryptedKeys(ctx)
	require.NoError(t, err)
	require.Empty(t, keys)

	base := time.Now()
	addrs := []common.Address{
		common.HexToAddress("0x00000000000000000000000000000000000000ff"),
		common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
		common.HexToAddress("0x0000000000000000000000000000000000000000"),
	}
	for i, a := range addrs {
		k := &models.EncryptedKey{Address: a, JSON: []byte(fmt.Sprintf(`{"n":%d}`, i)), CreatedAt: base.Add(time.Duration(i) * time.Second)}
		require.NoError(t, s.InsertEncryptedKey(ctx, k))
	}
	require.ErrorIs(t, s.InsertEncryptedKey(ctx, &models.EncryptedKey{Address: addrs[1], JSON: []byte("{}")}), store.ErrDuplicate)
	require.Error(t, s.InsertEncryptedKey(ctx, &models.EncryptedKey{Address: common.Address{1}}))

	keys, err = s.EncryptedKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 3)
	for i, k := range keys {
		require.Equal(t, addrs[i], k.Address, "key %d", i)
		require.Equal(t, fmt.Sprintf(`{"n":%d}`, i), string(k.JSON))
	}

	k, err := s.EncryptedKeyByAddress(ctx, addrs[1])
	require.NoError(t, err)
	require.Equal(t, `{"n":1}`, string(k.JSON))
	_, err = s.EncryptedKeyByAddress(ctx, common.Address{9})
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestGormLoggerHidesArguments(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		var buf bytes.Buffer
		lggr := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx := context.Background()
		s, err := store.Open(ctx, store.Config{DatabaseURL: testdb.NewDatabaseURL(t, engine), RootDir: t.TempDir()}, lggr)
		require.NoError(t, err)
		defer s.Close()
		u := &models.User{Email: "op@example.com", HashedPassword: "$2a$10$verysecrethash"}
		require.NoError(t, s.CreateUser(ctx, u))
		require.ErrorIs(t, s.CreateUser(ctx, u), store.ErrDuplicate)
		_, err = s.FindUser(ctx, "op@example.com")
		require.NoError(t, err)
		out := buf.String()
		require.Contains(t, out, "INSERT INTO")
		require.Contains(t, out, "applied migration")
		require.NotContains(t, out, "verysecrethash")
		require.NotContains(t, out, "op@example.com")
	})
}

func TestSQLiteConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := testdb.OpenEngine(t, testdb.EngineSQLite)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				n := int64(w*each + i)
				h := &models.Head{Hash: common.BigToHash(big.NewInt(n + 1)), Number: n, Timestamp: time.Now()}
				if err := s.SaveHead(ctx, h); err != nil {
					errs <- err
				}
				// A read-then-write transaction: the pattern that deadlocks
				// deferred SQLite transactions across connections.
				err := s.Transact(ctx, func(tx *store.Store) error {
					if _, err := tx.LatestHead(ctx); err != nil {
						return err
					}
					return tx.CreateUser(ctx, &models.User{Email: fmt.Sprintf("u%d@example.com", n), HashedPassword: "h"})
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	count, err := s.CountUsers(ctx)
	require.NoError(t, err)
	require.EqualValues(t, writers*each, count)
	latest, err := s.LatestHead(ctx)
	require.NoError(t, err)
	require.EqualValues(t, writers*each-1, latest.Number)
}
