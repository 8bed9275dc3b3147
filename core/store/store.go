package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Store is the node's database. Its methods are safe for concurrent use.
// A Store handed to a Transact callback runs every call in that
// transaction.
type Store struct {
	db    *gorm.DB
	sqlDB *sql.DB
	// arrays is PostgreSQL's pool for the array statements outside a
	// transaction (queryArrays); nil on SQLite. See openArraysPool.
	arrays  *sql.DB
	dialect string
	lggr    *slog.Logger
	secrets SecretBox
	inTx    bool
}

// Open connects to the database named by cfg, checks the connection and
// migrates the schema to LatestVersion. It fails with ErrSchemaTooNew when
// the database was migrated by a newer binary. Errors never contain the
// URL's password.
func Open(ctx context.Context, cfg Config, lggr *slog.Logger) (*Store, error) {
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	lggr = lggr.With("service", "store")
	t, err := parseTarget(cfg)
	if err != nil {
		return nil, err
	}
	var dialector gorm.Dialector
	switch t.dialect {
	case DialectSQLite:
		if cfg.RootDir != "" {
			if err := os.MkdirAll(cfg.RootDir, 0o700); err != nil {
				return nil, fmt.Errorf("creating root directory: %w", err)
			}
		}
		if dir := filepath.Dir(t.path); dir != "" && t.path != ":memory:" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("creating database directory: %w", err)
			}
		}
		dialector = sqlite.Open(t.dsn)
	case DialectPostgres:
		dialector = postgres.Open(t.dsn)
	}
	slow := cfg.SlowQueryThreshold
	if slow <= 0 {
		slow = time.Second
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger:                 &gormLogger{lggr: lggr, slow: slow},
	})
	if err != nil {
		return nil, fmt.Errorf("opening %s database: %w", t.dialect, scrub(err, t.secret))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("opening %s database: %w", t.dialect, scrub(err, t.secret))
	}
	switch t.dialect {
	case DialectSQLite:
		// One connection: SQLite has one writer at a time, so writers queue
		// in database/sql's pool (ctx-aware) instead of racing for the file
		// lock, and SQLITE_BUSY cannot happen inside this process.
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetMaxIdleConns(1)
		sqlDB.SetConnMaxLifetime(0)
		sqlDB.SetConnMaxIdleTime(0)
	case DialectPostgres:
		maxOpen := cfg.MaxOpenConns
		if maxOpen <= 0 {
			maxOpen = 10
		}
		maxIdle := cfg.MaxIdleConns
		if maxIdle <= 0 || maxIdle > maxOpen {
			maxIdle = maxOpen
		}
		sqlDB.SetMaxOpenConns(maxOpen)
		sqlDB.SetMaxIdleConns(maxIdle)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	s := &Store{db: db, sqlDB: sqlDB, dialect: t.dialect, lggr: lggr, secrets: cfg.Secrets}
	if t.dialect == DialectPostgres {
		if s.arrays, err = openArraysPool(t.dsn); err != nil {
			_ = sqlDB.Close()
			return nil, fmt.Errorf("opening %s database: %w", t.dialect, scrub(err, t.secret))
		}
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.closePools()
		return nil, fmt.Errorf("connecting to %s database: %w", t.dialect, scrub(err, t.secret))
	}
	if t.dialect == DialectSQLite && t.path != ":memory:" {
		// The database holds encrypted keys and hashed credentials: only the
		// node's user reads it, whatever the umask. Ping has created the file
		// and its WAL companions.
		for _, f := range []string{t.path, t.path + "-wal", t.path + "-shm"} {
			if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
				_ = s.closePools()
				return nil, fmt.Errorf("restricting database file permissions: %w", err)
			}
		}
	}
	if err := s.migrate(ctx, cfg.migrateTo); err != nil {
		_ = s.closePools()
		return nil, scrub(err, t.secret)
	}
	return s, nil
}

// Close closes the connection pool. Calling it on the Store handed to a
// Transact callback is an error.
func (s *Store) Close() error {
	if s.inTx {
		return errors.New("closing store: called inside a transaction")
	}
	if err := s.closePools(); err != nil {
		return fmt.Errorf("closing store: %w", err)
	}
	return nil
}

func (s *Store) closePools() error {
	err := s.sqlDB.Close()
	if s.arrays != nil {
		err = errors.Join(err, s.arrays.Close())
	}
	return err
}

// Ping checks that the database answers; /health uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	var one int
	if err := s.db.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	return nil
}

// Dialect returns DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// Transact runs fn in one database transaction: it commits when fn returns
// nil and rolls back when fn returns an error (returned unchanged) or
// panics. fn must use only the tx it is given; calling Transact on tx runs
// in the same transaction. With SQLite the outer Store waits until the
// transaction ends, so using it inside fn would block until ctx expires.
func (s *Store) Transact(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return fn(s)
	}
	return s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		return fn(&Store{db: gtx, sqlDB: s.sqlDB, dialect: s.dialect, lggr: s.lggr, secrets: s.secrets, inTx: true})
	})
}

// conn returns the gorm handle bound to ctx.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx)
}
