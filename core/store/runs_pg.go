package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// maxStatementParams keeps a statement below PostgreSQL's 65,535 bind
// parameters.
const maxStatementParams = 60000

// Columns written by insertRunsStatement, in its placeholders' order.
const (
	runRequestColumns = `job_spec_id, request_id, requester, oracle_address, payment, callback_addr,
		callback_function_id, cancel_expiration, data_version, block_number, block_hash, tx_hash, log_index,
		request_params, created_at`
	runRequestParams = 16 // and the ordinal
	jobRunColumns    = `id, job_spec_id, initiator_id, initiator_type, status, run_request_id, creation_height,
		observed_height, payment, created_at, updated_at, finished_at`
	jobRunParams   = 12 // run_request_id as an ordinal
	taskRunColumns = `id, job_run_id, task_spec_id, "index", type, status, confirmations,
		min_required_incoming_confirmations, attempts, wake_at, created_at, updated_at`
	taskRunParams = 12
)

// insertRunsStatement is CreateJobRuns on PostgreSQL for runs without
// results (as runs start): every row in one statement, one round trip
// however many runs, all or nothing without a transaction. The run
// requests take IDs from their sequence in the statement, so the runs
// that point at them are inserted by the same statement. ok is false
// when the runs do not fit one statement (or have results): the caller
// saves them the general way.
func (s *Store) insertRunsStatement(ctx context.Context, runs []*models.JobRun) (ok bool, err error) {
	params := 0
	var nreq int
	for _, run := range runs {
		if run.Result != nil {
			return false, nil
		}
		for i := range run.TaskRuns {
			if run.TaskRuns[i].Result != nil {
				return false, nil
			}
		}
		if run.RunRequest != nil {
			nreq++
			params += runRequestParams
		}
		params += jobRunParams + taskRunParams*len(run.TaskRuns)
	}
	if params > maxStatementParams {
		return false, nil
	}
	now := time.Now().UTC()
	orNow := func(t time.Time) time.Time {
		if t.IsZero() {
			return now
		}
		return t
	}
	var sql strings.Builder
	args := make([]any, 0, params)
	// The count is literal, not a parameter: the planner then sees the
	// same rows for every execution, and the prepared statement keeps one
	// generic plan instead of planning each time.
	sql.WriteString(`WITH ids AS MATERIALIZED (
		SELECT o, nextval('run_requests_id_seq'::regclass) AS id FROM generate_series(1, ` + strconv.Itoa(nreq) + `) AS o)`)
	// A run names its request by ordinal. The requests and runs are typed
	// VALUES joined to the new IDs (a subquery per row would be planned
	// per row); the task runs go straight into INSERT ... VALUES.
	requestOf := make([]int, len(runs)) // 0: none
	if nreq > 0 {
		rq := newPGValues("integer", "varchar", "bytea", "bytea", "bytea", "text", "bytea", "bytea", "text", "text",
			"bigint", "bytea", "bytea", "bigint", "text", "timestamptz")
		for k, run := range runs {
			rr := run.RunRequest
			if rr == nil {
				continue
			}
			requestOf[k] = rq.n + 1
			rq.add(rq.n+1, run.JobSpecID, rr.RequestID, rr.Requester, rr.OracleAddress, rr.Payment, rr.CallbackAddr,
				rr.CallbackFunctionID, rr.CancelExpiration, rr.DataVersion, rr.BlockNumber, rr.BlockHash, rr.TxHash,
				rr.LogIndex, rr.RequestParams, orNow(rr.CreatedAt))
		}
		sql.WriteString(`,
	rq AS (INSERT INTO run_requests (id, ` + runRequestColumns + `)
		SELECT ids.id, v.job_spec_id, v.request_id, v.requester, v.oracle_address, v.payment, v.callback_addr,
			v.callback_function_id, v.cancel_expiration, v.data_version, v.block_number, v.block_hash, v.tx_hash,
			v.log_index, v.request_params, v.created_at
		FROM (VALUES ` + rq.String() + `) AS v(o, ` + runRequestColumns + `) JOIN ids ON ids.o = v.o)`)
		args = append(args, rq.args...)
	}
	jr := newPGValues("varchar", "varchar", "bigint", "varchar", "varchar", "integer", "text", "text", "text",
		"timestamptz", "timestamptz", "timestamptz")
	for k, run := range runs {
		var o *int
		if requestOf[k] > 0 {
			o = &requestOf[k]
		}
		jr.add(run.ID, run.JobSpecID, run.InitiatorID, run.InitiatorType, string(run.Status), o,
			run.CreationHeight, run.ObservedHeight, run.Payment, orNow(run.CreatedAt), orNow(run.UpdatedAt), run.FinishedAt)
	}
	sql.WriteString(`,
	jr AS (INSERT INTO job_runs (` + jobRunColumns + `)
		SELECT v.id, v.job_spec_id, v.initiator_id, v.initiator_type, v.status, ids.id, v.creation_height,
			v.observed_height, v.payment, v.created_at, v.updated_at, v.finished_at
		FROM (VALUES ` + jr.String() + `) AS v(id, job_spec_id, initiator_id, initiator_type, status, rq_o, creation_height,
			observed_height, payment, created_at, updated_at, finished_at) LEFT JOIN ids ON ids.o = v.rq_o)`)
	args = append(args, jr.args...)
	var ntr int
	for _, run := range runs {
		for i := range run.TaskRuns {
			tr := &run.TaskRuns[i]
			if ntr == 0 {
				sql.WriteString(`,
	tr AS (INSERT INTO task_runs (` + taskRunColumns + `) VALUES `)
			} else {
				sql.WriteString(", ")
			}
			ntr++
			sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, tr.ID, run.ID, tr.TaskSpecID, tr.Index, tr.Type, string(tr.Status), int64(tr.Confirmations),
				int64(tr.MinRequiredIncomingConfirmations), tr.Attempts, tr.WakeAt, orNow(tr.CreatedAt), orNow(tr.UpdatedAt))
		}
	}
	if ntr > 0 {
		sql.WriteString(")")
	}
	sql.WriteString(`
	SELECT COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), '')`)

	var requestIDs string
	if err := queryRow(ctx, s, sql.String(), args, &requestIDs); err != nil {
		return true, fmt.Errorf("saving %d runs: %w", len(runs), err)
	}
	ids, err := parseIDs(requestIDs, nreq)
	if err != nil {
		return true, fmt.Errorf("saving %d run requests: %w", nreq, err)
	}
	for k, run := range runs {
		run.CreatedAt, run.UpdatedAt = orNow(run.CreatedAt), orNow(run.UpdatedAt)
		if o := requestOf[k]; o > 0 {
			rr := run.RunRequest
			rr.ID, rr.JobSpecID, rr.CreatedAt = ids[o-1], run.JobSpecID, orNow(rr.CreatedAt)
			id := rr.ID
			run.RunRequestID = &id
		}
		for i := range run.TaskRuns {
			tr := &run.TaskRuns[i]
			tr.JobRunID, tr.CreatedAt, tr.UpdatedAt = run.ID, orNow(tr.CreatedAt), orNow(tr.UpdatedAt)
		}
	}
	return true, nil
}
