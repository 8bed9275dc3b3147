package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/scheduler"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const waitFor = 10 * time.Second

var (
	_ scheduler.JobStore   = (*store.Store)(nil)
	_ scheduler.RunCreator = (*services.RunManager)(nil)
)

func setup(t *testing.T, st *store.Store) *services.RunManager {
	t.Helper()
	rm, err := services.NewRunManager(services.RunConfig{}, services.RunDeps{Store: st, Adapters: adapters.NewRegistry(adapters.Deps{})})
	require.NoError(t, err)
	require.NoError(t, rm.Runner().Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, rm.Runner().Close()) })
	return rm
}

func newScheduler(t *testing.T, st *store.Store, rm *services.RunManager) *scheduler.Scheduler {
	t.Helper()
	s, err := scheduler.New(scheduler.Config{}, st, rm, nil)
	require.NoError(t, err)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func createJob(t *testing.T, st *store.Store, spec string) *models.JobSpec {
	t.Helper()
	job, err := models.ParseJobSpec([]byte(spec))
	require.NoError(t, err)
	require.NoError(t, st.CreateJobSpec(context.Background(), job))
	return job
}

func runCount(t *testing.T, st *store.Store, jobID string) int64 {
	t.Helper()
	_, n, err := st.JobRuns(context.Background(), store.JobRunFilter{JobSpecID: jobID}, 0, 1)
	require.NoError(t, err)
	return n
}

func completedCount(t *testing.T, st *store.Store, jobID string) int64 {
	t.Helper()
	_, n, err := st.JobRuns(context.Background(), store.JobRunFilter{JobSpecID: jobID, Statuses: []models.RunStatus{models.RunStatusCompleted}}, 0, 1)
	require.NoError(t, err)
	return n
}

func TestCronFiresEverySecond(t *testing.T) {
	st := testdb.Open(t)
	rm := setup(t, st)
	job := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"CRON_TZ=Europe/Paris */1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	newScheduler(t, st, rm)
	require.Eventually(t, func() bool { return completedCount(t, st, job.ID) >= 2 }, waitFor, 20*time.Millisecond,
		"a seconds schedule fires every second")
	runs, _, err := st.JobRuns(context.Background(), store.JobRunFilter{JobSpecID: job.ID}, 0, 1)
	require.NoError(t, err)
	require.Equal(t, models.InitiatorCron, runs[0].InitiatorType)
	require.Equal(t, job.Initiators[0].ID, runs[0].InitiatorID)
}

func TestAddAndRemoveJobsAtRunTime(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	rm := setup(t, st)
	s := newScheduler(t, st, rm)
	clock := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"*/1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	added := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"*/1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	archived := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"*/1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	require.NoError(t, st.ArchiveJobSpec(ctx, archived.ID, time.Now()))
	archived, err := st.FindJobSpec(ctx, archived.ID)
	require.NoError(t, err)

	// Created after Start: scheduled only once added.
	require.NoError(t, s.AddJob(ctx, clock))
	require.NoError(t, s.AddJob(ctx, added))
	require.NoError(t, s.AddJob(ctx, added), "adding again replaces the schedule")
	require.NoError(t, s.AddJob(ctx, archived))
	require.Eventually(t, func() bool { return completedCount(t, st, added.ID) >= 1 }, waitFor, 20*time.Millisecond)

	s.RemoveJob(added.ID)
	before := runCount(t, st, added.ID)
	start := runCount(t, st, clock.ID)
	// Two more ticks of the clock job prove time passed.
	require.Eventually(t, func() bool { return runCount(t, st, clock.ID) >= start+2 }, waitFor, 20*time.Millisecond)
	require.LessOrEqual(t, runCount(t, st, added.ID), before+1, "at most a tick in flight at removal")
	require.Zero(t, runCount(t, st, archived.ID), "archived jobs are not scheduled")
	require.Error(t, s.AddJob(ctx, nil))
}

func TestRunAt(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	rm := setup(t, st)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	soon := time.Now().Add(300 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	missed := createJob(t, st, `{"initiators":[{"type":"runat","params":{"time":"`+past+`"}}],"tasks":[{"type":"noop"}]}`)
	upcoming := createJob(t, st, `{"initiators":[{"type":"runat","params":{"time":"`+soon+`"}}],"tasks":[{"type":"noop"}]}`)

	first, err := scheduler.New(scheduler.Config{}, st, rm, nil)
	require.NoError(t, err)
	require.NoError(t, first.Start(ctx))
	require.Eventually(t, func() bool {
		return completedCount(t, st, missed.ID) == 1 && completedCount(t, st, upcoming.ID) == 1
	}, waitFor, 20*time.Millisecond, "a missed runat runs at start, an upcoming one at its time")
	require.NoError(t, first.AddJob(ctx, missed), "adding a job whose runat ran starts nothing")
	require.NoError(t, first.Close())

	// A restart never runs them again: their runs are the record.
	second := newScheduler(t, st, rm)
	require.NoError(t, second.AddJob(ctx, upcoming))
	later := createJob(t, st, `{"initiators":[{"type":"runat","params":{"time":"`+past+`"}}],"tasks":[{"type":"noop"}]}`)
	require.NoError(t, second.AddJob(ctx, later))
	require.Eventually(t, func() bool { return completedCount(t, st, later.ID) == 1 }, waitFor, 20*time.Millisecond)
	require.EqualValues(t, 1, runCount(t, st, missed.ID))
	require.EqualValues(t, 1, runCount(t, st, upcoming.ID))
}

// slowLoadStore holds the scheduler's start-up load of cron jobs after it
// read them, until released.
type slowLoadStore struct {
	*store.Store
	read, release chan struct{}
}

func (s slowLoadStore) ActiveJobSpecsByInitiatorType(ctx context.Context, typ string) ([]models.JobSpec, error) {
	jobs, err := s.Store.ActiveJobSpecsByInitiatorType(ctx, typ)
	if typ == models.InitiatorCron {
		close(s.read)
		<-s.release
	}
	return jobs, err
}

// TestLoadLeavesJobsChangedMeanwhile archives and unschedules a job while
// the start-up load holds its older copy: the load must not schedule it.
func TestLoadLeavesJobsChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	rm := setup(t, st)
	clock := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"*/1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	archived := createJob(t, st, `{"initiators":[{"type":"cron","params":{"schedule":"*/1 * * * * *"}}],"tasks":[{"type":"noop"}]}`)
	slow := slowLoadStore{Store: st, read: make(chan struct{}), release: make(chan struct{})}
	s, err := scheduler.New(scheduler.Config{}, slow, rm, nil)
	require.NoError(t, err)
	require.NoError(t, s.Start(ctx))
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	<-slow.read // the load holds both jobs, neither archived
	require.NoError(t, st.ArchiveJobSpec(ctx, archived.ID, time.Now()))
	s.RemoveJob(archived.ID)
	close(slow.release)

	require.Eventually(t, func() bool { return completedCount(t, st, clock.ID) >= 2 }, waitFor, 20*time.Millisecond)
	require.Zero(t, runCount(t, st, archived.ID), "a job removed while the load ran is not scheduled by it")
}
