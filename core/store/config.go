package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Dialect names returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// SQLiteFileName is the database file created in Config.RootDir when no
// DatabaseURL is given.
const SQLiteFileName = "db.sqlite3"

// Config says which database to open and how to size its pool.
type Config struct {
	// DatabaseURL selects the engine. Empty, "sqlite://" or a file path
	// (optionally "sqlite://PATH" or "file:PATH") opens SQLite; empty and
	// bare "sqlite://" use RootDir/db.sqlite3. "postgres://..." and
	// "postgresql://..." open PostgreSQL.
	DatabaseURL string
	// RootDir is the node's directory (created with mode 0700). Required for
	// the default SQLite file.
	RootDir string
	// MaxOpenConns caps the general pool of PostgreSQL connections
	// (default 10); the pool of the statements on a request's way to its
	// answer adds at most 4 more (see openArraysPool), so a node opens at
	// most MaxOpenConns+4. SQLite always uses one connection: see doc.go.
	MaxOpenConns int
	// MaxIdleConns caps idle PostgreSQL connections (default MaxOpenConns).
	MaxIdleConns int
	// BusyTimeout is SQLite's busy_timeout, how long a statement waits for
	// another process's lock (default 5s).
	BusyTimeout time.Duration
	// SlowQueryThreshold logs statements slower than this at warn level
	// (default 1s).
	SlowQueryThreshold time.Duration
	// Secrets seals the secrets the node sends out (bridges' and external
	// initiators' outgoing tokens) before they are written, and opens them
	// when read. Without it the store refuses to save or read them.
	Secrets SecretBox

	// migrateTo stops migrations at this version when > 0 (tests only).
	migrateTo int
}

// target is a parsed DatabaseURL.
type target struct {
	dialect string
	dsn     string // what the driver opens
	path    string // SQLite file, "" for PostgreSQL
	secret  string // the password in the URL, scrubbed from errors
}

var keyValueDSN = regexp.MustCompile(`^\s*[A-Za-z_]+\s*=`)

func parseTarget(cfg Config) (target, error) {
	raw := strings.TrimSpace(cfg.DatabaseURL)
	var path, query string
	switch {
	case raw == "":
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return target{}, fmt.Errorf("parsing database URL %s: invalid URL", RedactURL(raw))
		}
		t := target{dialect: DialectPostgres, dsn: raw}
		if pw, ok := u.User.Password(); ok {
			t.secret = pw
		}
		if pw := u.Query().Get("password"); pw != "" {
			t.secret = pw
		}
		return t, nil
	case strings.HasPrefix(raw, "sqlite://"):
		path = strings.TrimPrefix(raw, "sqlite://")
	case strings.HasPrefix(raw, "file:"):
		path = strings.TrimPrefix(raw, "file:")
	case strings.Contains(raw, "://"):
		scheme, _, _ := strings.Cut(raw, "://")
		return target{}, fmt.Errorf("unsupported database URL scheme %q: use postgres://, postgresql://, sqlite:// or a file path", scheme)
	case keyValueDSN.MatchString(raw):
		return target{}, errors.New("unsupported database URL: key=value DSNs are not accepted, use a postgres:// URL")
	default:
		path = raw
	}
	path, query, _ = strings.Cut(path, "?")
	if path == "" {
		if cfg.RootDir == "" {
			return target{}, errors.New("opening sqlite: neither a database file nor a root directory is configured")
		}
		path = filepath.Join(cfg.RootDir, SQLiteFileName)
	}
	busy := cfg.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	// Pragmas run on every new connection, in order; the caller's own query
	// parameters come last so they can override ours.
	params := []string{
		"_pragma=foreign_keys(1)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		fmt.Sprintf("_pragma=busy_timeout(%d)", busy.Milliseconds()),
		"_txlock=immediate",
	}
	if query != "" {
		params = append(params, query)
	}
	return target{dialect: DialectSQLite, dsn: path + "?" + strings.Join(params, "&"), path: path}, nil
}

var (
	userInfoPassword = regexp.MustCompile(`(://[^:/@\s]*):[^@\s]*@`)
	passwordParam    = regexp.MustCompile(`(?i)((?:^|[\s?&])(?:ssl)?password\s*=\s*)('[^']*'|[^\s&]*)`)
)

// RedactURL returns the database URL with any password replaced by
// "xxxxx", for printing configuration and errors.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Opaque == "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		changed := false
		for k := range q {
			if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	s := userInfoPassword.ReplaceAllString(raw, "${1}:xxxxx@")
	return passwordParam.ReplaceAllString(s, "${1}xxxxx")
}

// redactedError hides a secret in an error's message. It unwraps only to
// the context errors, so the original message cannot be reached.
type redactedError struct {
	msg string
	err error // context.Canceled, context.DeadlineExceeded or nil
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	r := &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "xxxxx")}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			r.err = ctxErr
		}
	}
	return r
}
