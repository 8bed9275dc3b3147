package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"
)

// ParseLevel reads a LOG_LEVEL value: debug, info, warn (or warning), error.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown log level %q", s)
}

// Format is how log records are written.
type Format int

const (
	// FormatAuto is text when the output is a terminal, JSON otherwise.
	FormatAuto Format = iota
	FormatText
	FormatJSON
)

// New returns a logger writing to w at level. With FormatAuto it writes
// text when w is a terminal and JSON lines otherwise (for log shippers).
func New(w io.Writer, level slog.Level, format Format) *slog.Logger {
	if format == FormatAuto {
		format = FormatJSON
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = FormatText
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == FormatText {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Discard returns a logger that drops everything, for tests that do not
// look at logs.
func Discard() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
