package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver for the admin connection

	"github.com/pythia-oracle/pythia/core/secretbox"
	"github.com/pythia-oracle/pythia/core/store"
)

// Engines and the environment variables that choose them.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"

	// EnvEngine names the engine Open uses: "sqlite" (default) or "postgres".
	EnvEngine = "PYTHIA_TEST_ENGINE"
	// EnvPostgresURL is a PostgreSQL server URL whose user may create
	// databases, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
	EnvPostgresURL = "PYTHIA_TEST_POSTGRES_URL"
)

// Engine returns the engine named by PYTHIA_TEST_ENGINE, sqlite when unset.
func Engine(t testing.TB) string {
	t.Helper()
	switch e := strings.ToLower(strings.TrimSpace(os.Getenv(EnvEngine))); e {
	case "", EngineSQLite:
		return EngineSQLite
	case EnginePostgres:
		return EnginePostgres
	default:
		t.Fatalf("%s=%q: want %q or %q", EnvEngine, e, EngineSQLite, EnginePostgres)
		return ""
	}
}

// Open returns a fresh, migrated store of its own on the engine named by
// PYTHIA_TEST_ENGINE, closed (and its database dropped) when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenEngine(t, Engine(t))
}

// OpenEngine is Open on the given engine.
func OpenEngine(t testing.TB, engine string) *store.Store {
	t.Helper()
	s, err := OpenURL(t, NewDatabaseURL(t, engine))
	if err != nil {
		t.Fatalf("opening %s test store: %v", engine, err)
	}
	return s
}

// OpenURL opens (and migrates) a store at url with a fresh root directory
// and closes it when the test ends. It returns Open's error, for tests of
// the failures.
func OpenURL(t testing.TB, url string) (*store.Store, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	box, err := SecretBox()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, store.Config{DatabaseURL: url, RootDir: t.TempDir(), MaxOpenConns: 4, Secrets: box}, nil)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing test store: %v", err)
		}
	})
	return s, nil
}

// NewDatabaseURL returns the URL of a new, empty database on engine that is
// removed when the test ends: a file in t.TempDir() for SQLite, a database
// pythia_test_<random> created on the PYTHIA_TEST_POSTGRES_URL server for
// PostgreSQL. A postgres engine without that variable fails the test.
func NewDatabaseURL(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case EngineSQLite:
		return "sqlite://" + filepath.Join(t.TempDir(), "test.sqlite3")
	case EnginePostgres:
		base := os.Getenv(EnvPostgresURL)
		if base == "" {
			t.Fatalf("engine %s needs %s (a server URL whose user may create databases)", EnginePostgres, EnvPostgresURL)
		}
		return createPostgresDatabase(t, base)
	default:
		t.Fatalf("unknown test database engine %q: want %q or %q", engine, EngineSQLite, EnginePostgres)
		return ""
	}
}

// PostgresURL returns PYTHIA_TEST_POSTGRES_URL for tests that need
// PostgreSQL itself. It skips the test when the variable is unset, but
// fails it when CI=true, so CI never silently skips PostgreSQL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgresURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset but CI=true: PostgreSQL tests must run in CI", EnvPostgresURL)
		}
		t.Skipf("%s is unset: skipping the PostgreSQL part", EnvPostgresURL)
	}
	return u
}

// ForEachEngine runs fn as subtests "sqlite" and "postgres", for tests that
// must cover both engines in one pass whatever PYTHIA_TEST_ENGINE says.
// The postgres subtest is skipped when PYTHIA_TEST_POSTGRES_URL is unset,
// and fails under CI=true.
func ForEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	t.Run(EngineSQLite, func(t *testing.T) { fn(t, EngineSQLite) })
	t.Run(EnginePostgres, func(t *testing.T) {
		PostgresURL(t)
		fn(t, EnginePostgres)
	})
}

// createPostgresDatabase creates a database of its own for the test on the
// server at base and drops it when the test ends.
func createPostgresDatabase(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %s", EnvPostgresURL, store.RedactURL(base))
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "pythia_test_" + hex.EncodeToString(b[:])

	if err := adminExec(base, fmt.Sprintf(`CREATE DATABASE %q`, name)); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(base, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name)); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	du := *u
	du.Path = "/" + name
	return du.String()
}

// adminExec runs one statement on the server at base over a connection of
// its own, so no admin connection stays open during the test.
func adminExec(base, stmt string) error {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", store.RedactURL(base), err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("on %s: %w", store.RedactURL(base), err)
	}
	return nil
}

var testBox = sync.OnceValues(func() (*secretbox.Box, error) { return secretbox.New("pythia test keystore password") })

// SecretBox is the box test stores seal secrets with, made once per test
// binary (its key derivation is deliberately slow).
func SecretBox() (*secretbox.Box, error) { return testBox() }
