// Command baseline is the benchmark's yardstick: the least an oracle can
// do. It subscribes to an Oracle's OracleRequest logs and at once sends
// each fulfilment from its own authorized key, with nonces it counts
// itself, no database, no API and no price fetch (it answers a constant).
//
// tools/bench starts it as a child process behind the same counting
// WebSocket proxy as the node and reports Pythia's figures as ratios to
// it. It runs until SIGINT or SIGTERM.
package main
