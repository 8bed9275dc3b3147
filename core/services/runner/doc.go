// Package runner executes job runs: the JobRunner queues runs and performs
// their tasks in order on a bounded pool of workers.
//
// A worker takes a run ID from the queue, locks the run (one worker per run
// at a time; the run lifecycle in core/services takes the same lock to
// resume or cancel it), loads it, and performs its next unfinished task with
// the task's adapter: the input is the previous task's output data (the
// run's input for the first task, the data it paused with for a task
// resumed from a pause), and the params are the task's params over the
// run's request parameters (the task's own win). The result is saved before
// the next task starts, so a task that completed is never performed again
// after a restart. Runs of different jobs (and of one job) execute in
// parallel, up to Config.Workers at a time.
//
// Run statuses (a task run goes through the same ones):
//
//	ExecuteJob ──▶ unstarted ──(log not deep enough)──▶ pending_incoming_confirmations
//	                   │                                     │ new heads: deep enough and the
//	                   ▼                                     │ log's block still canonical
//	  ┌─────────▶ in_progress ◀──────────────────────────────┘ (else cancelled)
//	  │                │
//	  ├── retry ◀──────┼── transient fault, attempts left (after a backoff)
//	  ├── PATCH ◀──────┼──▶ pending_bridge
//	  ├── timer ◀──────┼──▶ pending_sleep
//	  ├── tx ok ◀──────┼──▶ pending_outgoing_confirmations ──(tx reverted)──▶ errored
//	  └── reconnect ◀──┼──▶ pending_connection
//	                   ├──▶ errored    (a task failed; its task run keeps the error)
//	                   ├──▶ completed  (every task completed)
//	                   └──▶ cancelled  (CancelRun, or its log removed by a reorg;
//	                                    from any status that is not final)
//
// Pauses are statuses, never errors. A run in in_progress or unstarted at
// Start was cut off by a stop or crash and is queued again; a sleeping run's
// timer is set again from its saved WakeAt; other pauses wait for their
// trigger. completed, errored and cancelled are final: the store refuses to
// change a finished run (store.ErrRunFinished), so a worker that loses a
// race with a cancellation stops without writing.
//
// Transient faults (an adapter output with Retryable set: HTTP 5xx,
// timeouts, refused connections) are retried after Config.RetryBackoff,
// doubling per attempt up to Config.MaxRetryBackoff, until the task has made
// Config.MaxTaskAttempts attempts (a task's "maxAttempts" param overrides
// it). Every attempt is recorded with its status and error.
//
// Connection faults: a task that could not reach the chain or the
// database (ethtx's adapters.ErrTxUnavailable) pauses in
// pending_connection without counting as an attempt; Connect resumes it,
// and while the chain counts as connected it is also tried again after a
// backoff. A database fault while a worker loads or saves a run queues the
// run again after a backoff that doubles per consecutive fault; it is
// never dropped. Every Config.SweepInterval the runner queues runs that
// should be executing but were not saved for that long, and asks the
// hooks for a full pass over paused runs: a safety net for a lost wake-up.
//
// Saving: a step that must not be repeated (a pause, an error, a retry's
// backoff, the run's end, or a task with an effect outside the run:
// httppost, bridges) is saved before the next step starts, in one
// transaction with the run's own state (store.SaveJobRunSteps). A
// repeatable task (adapters.Repeatable: httpget and the pure computations)
// is saved with that next step instead; if the node stops first, it is
// simply performed again. The ethtx task saves through the TxSender: the
// run's unsaved steps, the task's pause in pending_outgoing_confirmations
// and its transaction's hash commit in the transaction that records the
// answer (AnswerRecorder), so one database transaction carries a request
// from its run's creation to its answer. Saves of different runs that
// come while one is being written are group-committed: the next save
// writes all of them in one transaction (store.SaveRunsSteps); if that
// fails, each is written again on its own, so one run's fault (it was
// cancelled meanwhile) is that run's error only.
//
// A run whose answer is confirmed is resumed by the run lifecycle in
// core/services, a batch of runs at a time: their answers' tasks are saved
// completed in one statement, and a run the answer ended (ethtx its last
// task) is saved completed with it, without a worker (Complete).
//
// Hand-over: a run its creator has just saved (a new run, or one resumed by
// its confirmed answer) is queued with EnqueueRun, in memory with its job;
// the worker does not load it back. The creator holds the run's lock from
// before it saves (or loads) the run until the hand-over, and the run is
// queued when it unlocks, so a worker never performs the run from the
// database and then again from an older copy. Jobs are cached (their
// tasks never change).
//
// Chain: the JobRunner is a head-tracker subscriber. OnNewHead records the
// latest head and hands it to Hooks.ResumeConfirmingTasks on the runner's
// own goroutine (heads are coalesced: a slow pass sees the newest head
// next). Disconnect marks the chain lost: while it is, a run whose next task
// is ethtx pauses in pending_connection instead of sending, and Connect
// hands the pending_connection runs to Hooks.ResumeConnectingTasks. Before
// the first Disconnect the chain counts as connected, so a node without a
// head tracker still runs web jobs.
//
// Lifecycle: New, then Start (returns at once; recovery of unfinished runs
// runs on a goroutine) and Close (stops the workers, cancelling the
// context of tasks in flight; a task cut off this way records nothing and
// is performed again after the next start). The Application starts the
// JobRunner after the store and before the services that create runs.
package runner
