// Package adapters performs the tasks of a job run: one Adapter per
// built-in task type (httpget, jsonparse, multiply, ethuint256, ethtx, ...)
// and Bridge for external adapters, all reached through a Registry built
// explicitly by NewRegistry (no init side effects).
//
// An adapter turns a RunInput (the previous task's data) and the task's
// params into a RunOutput. It does not save anything: the runner records
// each output before the next step. A pause (a bridge answering pending, a
// sleep, a sent transaction) is a pending status in the output, not an
// error; a transient fault (an HTTP 5xx, a timeout, a refused connection)
// is an errored output marked Retryable so the runner can back off and try
// again. Adapters hold no per-run state and are safe for concurrent use.
//
// Params are matched case-insensitively, as the classic node did. Validate
// checks only the params a spec sets: in a runlog job the request supplies
// the rest at run time (the runner merges the request's parameters first,
// then the task's own params, and passes the result as params).
package adapters
