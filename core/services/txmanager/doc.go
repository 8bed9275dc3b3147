// Package txmanager sends the node's transactions so that none is lost,
// duplicated or stranded.
//
// One TxManager per node owns every key's nonce. CreateTx saves a
// transaction with its nonce and a signed first attempt in the caller's
// database transaction (so a task run's status and its transaction commit
// together); only after that commit is the attempt broadcast: by SendNew
// (SendNewBatch for a group commit's transactions), on the caller's
// goroutine, so no worker wake-up or database read is on the answer's
// path. First broadcasts leave one batch at a time, in the order they were
// handed over and each batch in nonce order, as one JSON-RPC batch when
// the client can batch; callers that come while a batch is in flight are
// sent together next, so a burst reaches the chain's pool without nonce
// gaps. An accepted
// send is kept in memory and written by the worker's next pass, with all
// others of that pass in one UPDATE; a crash before that only re-sends the
// same signed transaction after the restart ("already known", or "nonce
// too low" and its receipt). Any other answer to SendNew (underpriced,
// nonce too low, insufficient funds, a fault) is left to the worker, which
// sends the attempt again and handles it. A unique key on the task run
// makes a second CreateTx for the same task run return the first
// transaction; CreateTxs creates a group commit's transactions with one
// nonce claim and one insert per key. Nonces come from the tx_nonces
// table, whose row per key is claimed (locked and advanced in one
// statement) as the last step before the caller's commit, so a
// rolled-back caller leaves no gap and creators of one key queue only for
// the insert and the commit; at start each key's next nonce is raised to
// the chain's pending nonce. CreateTx asks the chain nothing in the common
// case: the chain ID is read once, and first-attempt fees (the latest base
// fee and the tip suggestion) are cached and refreshed in the background
// when a head arrives (a head-old price is fine: fee caps cover several
// blocks of base fee growth, and bumping fixes the rest); only the first
// CreateTx may wait for them. It fails at once while the chain client
// reports it is disconnected, so the caller's run waits for the
// connection.
//
// The manager is a head-tracker subscriber: on each new head its single
// worker goroutine looks up receipts (once per head, in one JSON-RPC
// batch when the client is a BatchClient, and only for transactions sent
// before that head), counts confirmations, notices a
// receipt whose block was reorged out (the receipt is gone or moved) and
// re-broadcasts that transaction, bumps the gas price of attempts not mined
// within BumpThreshold blocks and BumpMinAge (blocks alone mislead where
// they come fast), and resumes keys that were paused for
// insufficient funds once they are funded. The worker keeps the
// unfinished transactions in memory between passes: a pass reads their
// IDs from the state index and loads only the new ones (all of them again
// after a failed pass or a reorg). Every attempt is saved before it
// is broadcast. On Start (and on reconnect) the latest attempt of every
// unconfirmed transaction is broadcast again, but those SendNew sent
// since the previous pass; "already known" and "nonce
// too low" for a transaction that was mined are expected answers. A "nonce
// too low" for a transaction that was not mined means another sender used
// the nonce: the transaction gets the key's next nonce.
//
// Reorgs deeper than MinConfirmations: no transaction is lost while its
// signed attempt can still be mined. On each pass, for every key with
// unfinished or recently final transactions, the chain's nonce
// (NonceAt latest, one call per key) is compared with the transactions
// held as mined, confirmed or reverted: any at or above it (an indexed
// query, made only while the chain's nonce is not above the highest such
// transaction's) was in a block the chain no longer has — anvil's reorg drops such transactions without a trace. A receipt
// the node still serves for one of them is believed only if the nonce,
// read again, has passed it (it was mined since the first read); a node
// under load was seen serving receipts from the blocks a reorg took out.
// Each goes back to unconfirmed and its saved attempt is broadcast again with its
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
// Concurrency: CreateTx, CreateTxs, SendNew, SendNewBatch, Trigger,
// Balances, FindTxByTaskRun and the head-tracker methods are safe to call
// from any goroutine; a first broadcast runs on a caller's goroutine, all
// other chain-side work (re-broadcasts, receipts, bumps) on the worker
// goroutine, and the fee refresher on its own; Start starts both, Close
// stops them.
package txmanager
