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
	runRequestColumns = `id, job_spec_id, request_id, requester, oracle_address, payment, callback_addr,
		callback_function_id, cancel_expiration, data_version, block_number, block_hash, tx_hash, log_index,
		request_params, created_at`
	runRequestParams = 15 // all but id
	jobRunColumns    = `id, job_spec_id, initiator_id, initiator_type, status, run_request_id, creation_height,
		observed_height, payment, created_at, updated_at, finished_at`
	jobRunParams   = 11 // all but run_request_id
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
	// Rows go straight into INSERT ... VALUES, so each placeholder takes
	// its column's type; a run names its request by ordinal.
	requestOf := make([]int, len(runs)) // 0: none
	if nreq > 0 {
		sql.WriteString(`,
	rq AS (INSERT INTO run_requests (` + runRequestColumns + `) VALUES `)
		o := 0
		for k, run := range runs {
			rr := run.RunRequest
			if rr == nil {
				continue
			}
			o++
			requestOf[k] = o
			if o > 1 {
				sql.WriteString(", ")
			}
			sql.WriteString("((SELECT id FROM ids WHERE o = " + strconv.Itoa(o) + "), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, run.JobSpecID, rr.RequestID, rr.Requester, rr.OracleAddress, rr.Payment, rr.CallbackAddr,
				rr.CallbackFunctionID, rr.CancelExpiration, rr.DataVersion, rr.BlockNumber, rr.BlockHash, rr.TxHash,
				rr.LogIndex, rr.RequestParams, orNow(rr.CreatedAt))
		}
		sql.WriteString(")")
	}
	sql.WriteString(`,
	jr AS (INSERT INTO job_runs (` + jobRunColumns + `) VALUES `)
	for k, run := range runs {
		if k > 0 {
			sql.WriteString(", ")
		}
		req := "NULL"
		if requestOf[k] > 0 {
			req = "(SELECT id FROM ids WHERE o = " + strconv.Itoa(requestOf[k]) + ")"
		}
		sql.WriteString("(?, ?, ?, ?, ?, " + req + ", ?, ?, ?, ?, ?, ?)")
		args = append(args, run.ID, run.JobSpecID, run.InitiatorID, run.InitiatorType, string(run.Status),
			run.CreationHeight, run.ObservedHeight, run.Payment, orNow(run.CreatedAt), orNow(run.UpdatedAt), run.FinishedAt)
	}
	sql.WriteString(")")
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
	SELECT COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), '') AS request_ids`)

	// Scan, not Row: gorm translates the driver's errors (a duplicate log).
	var out struct{ RequestIDs string }
	if err := s.conn(ctx).Raw(sql.String(), args...).Scan(&out).Error; err != nil {
		return true, fmt.Errorf("saving %d runs: %w", len(runs), translate(err))
	}
	ids, err := parseIDs(out.RequestIDs, nreq)
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
