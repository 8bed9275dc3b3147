// Package headtracker follows the chain's new heads, saves each one, and
// tells the services that depend on block height about it, one head at a
// time, in order, with no height skipped.
//
// The Application builds one HeadTracker, registers its subscribers
// (HeadTrackable: the JobRunner, the TxManager, ...) with Subscribe, then
// Starts it after the chain client; Close stops it.
//
// Invariants:
//   - A head is saved (number, hash, parent hash, timestamp) before any
//     subscriber hears of it, and the history kept in the database is
//     bounded by Config.HistoryDepth.
//   - Subscribers see every height: when heads were missed (a dropped
//     connection, a restart, a slow subscriber) the tracker walks back
//     from the new head through parent hashes to the last saved head,
//     fetching each missing header, at most HistoryDepth of them, and
//     delivers them oldest first.
//   - A new head whose parent is not the saved head at that height is a
//     reorg: its depth (how many saved heads the new chain replaced) is
//     logged and given to subscribers that implement ReorgTrackable before
//     the new chain's heads. A chain that shares no head with the saved
//     history (a dev chain started afresh) is a reorg with no ancestor;
//     the tracker follows it and drops the saved heads above it.
//
// Concurrency: one goroutine reads the node's subscription and only ever
// appends to a bounded queue, so a slow subscriber never blocks it. When
// the queue is full the oldest waiting head is dropped (it is fetched
// again by the parent walk when a newer head is handled); connection
// events are never dropped. A second goroutine takes items off the queue
// and calls the subscribers, one at a time.
package headtracker
