// Package e2e drives the real pythia binary: TestMain builds it once, each
// test starts it as a child process on free loopback ports with its own
// ROOT, and talks to it over HTTP, the CLI and the chain.
package e2e
