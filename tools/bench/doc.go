// Command bench measures Pythia against the physical limit and proves
// that faults lose and duplicate nothing: `go run ./tools/bench`.
//
// For each mining mode (anvil automine, or a block every second) it starts
// a fresh anvil with the project's contracts (deployed by `pythia dev
// deploy`), a local price server, and either the built node (`pythia node
// start`, SQLite or a throw-away PostgreSQL cluster) with a runlog job
// created over the REST API, or the baseline (tools/bench/baseline: the
// least an oracle can do). The answerer talks to anvil through a counting
// WebSocket proxy (rpcProxy), which counts RPC calls by method, times
// every fulfilment broadcast and can cut the connection. The harness fires
// requests from several funded keys with pre-signed, explicitly numbered
// transactions, sequentially and in bursts, and reports fulfilments,
// latency from the request's log to the fulfilment's broadcast and to its
// mining (ms and blocks), requests/s, the answerer's CPU time and RSS
// (/proc), database growth per request, and RPC calls per request; Pythia's
// figures also as ratios to the baseline of the same run. The node answers
// at once (MIN_INCOMING_CONFIRMATIONS=0), as the baseline does;
// -incoming-confirmations N has it wait N confirmations per request, the
// way operators run it, in the workloads and the fault scenarios, to
// measure and check that path (the baseline still does not wait).
//
// Fault scenarios (-faults) each run on a fresh stack and count requests
// lost and fulfilments duplicated on the canonical chain (the blocks the
// head descends from by parent hash): SIGKILL of the node and restart, the
// WebSocket cut and restored, PostgreSQL restarted, an anvil_reorg of
// blocks holding requests and fulfilments (the node's messages held in the
// proxy while anvil reorganises, since anvil_reorg is not atomic against
// mining; the harness re-sends its own requests the reorg dropped), and a
// bridge that times out, then recovers.
//
// Results go to tools/bench/RESULTS.md as markdown. -smoke is the short
// check `make test` runs (SQLite, a burst of 20, the SIGKILL fault); the
// run exits 1 on any lost or duplicated answer or error, never on a
// missed speed target. Every process binds 127.0.0.1 and is stopped by
// the harness (and dies with it: Pdeathsig).
package main
