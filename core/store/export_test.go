package store

import (
	"context"
	"log/slog"
	"sort"
)

// OpenAtVersion is Open that stops migrating at version.
func OpenAtVersion(ctx context.Context, cfg Config, lggr *slog.Logger, version int) (*Store, error) {
	cfg.migrateTo = version
	return Open(ctx, cfg, lggr)
}

// Exec runs a raw statement, for tests that tamper with the schema.
func (s *Store) Exec(ctx context.Context, q string, args ...any) error {
	return s.conn(ctx).Exec(q, args...).Error
}

// Tables lists the user tables, sorted.
func (s *Store) Tables(ctx context.Context) ([]string, error) {
	var names []string
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.dialect == DialectPostgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	if err := s.conn(ctx).Raw(q).Scan(&names).Error; err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

var ParseTarget = parseTarget

type Target = target

func (t target) Dialect() string { return t.dialect }
func (t target) DSN() string     { return t.dsn }
func (t target) Path() string    { return t.path }

// QueryString runs a query returning one text value.
func (s *Store) QueryString(ctx context.Context, q string) (string, error) {
	var v string
	err := s.conn(ctx).Raw(q).Scan(&v).Error
	return v, err
}

// SessionSetting returns setting name in a session of the array
// statements' pool and of the main pool (PostgreSQL).
func (s *Store) SessionSetting(ctx context.Context, name string) (arrays, main string, err error) {
	if err := s.arrays.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&arrays); err != nil {
		return "", "", err
	}
	err = s.sqlDB.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&main)
	return arrays, main, err
}
