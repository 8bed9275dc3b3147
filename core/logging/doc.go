// Package logging builds the node's log/slog logger: human-readable text
// on a terminal, JSON lines otherwise, at the configured level. The logger
// is handed to every service through its constructor; there is no global.
package logging
