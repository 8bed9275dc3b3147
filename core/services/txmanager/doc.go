// Package txmanager sends the node's transactions so that none is lost,
// duplicated or stranded.
//
// One TxManager per node owns every key's nonce. CreateTx saves a
// transaction with its nonce and a signed first attempt in the caller's
// database transaction (so a task run's status and its transaction commit
// together); only after that commit is the attempt broadcast, by the
// manager's own goroutine. A unique key on the task run makes a second
// CreateTx for the same task run return the first transaction. Nonces come
// from the tx_nonces table, whose row per key is locked while a nonce is
// given out, so a rolled-back caller leaves no gap; at start each key's
// next nonce is raised to the chain's pending nonce. Everything CreateTx
// asks the chain (gas estimate, chain ID, the latest base fee and the tip
// suggestion, read once per head and shared) is asked before that lock,
// so the lock is held for database work only.
//
// The manager is a head-tracker subscriber: on each new head its single
// worker goroutine looks up receipts (once per head, in one JSON-RPC
// batch when the client is a BatchClient, and only for transactions sent
// before that head), counts confirmations, notices a
// receipt whose block was reorged out (the receipt is gone or moved) and
// re-broadcasts that transaction, bumps the gas price of attempts not mined
// within BumpThreshold blocks, and resumes keys that were paused for
// insufficient funds once they are funded. Every attempt is saved before it
// is broadcast. On Start (and on reconnect) the latest attempt of every
// unconfirmed transaction is broadcast again; "already known" and "nonce
// too low" for a transaction that was mined are expected answers. A "nonce
// too low" for a transaction that was not mined means another sender used
// the nonce: the transaction gets the key's next nonce.
//
// Reorgs deeper than MinConfirmations: no transaction is lost while its
// signed attempt can still be mined. On each pass, for every key with
// unfinished or recently final transactions, the chain's nonce
// (NonceAt latest, one call per key) is compared with the transactions
// held as mined, confirmed or reverted: any at or above it (an indexed
// query that normally finds nothing) was in a block the chain no longer
// has — anvil's reorg drops such transactions without a trace. Each goes
// back to unconfirmed and its saved attempt is broadcast again with its
// nonce, then the key's later nonces follow; the transaction row, and so
// the task run's unique transaction, is kept, so no second transaction is
// ever created. The inferred depth is logged. When the head tracker
// reports a reorg (OnReorg), or a head is not the child of the previous
// one, the blocks of the final transactions mined within FinalityDepth
// blocks are checked against the canonical chain: one found in another
// block keeps its final state with the new block; one found in none goes
// back to unconfirmed. A final transaction that goes back to unconfirmed
// is announced again by OnTxFinal when it is final again, so those
// callbacks must be idempotent.
//
// Nonce gaps: when a key's next nonce on the chain is held by an
// unconfirmed transaction that has waited StallResendBlocks since it was
// last sent (the node dropped it or never accepted it), its latest
// attempt is broadcast again, without moving its bump schedule. When no
// transaction of this node holds that nonce, the gap is logged as an
// error once.
//
// A transaction is final at MinConfirmations blocks: confirmed (status 1)
// or reverted (status 0, with the revert reason found by replaying the call
// at the parent block). Callbacks registered with OnTxFinal are called once
// per transaction after its final state is saved; FindTxByTaskRun answers a
// run that resumes after a restart.
//
// Concurrency: CreateTx, Trigger, Balances, FindTxByTaskRun and the
// head-tracker methods are safe to call from any goroutine; all chain-side
// work (broadcast, receipts, bumps) runs on one goroutine, started by Start
// and stopped by Close.
package txmanager
