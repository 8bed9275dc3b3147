package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned (wrapped) when an insert collides with an
// existing row's primary key or unique column.
var ErrDuplicate = errors.New("already exists")

// ErrMissingReference is returned (wrapped) when a row refers to a row that
// does not exist (a foreign key violation), such as a session for an
// unknown user.
var ErrMissingReference = errors.New("referenced row does not exist")

// ErrSchemaTooNew is returned (wrapped) by Open when the database was
// migrated by a newer binary than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// translate maps gorm's errors to the store's sentinels so callers never
// need to import gorm.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrDuplicate
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return ErrMissingReference
	}
	// Statements read through Row, Rows or the connection itself skip
	// gorm's own translation.
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return ErrDuplicate
		case "23503": // foreign_key_violation
			return ErrMissingReference
		}
	}
	return err
}
