package store_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// BenchmarkLogRunWrites is the database work of one request's run up to
// its answer, one request at a time (the sequential latency of the
// benchmark harness): the run created from its log, then its steps saved
// with the answer's pause in a transaction, as RunTxSender records them.
func BenchmarkLogRunWrites(b *testing.B) {
	for _, engine := range []string{testdb.EngineSQLite, testdb.EnginePostgres} {
		b.Run(engine, func(b *testing.B) {
			if engine == testdb.EnginePostgres {
				testdb.PostgresURL(b) // skips without a server (fails with CI=true)
			}
			ctx := context.Background()
			s := testdb.OpenEngine(b, engine)
			job := newJob(time.Now(), "runlog")
			if err := s.CreateJobSpec(ctx, job); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var n uint64
			for b.Loop() {
				n++
				var h common.Hash
				binary.BigEndian.PutUint64(h[:], n)
				run := &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: job.Initiators[0].ID,
					InitiatorType: "runlog", Status: models.RunStatusUnstarted, RunRequest: logRequest(h, h, 1)}
				for i, task := range job.Tasks {
					run.TaskRuns = append(run.TaskRuns, models.TaskRun{ID: models.NewRunID(), TaskSpecID: task.ID, Index: i,
						Type: task.Type, Status: models.RunStatusUnstarted})
				}
				if err := s.CreateJobRuns(ctx, []*models.JobRun{run}); err != nil {
					b.Fatal(err)
				}
				run.Status = models.RunStatusPendingOutgoingConfirmations
				var trs []*models.TaskRun
				var attempts []models.TaskRunAttempt
				for i := range run.TaskRuns {
					tr := &run.TaskRuns[i]
					tr.Status, tr.Attempts = models.RunStatusCompleted, 1
					if i == len(run.TaskRuns)-1 {
						tr.Status = models.RunStatusPendingOutgoingConfirmations
					}
					tr.Result = &models.RunResult{Data: models.JSON(`{"result":"312075"}`), Status: tr.Status}
					trs = append(trs, tr)
					attempts = append(attempts, models.TaskRunAttempt{TaskRunID: tr.ID, Attempt: 1, Status: tr.Status})
				}
				err := s.Transact(ctx, func(tx *store.Store) error {
					return tx.SaveJobRunSteps(ctx, run, trs, attempts...)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
