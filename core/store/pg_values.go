package store

import "strings"

// pgValues builds the rows of a PostgreSQL VALUES list whose placeholders
// carry their types: in VALUES (unlike INSERT ... VALUES) an untyped
// placeholder is text, so a bigint or timestamptz column needs a cast.
type pgValues struct {
	row  string // "(?::bigint, ?::text)"
	sql  strings.Builder
	args []any
	n    int
}

// newPGValues starts a VALUES list of rows with the given column types.
func newPGValues(types ...string) *pgValues {
	cols := make([]string, len(types))
	for i, t := range types {
		cols[i] = "?::" + t
	}
	return &pgValues{row: "(" + strings.Join(cols, ", ") + ")"}
}

// add appends a row; args are its columns' values in order.
func (v *pgValues) add(args ...any) {
	if v.n > 0 {
		v.sql.WriteString(", ")
	}
	v.sql.WriteString(v.row)
	v.args = append(v.args, args...)
	v.n++
}

// String is the rows, to follow "VALUES ".
func (v *pgValues) String() string { return v.sql.String() }
