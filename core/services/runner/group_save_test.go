package runner

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// batchCounter is the store, noting the size of each batch it saves.
type batchCounter struct {
	*store.Store
	mu    sync.Mutex
	sizes []int
}

func (b *batchCounter) SaveRunsSteps(ctx context.Context, steps []store.RunSteps) error {
	b.mu.Lock()
	b.sizes = append(b.sizes, len(steps))
	b.mu.Unlock()
	return b.Store.SaveRunsSteps(ctx, steps)
}

// TestGroupSave: saves that come while another is written are written
// together in one transaction; when one run of the batch is finished
// meanwhile, the batch is undone and each save is written on its own, so
// only that run's save fails and the others' results are saved with the
// IDs their rows got.
func TestGroupSave(t *testing.T) {
	testdb.ForEachEngine(t, func(t *testing.T, engine string) {
		for _, cancelOne := range []bool{false, true} {
			t.Run(fmt.Sprintf("one run cancelled %v", cancelOne), func(t *testing.T) {
				ctx := t.Context()
				st := testdb.OpenEngine(t, engine)
				job := &models.JobSpec{
					Initiators: []models.Initiator{{Type: models.InitiatorWeb}},
					Tasks:      []models.TaskSpec{{Type: "noop"}, {Type: "noop"}},
				}
				require.NoError(t, st.CreateJobSpec(ctx, job))
				const n = 12
				runs := make([]*models.JobRun, n)
				for i := range runs {
					run := &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: job.Initiators[0].ID,
						InitiatorType: job.Initiators[0].Type, Status: models.RunStatusUnstarted}
					for k, task := range job.Tasks {
						run.TaskRuns = append(run.TaskRuns, models.TaskRun{ID: models.NewRunID(), TaskSpecID: task.ID, Index: k,
							Type: task.Type, Status: models.RunStatusUnstarted})
					}
					require.NoError(t, st.CreateJobRun(ctx, run))
					runs[i] = run
				}
				const cancelled = 5
				if cancelOne {
					require.NoError(t, st.CancelJobRun(ctx, runs[cancelled].ID, time.Now()))
				}

				counter := &batchCounter{Store: st}
				first := make(chan struct{})
				var once sync.Once
				var g *groupSaver
				g = newGroupSaver(counter, func(ctx context.Context, s store.RunSteps) error {
					// The first save (a batch of one) is held until every
					// other is queued behind it.
					once.Do(func() {
						close(first)
						require.Eventually(t, func() bool {
							g.mu.Lock()
							defer g.mu.Unlock()
							return len(g.queue) == n-1
						}, 10*time.Second, time.Millisecond)
					})
					return st.SaveJobRunSteps(ctx, s.Run, s.TaskRuns, s.Attempts...)
				})
				steps := func(i int) store.RunSteps {
					run := runs[i]
					tr := &run.TaskRuns[0]
					tr.Status = models.RunStatusCompleted
					tr.Result = &models.RunResult{Data: models.JSON(fmt.Sprintf(`{"result":%d}`, i)), Status: models.RunStatusCompleted}
					run.Status = models.RunStatusInProgress
					return store.RunSteps{Run: run, TaskRuns: []*models.TaskRun{tr},
						Attempts: []models.TaskRunAttempt{{TaskRunID: tr.ID, Attempt: 1, Status: models.RunStatusCompleted}}}
				}
				errs := make([]error, n)
				var wg sync.WaitGroup
				wg.Go(func() { errs[0] = g.save(ctx, steps(0)) })
				<-first
				for i := 1; i < n; i++ {
					wg.Go(func() { errs[i] = g.save(ctx, steps(i)) })
				}
				wg.Wait()

				counter.mu.Lock()
				assert.Equal(t, []int{n - 1}, counter.sizes, "the saves queued behind the first were written as one batch")
				counter.mu.Unlock()
				for i, run := range runs {
					if cancelOne && i == cancelled {
						require.ErrorIs(t, errs[i], store.ErrRunFinished)
						continue
					}
					require.NoError(t, errs[i], "run %d", i)
					got, err := st.FindJobRun(ctx, run.ID)
					require.NoError(t, err)
					assert.Equal(t, models.RunStatusInProgress, got.Status)
					tr := got.TaskRuns[0]
					assert.Equal(t, models.RunStatusCompleted, tr.Status)
					require.NotNil(t, tr.Result, "run %d", i)
					assert.JSONEq(t, fmt.Sprintf(`{"result":%d}`, i), string(tr.Result.Data))
					require.NotNil(t, run.TaskRuns[0].ResultID)
					assert.Equal(t, tr.Result.ID, *run.TaskRuns[0].ResultID, "run %d: the ID in memory is the saved row's", i)
					assert.Len(t, tr.AttemptLog, 1, "run %d: attempts saved once", i)
				}
			})
		}
	})
}
