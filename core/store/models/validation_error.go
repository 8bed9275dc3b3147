package models

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one problem with one field of an input document. Path
// names the field the way a reader of the JSON would: `tasks[2].params.times`.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error returns "path: message", or the message alone when the problem is
// with the whole document.
func (f FieldError) Error() string {
	if f.Path == "" {
		return f.Message
	}
	return f.Path + ": " + f.Message
}

// ValidationError holds every problem found in an input document, so one
// answer tells the operator everything to fix. The zero value is empty and
// ready to use.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

// Error joins the problems with "; ".
func (e *ValidationError) Error() string {
	if e == nil || len(e.Errors) == 0 {
		return "invalid input"
	}
	msgs := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		msgs[i] = f.Error()
	}
	return strings.Join(msgs, "; ")
}

// Add records a problem at path.
func (e *ValidationError) Add(path, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Merge records err under prefix: the paths of a *ValidationError are
// joined to prefix, any other error becomes one problem at prefix. A nil
// err adds nothing.
func (e *ValidationError) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Errors {
			e.Errors = append(e.Errors, FieldError{Path: JoinPath(prefix, f.Path), Message: f.Message})
		}
		return
	}
	e.Errors = append(e.Errors, FieldError{Path: prefix, Message: err.Error()})
}

// Empty reports whether no problem was recorded.
func (e *ValidationError) Empty() bool { return e == nil || len(e.Errors) == 0 }

// Err returns e when it holds a problem and nil otherwise, so callers can
// `return ve.Err()` without returning a typed nil.
func (e *ValidationError) Err() error {
	if e.Empty() {
		return nil
	}
	return e
}

// JoinPath joins two field paths with a dot, leaving out empty parts and
// the dot before an index (`tasks` + `[2]` = `tasks[2]`).
func JoinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	default:
		return prefix + "." + path
	}
}
