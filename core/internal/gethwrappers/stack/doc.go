// Package stack deploys Pythia's contract stack (LINK token, Oracle,
// ExampleConsumer) on a chain and drives it: price requests, fulfilments
// and the reads that tests, --dev mode and the benchmark need.
//
// Every function takes a Backend, which both go-ethereum's simulated.Client
// and *ethclient.Client satisfy, and waits for its transactions to be mined.
// On a chain that mines only when told (the simulated backend), pass
// WithCommit(sim.Commit) and the package commits after sending; on an
// automining chain (anvil) it polls for receipts. Functions hold no state
// and are safe to call from several goroutines as long as each uses its own
// sender account.
package stack
