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

// saveStepsSQL saves the steps of runs in one statement. Each column
// comes as an array (unnested), so the text is the same for every batch:
// parsed once per connection, its plan kept (see insertRunsSQL). New
// results take IDs from their sequence inside the statement, so the rows
// that point at them (by ordinal) are written by the same statement. The
// other rows are written only when every run was updated (ok).
var saveStepsSQL = "WITH " + stepsCTEs("") + "\n" + stepsSelect

// stepsCTEs are saveStepsSQL's common table expressions, parameters $1 to
// $28. gate, when not empty, is an SQL condition the runs' update also
// needs: a statement that writes more than the steps (answerSQL) makes
// them all or nothing with the rest.
func stepsCTEs(gate string) string {
	if gate != "" {
		gate = " AND " + gate
	}
	return `fresh AS MATERIALIZED (
	SELECT * FROM unnest($1::integer[], $2::text[], $3::varchar[], $4::text[]) AS v(o, data, status, error_message)),
ids AS MATERIALIZED (SELECT o, nextval('run_results_id_seq'::regclass) AS id FROM fresh),
jr AS (UPDATE job_runs AS j SET status = v.status, result_id = COALESCE(ids.id, v.result_id),
		observed_height = v.observed_height, finished_at = v.finished_at, updated_at = $5::timestamptz
	FROM unnest($6::varchar[], $7::varchar[], $8::bigint[], $9::integer[], $10::text[], $11::timestamptz[])
		AS v(id, status, result_id, res_o, observed_height, finished_at)
	LEFT JOIN ids ON ids.o = v.res_o
	WHERE j.id = v.id AND j.status NOT IN (` + finishedStatusList() + `)` + gate + ` RETURNING j.id),
ok AS (SELECT count(*) = cardinality($6::varchar[]) AS all_runs FROM jr),
nr AS (INSERT INTO run_results (id, data, status, error_message, created_at, updated_at)
	SELECT ids.id, v.data, v.status, v.error_message, $5::timestamptz, $5::timestamptz
	FROM fresh AS v JOIN ids ON ids.o = v.o CROSS JOIN ok WHERE ok.all_runs),
ur AS (UPDATE run_results AS r SET data = v.data, status = v.status, error_message = v.error_message,
		updated_at = $5::timestamptz
	FROM unnest($12::bigint[], $13::text[], $14::varchar[], $15::text[]) AS v(id, data, status, error_message)
	CROSS JOIN ok WHERE ok.all_runs AND r.id = v.id),
tr AS (UPDATE task_runs AS t SET status = v.status, result_id = COALESCE(ids.id, v.result_id),
		confirmations = v.confirmations, min_required_incoming_confirmations = v.min_required,
		attempts = v.attempts, wake_at = v.wake_at, updated_at = $5::timestamptz
	FROM unnest($16::varchar[], $17::varchar[], $18::bigint[], $19::integer[], $20::bigint[], $21::bigint[],
		$22::integer[], $23::timestamptz[])
		AS v(id, status, result_id, res_o, confirmations, min_required, attempts, wake_at)
	LEFT JOIN ids ON ids.o = v.res_o CROSS JOIN ok
	WHERE ok.all_runs AND t.id = v.id RETURNING t.id),
at AS (INSERT INTO task_run_attempts (task_run_id, attempt, status, error, created_at)
	SELECT v.task_run_id, v.attempt, v.status, v.error, v.created_at
	FROM unnest($24::varchar[], $25::integer[], $26::varchar[], $27::text[], $28::timestamptz[])
		AS v(task_run_id, attempt, status, error, created_at)
	CROSS JOIN ok WHERE ok.all_runs RETURNING id)`
}

// stepsSelect is what saveStepsSQL returns: the runs and task runs
// updated, and the IDs of the new results (by ordinal) and attempts.
const stepsSelect = `SELECT (SELECT count(*) FROM jr), (SELECT count(*) FROM tr),
	COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), ''),
	COALESCE((SELECT string_agg(id::text, ',' ORDER BY id) FROM at), '')`

// finishedStatusList is finishedStatuses as SQL literals.
func finishedStatusList() string {
	quoted := make([]string, len(finishedStatuses))
	for i, st := range finishedStatuses {
		quoted[i] = "'" + string(st) + "'"
	}
	return strings.Join(quoted, ", ")
}

// saveStepsStatement saves steps on PostgreSQL with one statement
// (saveStepsSQL), one round trip however many runs, task runs, results
// and attempts there are.
//
// Runs that are missing or finished are not updated, and then neither is
// anything else: for one run the statement is all or nothing without a
// transaction; for several, the caller's transaction is rolled back on
// the error. With logAttempts the inserted attempts are appended to their
// task runs' AttemptLog, as SaveJobRunSteps does.
func (s *Store) saveStepsStatement(ctx context.Context, steps []RunSteps, now time.Time, logAttempts bool) error {
	w, err := newStepsWrite(steps, now)
	if err != nil {
		return err
	}
	var (
		runsUpdated, trsUpdated int64
		resultIDs, attemptList  string
	)
	if err := s.queryArrays(ctx, saveStepsSQL, w.args, &runsUpdated, &trsUpdated, &resultIDs, &attemptList); err != nil {
		return fmt.Errorf("saving the steps of %d runs: %w", len(steps), err)
	}
	return s.stepsWritten(ctx, w, runsUpdated, trsUpdated, resultIDs, attemptList, logAttempts)
}

// stepsWrite is steps as stepsCTEs' arguments, with what is needed to
// give the written rows their IDs afterwards (stepsWritten).
type stepsWrite struct {
	steps    []RunSteps
	now      time.Time
	args     []any // $1 to $28
	fresh    []*models.RunResult
	freshIDs []**int64
	saved    []*models.RunResult
	savedIDs []**int64
	taskRuns []*models.TaskRun
	inserted []models.TaskRunAttempt
}

func newStepsWrite(steps []RunSteps, now time.Time) (*stepsWrite, error) {
	var (
		fresh    []*models.RunResult
		freshIDs []**int64
		saved    []*models.RunResult
		savedIDs []**int64
	)
	// resultRef is how a row names its result: a fresh result's ordinal
	// in the statement's new IDs, or a result ID (nil: none).
	resultRef := func(r *models.RunResult, id **int64, current *int64) (ordinal *int32, resultID *int64) {
		switch {
		case r == nil:
			return nil, current
		case r.ID == 0:
			fresh, freshIDs = append(fresh, r), append(freshIDs, id)
			o := int32(len(fresh))
			return &o, nil
		default:
			saved, savedIDs = append(saved, r), append(savedIDs, id)
			rid := r.ID
			return nil, &rid
		}
	}
	var (
		runs = struct {
			id, status []string
			resultID   []*int64
			resO       []*int32
			observed   []*string
			finishedAt []*time.Time
		}{}
		trs = struct {
			id, status               []string
			resultID                 []*int64
			resO                     []*int32
			confirmations, minNeeded []int64
			attempts                 []int32
			wakeAt                   []*time.Time
		}{}
		ats = struct {
			taskRunID, status []string
			attempt           []int32
			err               []*string
			createdAt         []time.Time
		}{}
		taskRuns []*models.TaskRun
		inserted []models.TaskRunAttempt
	)
	listed := map[*models.TaskRun]struct{}{}
	for _, st := range steps {
		if st.Run == nil || st.Run.ID == "" {
			return nil, errors.New("run ID is required")
		}
		o, rid := resultRef(st.Run.Result, &st.Run.ResultID, st.Run.ResultID)
		runs.id = append(runs.id, st.Run.ID)
		runs.status = append(runs.status, string(st.Run.Status))
		runs.resultID = append(runs.resultID, rid)
		runs.resO = append(runs.resO, o)
		runs.observed = append(runs.observed, bigText(st.Run.ObservedHeight))
		runs.finishedAt = append(runs.finishedAt, st.Run.FinishedAt)
		for _, tr := range st.TaskRuns {
			// Once each: a task run listed twice would be updated once
			// and fail the count after the run's row was written.
			if _, dup := listed[tr]; dup {
				continue
			}
			listed[tr] = struct{}{}
			o, rid := resultRef(tr.Result, &tr.ResultID, tr.ResultID)
			trs.id = append(trs.id, tr.ID)
			trs.status = append(trs.status, string(tr.Status))
			trs.resultID = append(trs.resultID, rid)
			trs.resO = append(trs.resO, o)
			trs.confirmations = append(trs.confirmations, int64(tr.Confirmations))
			trs.minNeeded = append(trs.minNeeded, int64(tr.MinRequiredIncomingConfirmations))
			trs.attempts = append(trs.attempts, int32(tr.Attempts))
			trs.wakeAt = append(trs.wakeAt, tr.WakeAt)
			taskRuns = append(taskRuns, tr)
		}
		for _, a := range st.Attempts {
			a.ID = 0
			if a.CreatedAt.IsZero() {
				a.CreatedAt = now
			}
			ats.taskRunID = append(ats.taskRunID, a.TaskRunID)
			ats.attempt = append(ats.attempt, int32(a.Attempt))
			ats.status = append(ats.status, string(a.Status))
			ats.err = append(ats.err, a.Error)
			ats.createdAt = append(ats.createdAt, a.CreatedAt)
			inserted = append(inserted, a)
		}
	}
	resultColumns := func(rs []*models.RunResult) (data, status []string, errs []*string) {
		for _, r := range rs {
			d := string(r.Data)
			if d == "" {
				d = "null"
			}
			data, status, errs = append(data, d), append(status, string(r.Status)), append(errs, r.ErrorMessage)
		}
		return data, status, errs
	}
	freshO := make([]int32, len(fresh))
	for i := range fresh {
		freshO[i] = int32(i + 1)
	}
	freshData, freshStatus, freshErr := resultColumns(fresh)
	savedID := make([]int64, len(saved))
	for i, r := range saved {
		savedID[i] = r.ID
	}
	savedData, savedStatus, savedErr := resultColumns(saved)
	args := []any{
		freshO, freshData, freshStatus, freshErr, now,
		runs.id, runs.status, runs.resultID, runs.resO, runs.observed, runs.finishedAt,
		savedID, savedData, savedStatus, savedErr,
		trs.id, trs.status, trs.resultID, trs.resO, trs.confirmations, trs.minNeeded, trs.attempts, trs.wakeAt,
		ats.taskRunID, ats.attempt, ats.status, ats.err, ats.createdAt,
	}
	return &stepsWrite{steps: steps, now: now, args: args, fresh: fresh, freshIDs: freshIDs, saved: saved, savedIDs: savedIDs,
		taskRuns: taskRuns, inserted: inserted}, nil
}

// stepsWritten checks what stepsCTEs wrote of w (the runs and task runs
// updated, the new results' and attempts' IDs) and gives the rows in
// memory their IDs and times. With logAttempts the inserted attempts are
// appended to their task runs' AttemptLog, as SaveJobRunSteps does.
func (s *Store) stepsWritten(ctx context.Context, w *stepsWrite, runsUpdated, trsUpdated int64, resultIDs, attemptList string, logAttempts bool) error {
	steps, now, fresh, freshIDs, saved, savedIDs, taskRuns, inserted :=
		w.steps, w.now, w.fresh, w.freshIDs, w.saved, w.savedIDs, w.taskRuns, w.inserted
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
