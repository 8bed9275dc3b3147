// Package simchain builds go-ethereum's in-process simulated chain the way
// Pythia's tests and --dev mode need it: mainnet-like gas pricing and,
// optionally, its JSON-RPC served over HTTP and WebSocket on 127.0.0.1.
package simchain
