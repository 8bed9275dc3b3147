// Package cmd is the pythia command line: `node start` (reads the
// configuration, opens the store, unlocks the keys and runs the
// Application until a signal) and the other subcommands.
//
// It is the only package that reads flags and environment variables; it
// turns them into each service's own config struct.
package cmd
