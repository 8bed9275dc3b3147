// Package subscriber turns contract logs into job runs: it keeps one log
// subscription per contract address that runlog and ethlog jobs watch, and
// hands every matching log to the run executor exactly once.
//
// What it owns: a watcher per address (the Oracle of runlog jobs, the
// params.address of ethlog jobs), shared by every job that watches the
// address. AddJob and RemoveJob add and drop jobs, and with them addresses,
// while the node runs; Start loads the active runlog and ethlog jobs from
// the store, and the watchers start once every one is loaded, so no log
// is handled before all the jobs that watch its address are. The
// Application starts it after the chain client and stops it before; Close
// waits for every watcher.
//
// Each watcher, every time the chain client connects (at start and after
// every reconnect), subscribes to live logs first, then backfills with
// FilterLogs from the address's cursor (the last fully processed block,
// persisted through CursorStore) up to the head, bounded by BackfillDepth
// below the head, then follows the live logs. Logs that arrive live
// during the backfill wait in the subscription's buffer; a window of the
// (block hash, tx hash, log index) keys already handled drops the ones the
// backfill delivered, and the executor's unique key on the same triple is
// the final guard. The cursor advances only past logs whose runs were
// saved (or that the executor reported as duplicates); a log the executor
// failed on pins it, and the watcher resynchronises from there after a
// backoff. A log removed by a reorg (Removed=true) cancels its runs through
// the executor and lowers the cursor below its block. A log the executor
// cannot decide yet (ErrLogWaits: a request a reorg moved, whose earlier
// run has not finished answering) waits aside: the logs after it go on,
// it is handed over again every RetryBackoff, and the cursor stays below
// its block until the executor decides.
//
// An executor that is a BatchRunExecutor (the RunManager) gets logs in
// batches, so a burst of requests costs one database transaction rather
// than one per log: a live log together with every log already waiting
// behind it (up to MaxBatch), and a backfill's logs MaxBatch at a time. A
// batch keeps every rule above: its logs are handled in chain order, a
// removed log splits it (the runs before are started, then its runs are
// cancelled, then the runs after are started), only its failed runs are
// retried, each unhandled log pins the cursor, and the cursor moves once
// per batch. Other executors get one log at a time.
//
// A runlog job matches OracleRequest logs whose specId names it (its ID as
// 32 ASCII hex characters, or its 16 raw ID bytes followed by zeros) and,
// when it has a requesters allow-list, whose requester is on it; the
// request's CBOR parameters become the run's input. An ethlog job matches
// every log of its address whose topics match its topics filter; the log
// itself, in the JSON form of eth_getLogs, becomes the run's input. A
// malformed request is logged and skipped; it never stops a watcher.
//
// Concurrency: one goroutine per watched address handles that address's
// logs in chain order; AddJob, RemoveJob and Addresses are safe for
// concurrent use.
package subscriber
