// Package chain is Pythia's one connection to an Ethereum node: a
// go-ethereum ethclient over WebSocket that checks the chain ID, reconnects
// by itself after a drop, and tells services when it connects and
// disconnects.
//
// The Application builds one Client, calls Dial (a wrong chain ID or an
// unreachable node at boot is fatal), then Start; Close stops it. While the
// connection is down every RPC method returns ErrNotConnected at once, so
// callers can pause work (pending_connection) instead of hanging.
//
// Concurrency: every method is safe for concurrent use. One goroutine,
// started by Start, watches the connection (through a newHeads
// subscription whose error channel fires when the socket dies) and
// redials with exponential backoff and jitter. Every RPC method applies
// Config.CallTimeout on top of the caller's context.
//
// Client satisfies bind.ContractBackend and bind.DeployBackend, so contract
// bindings and deploy helpers work through it.
package chain
