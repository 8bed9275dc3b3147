package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// insertRunsSQL inserts new runs, their requests and task runs in one
// statement. Each column comes as an array ($1 ... $40, unnested), so the
// text is the same however many runs there are: PostgreSQL parses it once
// per connection and keeps its plan, where a VALUES list of every row was
// a new statement to parse and plan for every batch size (a third of the
// database's time under a burst). The requests take IDs from their
// sequence inside the statement (ids is materialized, so nextval runs
// once per request), and the runs name theirs by ordinal.
var (
	insertRunsSQL           = insertRunsSQLFor(false)
	insertNewRequestRunsSQL = insertRunsSQLFor(true)
)

// insertRunsSQLFor is insertRunsSQL, or with newRequests the statement
// that inserts nothing when a request of the runs (its job and request
// ID) already has a run that is not cancelled or errored (seen), and
// says so in a second column (CreateJobRunsForNewRequests).
func insertRunsSQLFor(newRequests bool) string {
	seen, gate, held := "", "", ""
	if newRequests {
		seen = `
seen AS MATERIALIZED (SELECT EXISTS (SELECT 1 FROM rq_in AS v
	JOIN run_requests AS r ON r.job_spec_id = v.job_spec_id AND r.request_id = v.request_id
	JOIN job_runs AS j ON j.run_request_id = r.id
	WHERE j.status NOT IN ('` + string(models.RunStatusCancelled) + `', '` + string(models.RunStatusErrored) + `')) AS held),`
		gate = `
	WHERE NOT (SELECT held FROM seen)`
		held = `, (SELECT held FROM seen)`
	}
	return `WITH rq_in AS MATERIALIZED (
	SELECT * FROM unnest($1::integer[], $2::varchar[], $3::bytea[], $4::bytea[], $5::bytea[], $6::text[],
		$7::bytea[], $8::bytea[], $9::text[], $10::text[], $11::bigint[], $12::bytea[], $13::bytea[],
		$14::bigint[], $15::text[], $16::timestamptz[])
	AS v(o, job_spec_id, request_id, requester, oracle_address, payment, callback_addr, callback_function_id,
		cancel_expiration, data_version, block_number, block_hash, tx_hash, log_index, request_params, created_at)),` + seen + `
ids AS MATERIALIZED (SELECT o, nextval('run_requests_id_seq'::regclass) AS id FROM rq_in` + gate + `),
rq AS (INSERT INTO run_requests (id, job_spec_id, request_id, requester, oracle_address, payment, callback_addr,
		callback_function_id, cancel_expiration, data_version, block_number, block_hash, tx_hash, log_index,
		request_params, created_at)
	SELECT ids.id, v.job_spec_id, v.request_id, v.requester, v.oracle_address, v.payment, v.callback_addr,
		v.callback_function_id, v.cancel_expiration, v.data_version, v.block_number, v.block_hash, v.tx_hash,
		v.log_index, v.request_params, v.created_at
	FROM rq_in AS v JOIN ids ON ids.o = v.o),
jr AS (INSERT INTO job_runs (id, job_spec_id, initiator_id, initiator_type, status, run_request_id, creation_height,
		observed_height, payment, created_at, updated_at, finished_at)
	SELECT v.id, v.job_spec_id, v.initiator_id, v.initiator_type, v.status, ids.id, v.creation_height,
		v.observed_height, v.payment, v.created_at, v.updated_at, v.finished_at
	FROM unnest($17::varchar[], $18::varchar[], $19::bigint[], $20::varchar[], $21::varchar[], $22::integer[],
		$23::text[], $24::text[], $25::text[], $26::timestamptz[], $27::timestamptz[], $28::timestamptz[])
		AS v(id, job_spec_id, initiator_id, initiator_type, status, rq_o, creation_height, observed_height,
			payment, created_at, updated_at, finished_at)
	LEFT JOIN ids ON ids.o = v.rq_o` + gate + `),
tr AS (INSERT INTO task_runs (id, job_run_id, task_spec_id, "index", type, status, confirmations,
		min_required_incoming_confirmations, attempts, wake_at, created_at, updated_at)
	SELECT * FROM unnest($29::varchar[], $30::varchar[], $31::bigint[], $32::integer[], $33::varchar[],
		$34::varchar[], $35::bigint[], $36::bigint[], $37::integer[], $38::timestamptz[], $39::timestamptz[],
		$40::timestamptz[])` + gate + `)
SELECT COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), '')` + held
}

// insertRunsStatement is CreateJobRuns on PostgreSQL for runs without
// results (as runs start): every row in one statement (insertRunsSQL),
// one round trip however many runs, all or nothing without a transaction.
// ok is false when a run has a result: the caller saves them the general
// way. With newRequests nothing is inserted, and held is true, when a
// request of the runs has a live run (insertNewRequestRunsSQL).
func (s *Store) insertRunsStatement(ctx context.Context, runs []*models.JobRun, newRequests bool) (ok, held bool, err error) {
	var nreq, ntr int
	for _, run := range runs {
		if run.Result != nil {
			return false, false, nil
		}
		for i := range run.TaskRuns {
			if run.TaskRuns[i].Result != nil {
				return false, false, nil
			}
		}
		if run.RunRequest != nil {
			nreq++
		}
		ntr += len(run.TaskRuns)
	}
	now := time.Now().UTC()
	orNow := func(t time.Time) time.Time {
		if t.IsZero() {
			return now
		}
		return t
	}
	var (
		rq = struct {
			o                                                             []int32
			jobSpecID, params                                             []string
			requestID, requester, oracle, callback, fn, blockHash, txHash [][]byte
			payment, cancelExp, dataVersion                               []*string
			blockNumber, logIndex                                         []*int64
			createdAt                                                     []time.Time
		}{}
		jr = struct {
			id, jobSpecID, initiatorType, status []string
			initiatorID                          []int64
			rqO                                  []*int32
			creation, observed, payment          []*string
			createdAt, updatedAt                 []time.Time
			finishedAt                           []*time.Time
		}{}
		tr = struct {
			id, jobRunID, typ, status            []string
			taskSpecID, confirmations, minNeeded []int64
			index, attempts                      []int32
			wakeAt                               []*time.Time
			createdAt, updatedAt                 []time.Time
		}{}
	)
	requestOf := make([]int32, len(runs)) // 0: none
	for k, run := range runs {
		if rr := run.RunRequest; rr != nil {
			o := int32(len(rq.o) + 1)
			requestOf[k] = o
			params := string(rr.RequestParams)
			if params == "" {
				params = "null"
			}
			rq.o = append(rq.o, o)
			rq.jobSpecID = append(rq.jobSpecID, run.JobSpecID)
			rq.requestID = append(rq.requestID, hashBytes(rr.RequestID))
			rq.requester = append(rq.requester, addressBytes(rr.Requester))
			rq.oracle = append(rq.oracle, addressBytes(rr.OracleAddress))
			rq.payment = append(rq.payment, bigText(rr.Payment))
			rq.callback = append(rq.callback, addressBytes(rr.CallbackAddr))
			var fn []byte
			if rr.CallbackFunctionID != nil {
				fn = rr.CallbackFunctionID[:]
			}
			rq.fn = append(rq.fn, fn)
			rq.cancelExp = append(rq.cancelExp, bigText(rr.CancelExpiration))
			rq.dataVersion = append(rq.dataVersion, bigText(rr.DataVersion))
			rq.blockNumber = append(rq.blockNumber, uint64Ptr(rr.BlockNumber))
			rq.blockHash = append(rq.blockHash, hashBytes(rr.BlockHash))
			rq.txHash = append(rq.txHash, hashBytes(rr.TxHash))
			var logIndex *int64
			if rr.LogIndex != nil {
				v := int64(*rr.LogIndex)
				logIndex = &v
			}
			rq.logIndex = append(rq.logIndex, logIndex)
			rq.params = append(rq.params, params)
			rq.createdAt = append(rq.createdAt, orNow(rr.CreatedAt))
		}
		var o *int32
		if requestOf[k] > 0 {
			o = &requestOf[k]
		}
		jr.id = append(jr.id, run.ID)
		jr.jobSpecID = append(jr.jobSpecID, run.JobSpecID)
		jr.initiatorID = append(jr.initiatorID, run.InitiatorID)
		jr.initiatorType = append(jr.initiatorType, run.InitiatorType)
		jr.status = append(jr.status, string(run.Status))
		jr.rqO = append(jr.rqO, o)
		jr.creation = append(jr.creation, bigText(run.CreationHeight))
		jr.observed = append(jr.observed, bigText(run.ObservedHeight))
		jr.payment = append(jr.payment, bigText(run.Payment))
		jr.createdAt = append(jr.createdAt, orNow(run.CreatedAt))
		jr.updatedAt = append(jr.updatedAt, orNow(run.UpdatedAt))
		jr.finishedAt = append(jr.finishedAt, run.FinishedAt)
		for i := range run.TaskRuns {
			t := &run.TaskRuns[i]
			tr.id = append(tr.id, t.ID)
			tr.jobRunID = append(tr.jobRunID, run.ID)
			tr.taskSpecID = append(tr.taskSpecID, t.TaskSpecID)
			tr.index = append(tr.index, int32(t.Index))
			tr.typ = append(tr.typ, t.Type)
			tr.status = append(tr.status, string(t.Status))
			tr.confirmations = append(tr.confirmations, int64(t.Confirmations))
			tr.minNeeded = append(tr.minNeeded, int64(t.MinRequiredIncomingConfirmations))
			tr.attempts = append(tr.attempts, int32(t.Attempts))
			tr.wakeAt = append(tr.wakeAt, t.WakeAt)
			tr.createdAt = append(tr.createdAt, orNow(t.CreatedAt))
			tr.updatedAt = append(tr.updatedAt, orNow(t.UpdatedAt))
		}
	}
	args := []any{
		rq.o, rq.jobSpecID, rq.requestID, rq.requester, rq.oracle, rq.payment, rq.callback, rq.fn, rq.cancelExp,
		rq.dataVersion, rq.blockNumber, rq.blockHash, rq.txHash, rq.logIndex, rq.params, rq.createdAt,
		jr.id, jr.jobSpecID, jr.initiatorID, jr.initiatorType, jr.status, jr.rqO, jr.creation, jr.observed,
		jr.payment, jr.createdAt, jr.updatedAt, jr.finishedAt,
		tr.id, tr.jobRunID, tr.taskSpecID, tr.index, tr.typ, tr.status, tr.confirmations, tr.minNeeded,
		tr.attempts, tr.wakeAt, tr.createdAt, tr.updatedAt,
	}
	var requestIDs string
	query, dest := insertRunsSQL, []any{&requestIDs}
	if newRequests {
		query, dest = insertNewRequestRunsSQL, append(dest, &held)
	}
	if err := s.queryArrays(ctx, query, args, dest...); err != nil {
		return true, false, fmt.Errorf("saving %d runs: %w", len(runs), err)
	}
	if held {
		return true, true, nil
	}
	ids, err := parseIDs(requestIDs, nreq)
	if err != nil {
		return true, false, fmt.Errorf("saving %d run requests: %w", nreq, err)
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
			t := &run.TaskRuns[i]
			t.JobRunID, t.CreatedAt, t.UpdatedAt = run.ID, orNow(t.CreatedAt), orNow(t.UpdatedAt)
		}
	}
	return true, false, nil
}

// queryArrays runs a statement whose parameters are PostgreSQL arrays
// (Go slices, which pgx encodes and gorm would expand into lists) on the
// store's connection or transaction, and scans its one row into dest.
func (s *Store) queryArrays(ctx context.Context, query string, args []any, dest ...any) error {
	var pool interface {
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	} = s.db.Statement.ConnPool
	if s.arrays != nil {
		pool = s.arrays
	}
	if err := pool.QueryRowContext(ctx, query, args...).Scan(dest...); err != nil {
		return translate(err)
	}
	return nil
}

// arraysPoolConns caps the connections of the array statements' pool,
// beside the main pool's Config.MaxOpenConns.
const arraysPoolConns = 4

// openArraysPool opens a pool for the array statements that run outside
// a transaction (insertRunsSQL, saveStepsSQL, answerSQL): the statements
// on a request's way to its answer. Its sessions plan each prepared
// statement once (plan_cache_mode=force_generic_plan). PostgreSQL's
// default plans each execution anew while a custom plan looks cheaper
// than the generic one, which for a statement of a dozen CTEs over
// one-element arrays it always does: planning took about half of each
// statement's 1-3 ms. These statements' plans do not depend on their
// values (arrays joined on keys), so one plan is right for all; the other
// statements keep the default, for which values may matter (a status
// filter on a skewed table). The plan is kept for the connection's life,
// so it must not depend on the tables' sizes either: made while they were
// small, it scanned them whole, and a request's writes grew from 1.4 to
// 2.6 ms by 6,000 requests (BenchmarkLogRunWrites). Sequential scans are
// off in these sessions: every row they touch is found by a key.
func openArraysPool(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	cfg.RuntimeParams["enable_seqscan"] = "off"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(arraysPoolConns)
	db.SetMaxIdleConns(arraysPoolConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func hashBytes(h *common.Hash) []byte {
	if h == nil {
		return nil
	}
	return h.Bytes()
}

func addressBytes(a *common.Address) []byte {
	if a == nil {
		return nil
	}
	return a.Bytes()
}

// bigText is b's decimal text as models.Big stores it, nil for NULL.
func bigText(b *models.Big) *string {
	if b == nil {
		return nil
	}
	v := b.String()
	return &v
}

func uint64Ptr(p *uint64) *int64 {
	if p == nil {
		return nil
	}
	v := int64(*p)
	return &v
}
