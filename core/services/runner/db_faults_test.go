package runner_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// logWatch is a slog handler that reports when a record whose message
// starts with a watched prefix is logged.
type logWatch struct {
	mu      sync.Mutex
	waiters map[string]chan struct{}
}

func newLogWatch(prefixes ...string) *logWatch {
	w := &logWatch{waiters: map[string]chan struct{}{}}
	for _, p := range prefixes {
		w.waiters[p] = make(chan struct{})
	}
	return w
}

func (w *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w *logWatch) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w *logWatch) WithGroup(string) slog.Handler            { return w }
func (w *logWatch) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p, ch := range w.waiters {
		if strings.HasPrefix(r.Message, p) {
			close(ch)
			delete(w.waiters, p)
		}
	}
	return nil
}

// seen reports whether a message starting with prefix was logged.
func (w *logWatch) seen(prefix string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, waiting := w.waiters[prefix]
	return !waiting
}

func (w *logWatch) wait(t *testing.T, prefix string) {
	t.Helper()
	w.mu.Lock()
	ch, ok := w.waiters[prefix]
	w.mu.Unlock()
	if !ok {
		return // seen already
	}
	select {
	case <-ch:
	case <-time.After(waitFor):
		t.Fatalf("never logged %q", prefix)
	}
}

// database is a test database on PostgreSQL that the test can make
// unreachable: every connection to it is terminated and new ones are
// refused, as while the server restarts.
type database struct {
	name  string
	admin *pgx.Conn
}

func openFaultyDatabase(t *testing.T) (*database, string) {
	t.Helper()
	base := testdb.PostgresURL(t)
	dbURL := testdb.NewDatabaseURL(t, testdb.EnginePostgres)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close(ctx) })
	return &database{name: strings.TrimPrefix(u.Path, "/"), admin: admin}, dbURL
}

func (d *database) cut(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := d.admin.Exec(ctx, `ALTER DATABASE "`+d.name+`" ALLOW_CONNECTIONS false`)
	require.NoError(t, err)
	_, err = d.admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, d.name)
	require.NoError(t, err)
}

func (d *database) restore(t *testing.T) {
	t.Helper()
	_, err := d.admin.Exec(context.Background(), `ALTER DATABASE "`+d.name+`" ALLOW_CONNECTIONS true`)
	require.NoError(t, err)
}

// TestDatabaseFaultsLoseNoRun makes PostgreSQL unreachable (connections
// terminated, new ones refused) while the runner handles a run: the run is
// queued again with backoff and finishes once the database is back,
// instead of being dropped until a restart.
func TestDatabaseFaultsLoseNoRun(t *testing.T) {
	tests := []struct {
		name string
		// prepare creates the run before the fault; during the fault,
		// trigger makes the runner handle it.
		prepare func(t *testing.T, n *node) (runID string, trigger func())
		logged  string
	}{
		{"worker loading the run", func(t *testing.T, n *node) (string, func()) {
			job := createJob(t, n.st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}`)
			run, err := n.rm.ExecuteJobFromWeb(context.Background(), job.ID, models.JSON(`{"result":"7"}`))
			require.NoError(t, err) // queued, not started: the runner is not started yet
			return run.ID, func() { n.start(t) }
		}, "loading run"},
		{"resuming a run whose transaction is final", func(t *testing.T, n *node) (string, func()) {
			ctx := context.Background()
			n.start(t)
			job := createJob(t, n.st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000aa","functionSelector":"0x12345678"}},{"type":"noop"}]}`)
			run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":"0x07"}`))
			require.NoError(t, err)
			sent := waitStatus(t, n.st, run.ID, models.RunStatusPendingOutgoingConfirmations)
			require.Eventually(t, func() bool {
				sent, err = n.st.FindJobRun(ctx, run.ID)
				require.NoError(t, err)
				return sent.TaskRuns[0].Result != nil // the worker's save after the tx's record
			}, waitFor, 5*time.Millisecond)
			tx, err := n.st.TxByTaskRunID(ctx, sent.TaskRuns[0].ID)
			require.NoError(t, err)
			hash := tx.Attempts[0].Hash
			tx.State, tx.Hash = models.TxStateConfirmed, &hash
			require.NoError(t, n.st.SaveTxState(ctx, tx))
			return run.ID, func() { n.rm.OnTxFinal(ctx, tx) }
		}, "listing runs whose transaction is final"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, dbURL := openFaultyDatabase(t)
			st, err := testdb.OpenURL(t, dbURL)
			require.NoError(t, err)
			t.Cleanup(func() { db.restore(t) }) // before the store closes and the database is dropped
			watch := newLogWatch(tt.logged)
			n := newNode(t, st, nodeOpts{noStart: true, txSender: insertingTxSender{st}, logger: slog.New(watch),
				cfg: services.RunConfig{Runner: runnerCfg()}})
			runID, trigger := tt.prepare(t, n)

			db.cut(t)
			trigger()
			watch.wait(t, tt.logged)
			db.restore(t)

			// The test's own reads may meet a connection the fault killed.
			var done *models.JobRun
			require.Eventually(t, func() bool {
				run, err := st.FindJobRun(context.Background(), runID)
				if err != nil {
					return false
				}
				require.False(t, run.Status.Finished() && run.Status != models.RunStatusCompleted, "run %s", run.Status)
				done = run
				return run.Status == models.RunStatusCompleted
			}, waitFor, 10*time.Millisecond, "run never completed")
			require.Equal(t, models.RunStatusCompleted, done.TaskRuns[len(done.TaskRuns)-1].Status)
		})
	}
}

// runnerCfg has short backoffs and no sweep, so a test shows the retry
// itself recovers.
func runnerCfg() runner.Config {
	return runner.Config{Workers: 2, RetryBackoff: 20 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond, SweepInterval: -1}
}
