package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// saveStepsStatement saves steps on PostgreSQL with one statement, one
// round trip however many runs, task runs, results and attempts there
// are: new results get IDs from their sequence in the statement itself,
// so the rows that point at them are written by the same statement.
//
// Runs that are missing or finished are not updated, and then neither is
// anything else (the other rows are written only when every run was): for
// one run the statement is all or nothing without a transaction; for
// several, the caller's transaction is rolled back on the error. With
// logAttempts the inserted attempts are appended to their task runs'
// AttemptLog, as SaveJobRunSteps does.
func (s *Store) saveStepsStatement(ctx context.Context, steps []RunSteps, now time.Time, logAttempts bool) error {
	var (
		fresh    []*models.RunResult
		freshIDs []**int64
		saved    []*models.RunResult
		savedIDs []**int64
	)
	// resultRef is how a row names its result: a fresh result's ordinal
	// in the statement's new IDs, or a result ID (nil: none).
	resultRef := func(r *models.RunResult, id **int64, current *int64) (ordinal *int, resultID *int64) {
		switch {
		case r == nil:
			return nil, current
		case r.ID == 0:
			fresh, freshIDs = append(fresh, r), append(freshIDs, id)
			o := len(fresh)
			return &o, nil
		default:
			saved, savedIDs = append(saved, r), append(savedIDs, id)
			rid := r.ID
			return nil, &rid
		}
	}
	runs := newPGValues("varchar", "varchar", "bigint", "integer", "text", "timestamptz")
	trs := newPGValues("varchar", "varchar", "bigint", "integer", "bigint", "bigint", "integer", "timestamptz")
	attempts := newPGValues("varchar", "integer", "varchar", "text", "timestamptz")
	var taskRuns []*models.TaskRun
	var inserted []models.TaskRunAttempt
	for _, st := range steps {
		if st.Run == nil || st.Run.ID == "" {
			return errors.New("run ID is required")
		}
		o, rid := resultRef(st.Run.Result, &st.Run.ResultID, st.Run.ResultID)
		var observed any
		if st.Run.ObservedHeight != nil {
			observed = st.Run.ObservedHeight.String()
		}
		runs.add(st.Run.ID, string(st.Run.Status), rid, o, observed, st.Run.FinishedAt)
		for _, tr := range st.TaskRuns {
			o, rid := resultRef(tr.Result, &tr.ResultID, tr.ResultID)
			trs.add(tr.ID, string(tr.Status), rid, o, int64(tr.Confirmations), int64(tr.MinRequiredIncomingConfirmations),
				tr.Attempts, tr.WakeAt)
			taskRuns = append(taskRuns, tr)
		}
		for _, a := range st.Attempts {
			a.ID = 0
			if a.CreatedAt.IsZero() {
				a.CreatedAt = now
			}
			attempts.add(a.TaskRunID, a.Attempt, string(a.Status), a.Error, a.CreatedAt)
			inserted = append(inserted, a)
		}
	}

	var sql strings.Builder
	var args []any
	// A literal count, as in insertRunsStatement: one generic plan.
	sql.WriteString(`WITH ids AS MATERIALIZED (
		SELECT o, nextval('run_results_id_seq'::regclass) AS id FROM generate_series(1, ` + strconv.Itoa(len(fresh)) + `) AS o),
	jr AS (UPDATE job_runs AS j SET status = v.status, result_id = COALESCE(ids.id, v.result_id),
			observed_height = v.observed_height, finished_at = v.finished_at, updated_at = ?::timestamptz
		FROM (VALUES `)
	args = append(args, now)
	sql.WriteString(runs.String())
	args = append(args, runs.args...)
	sql.WriteString(`) AS v(id, status, result_id, res_o, observed_height, finished_at) LEFT JOIN ids ON ids.o = v.res_o
		WHERE j.id = v.id AND j.status NOT IN ? RETURNING j.id),
	ok AS (SELECT count(*) = ? AS all_runs FROM jr)`)
	args = append(args, finishedStatuses, runs.n)
	if len(fresh) > 0 {
		nr := newPGValues("integer", "text", "varchar", "text")
		for i, r := range fresh {
			nr.add(i+1, r.Data, string(r.Status), r.ErrorMessage)
		}
		sql.WriteString(`,
	nr AS (INSERT INTO run_results (id, data, status, error_message, created_at, updated_at)
		SELECT ids.id, v.data, v.status, v.error_message, ?::timestamptz, ?::timestamptz
		FROM (VALUES `)
		args = append(args, now, now)
		sql.WriteString(nr.String())
		args = append(args, nr.args...)
		sql.WriteString(`) AS v(o, data, status, error_message) JOIN ids ON ids.o = v.o, ok WHERE ok.all_runs)`)
	}
	if len(saved) > 0 {
		ur := newPGValues("bigint", "text", "varchar", "text")
		for _, r := range saved {
			ur.add(r.ID, r.Data, string(r.Status), r.ErrorMessage)
		}
		sql.WriteString(`,
	ur AS (UPDATE run_results AS r SET data = v.data, status = v.status, error_message = v.error_message, updated_at = ?::timestamptz
		FROM (VALUES `)
		args = append(args, now)
		sql.WriteString(ur.String())
		args = append(args, ur.args...)
		sql.WriteString(`) AS v(id, data, status, error_message), ok WHERE ok.all_runs AND r.id = v.id)`)
	}
	trCount := "0"
	if trs.n > 0 {
		sql.WriteString(`,
	tr AS (UPDATE task_runs AS t SET status = v.status, result_id = COALESCE(ids.id, v.result_id),
			confirmations = v.confirmations, min_required_incoming_confirmations = v.min_required,
			attempts = v.attempts, wake_at = v.wake_at, updated_at = ?::timestamptz
		FROM (VALUES `)
		args = append(args, now)
		sql.WriteString(trs.String())
		args = append(args, trs.args...)
		sql.WriteString(`) AS v(id, status, result_id, res_o, confirmations, min_required, attempts, wake_at)
			LEFT JOIN ids ON ids.o = v.res_o CROSS JOIN ok
		WHERE ok.all_runs AND t.id = v.id RETURNING t.id)`)
		trCount = "(SELECT count(*) FROM tr)"
	}
	attemptIDs := "''"
	if attempts.n > 0 {
		sql.WriteString(`,
	at AS (INSERT INTO task_run_attempts (task_run_id, attempt, status, error, created_at)
		SELECT v.task_run_id, v.attempt, v.status, v.error, v.created_at FROM (VALUES `)
		sql.WriteString(attempts.String())
		args = append(args, attempts.args...)
		sql.WriteString(`) AS v(task_run_id, attempt, status, error, created_at), ok WHERE ok.all_runs RETURNING id)`)
		attemptIDs = "COALESCE((SELECT string_agg(id::text, ',' ORDER BY id) FROM at), '')"
	}
	sql.WriteString(`
	SELECT (SELECT count(*) FROM jr), ` + trCount + `,
		COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), ''), ` + attemptIDs)

	var (
		runsUpdated, trsUpdated int64
		resultIDs, attemptList  string
	)
	if err := queryRow(ctx, s, sql.String(), args, &runsUpdated, &trsUpdated, &resultIDs, &attemptList); err != nil {
		return fmt.Errorf("saving the steps of %d runs: %w", len(steps), err)
	}
	if runsUpdated != int64(len(steps)) {
		// Some run is missing or finished: name it.
		for _, st := range steps {
			var live int64
			if err := s.conn(ctx).Model(&models.JobRun{}).Where("id = ? AND status NOT IN ?", st.Run.ID, finishedStatuses).
				Count(&live).Error; err != nil {
				return translate(err)
			}
			if live == 0 {
				return fmt.Errorf("saving job run %s: %w", st.Run.ID, s.runMissingOrFinished(ctx, st.Run.ID))
			}
		}
		return fmt.Errorf("saving %d runs: %d updated", len(steps), runsUpdated)
	}
	if trsUpdated != int64(len(taskRuns)) {
		return fmt.Errorf("saving %d task runs: %d updated", len(taskRuns), trsUpdated)
	}
	ids, err := parseIDs(resultIDs, len(fresh))
	if err != nil {
		return fmt.Errorf("saving %d run results: %w", len(fresh), err)
	}
	aids, err := parseIDs(attemptList, len(inserted))
	if err != nil {
		return fmt.Errorf("saving %d attempts: %w", len(inserted), err)
	}
	for i, r := range fresh {
		r.ID, r.CreatedAt, r.UpdatedAt = ids[i], now, now
		rid := r.ID
		*freshIDs[i] = &rid
	}
	for i, r := range saved {
		r.UpdatedAt = now
		rid := r.ID
		*savedIDs[i] = &rid
	}
	for _, st := range steps {
		st.Run.UpdatedAt = now
	}
	for _, tr := range taskRuns {
		tr.UpdatedAt = now
	}
	if logAttempts {
		for i, a := range inserted {
			a.ID = aids[i]
			for _, st := range steps {
				for j := range st.Run.TaskRuns {
					if st.Run.TaskRuns[j].ID == a.TaskRunID {
						st.Run.TaskRuns[j].AttemptLog = append(st.Run.TaskRuns[j].AttemptLog, a)
					}
				}
			}
		}
	}
	return nil
}

// queryRow runs a raw statement that returns one row into dest. Not
// gorm's Scan, which renders every statement with its arguments for its
// trace recorder (a sixth of the node's CPU under a burst).
func queryRow(ctx context.Context, s *Store, sql string, args []any, dest ...any) error {
	if err := s.conn(ctx).Raw(sql, args...).Row().Scan(dest...); err != nil {
		return translate(err)
	}
	return nil
}

// parseIDs reads want comma-separated IDs.
func parseIDs(list string, want int) ([]int64, error) {
	if want == 0 {
		return nil, nil
	}
	parts := strings.Split(list, ",")
	if len(parts) != want {
		return nil, fmt.Errorf("%d IDs returned, %d expected", len(parts), want)
	}
	ids := make([]int64, want)
	for i, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("ID %q: %w", p, err)
		}
		ids[i] = id
	}
	return ids, nil
}
