// Package store persists the node's state in SQLite or PostgreSQL through
// gorm, the only package that imports gorm.
//
// Open picks the engine from Config.DatabaseURL (a SQLite file in the root
// directory by default, PostgreSQL for postgres:// URLs), checks the
// connection and runs the versioned migrations: the ordered Migration
// values in migrations.go, each applied in its own transaction with its
// schema_migrations record. The schema never follows today's model structs:
// each migration spells out its SQL. A database migrated by a newer binary
// is refused with ErrSchemaTooNew. To change the schema, append a Migration
// with the next version.
//
// Queries are per-domain methods (users, sessions, keys, heads, job specs)
// that take ctx first and return errors wrapping ErrNotFound, ErrDuplicate
// or ErrMissingReference, so callers never see gorm. Transact runs a
// function in one transaction; the Store it hands over runs every call,
// nested Transact calls included, in that transaction.
//
// Times are written in UTC. On SQLite they are stored as text, so UTC keeps
// their order and comparisons right.
//
// Concurrency: a Store is safe for concurrent use. SQLite runs in WAL mode
// with foreign keys on, a busy timeout and immediate transactions, through
// a single connection (SetMaxOpenConns(1)): SQLite allows one writer at a
// time anyway, and queueing every statement for that connection in Go (a
// wait that honours ctx) means writers of this process never meet
// SQLITE_BUSY and a read-then-write transaction can never deadlock on lock
// upgrade. The price is that reads wait behind a running transaction,
// which suits the single-operator engine; PostgreSQL, with a pool of
// Config.MaxOpenConns (and one of 4 for the array statements), is the
// engine for load and for several nodes sharing one database (migrations
// then take an advisory lock).
//
// The gorm logger writes to the injected slog.Logger: statements at debug
// and slow ones at warn, always with placeholders and never their
// arguments. Errors from Open never contain the database password;
// RedactURL hides it for printing.
package store
