// Package anviltest runs the pinned anvil (tools/anvil, installed by
// `npm ci --prefix tools/anvil`) for tests that need a real external
// Ethereum node over WebSocket.
//
// Start launches one anvil per call on a free 127.0.0.1 port and stops it
// by its PID in t.Cleanup. When the binary is missing the test is skipped,
// or fails when CI=true so CI never silently skips the anvil tests.
package anviltest
