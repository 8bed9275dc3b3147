// Package devchain runs the in-process development chain behind
// `node start --dev` when no ETH_URL is given: a go-ethereum simulated
// chain served over WebSocket on 127.0.0.1, mining a block every
// BlockTime, with the LINK token, an Oracle that authorizes the node's
// keys and an example consumer funded with LINK already deployed, and the
// node's keys funded with ETH and LINK.
//
// Each Start makes a new chain (the simulated backend cannot reopen a
// chain from disk). The deployer key is fixed, so the contracts land at
// the same addresses every time; ROOT/devchain.json records them. A node
// restarted against a fresh dev chain sees it as a reorg to a new chain
// (the HeadTracker follows it).
//
// core/cmd starts it before the chain client and closes it after every
// service that uses the chain. One goroutine mines; Close stops it and
// then the chain.
package devchain
