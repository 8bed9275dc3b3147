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
// benchmark harness). "general": the query for the request's earlier
// runs, the run's insert, then the answer's transaction (claim the
// nonce, insert the tx, save the steps), as the node does on SQLite and
// for requests seen before. "one-statement" (PostgreSQL): the run's
// insert that checks for earlier runs, then the answer's one statement
// (store.CreateJobRunsForNewRequests, store.InsertAnswers), as the node
// does for new requests on PostgreSQL.
func BenchmarkLogRunWrites(b *testing.B) {
	for _, engine := range []string{testdb.EngineSQLite, testdb.EnginePostgres} {
		for _, path := range []string{"general", "one-statement"} {
			if engine == testdb.EngineSQLite && path == "one-statement" {
				continue
			}
			b.Run(engine+"/"+path, func(b *testing.B) {
				if engine == testdb.EnginePostgres {
					testdb.PostgresURL(b) // skips without a server (fails with CI=true)
				}
				benchmarkLogRunWrites(b, testdb.OpenEngine(b, engine), path == "one-statement")
			})
		}
	}
}

func benchmarkLogRunWrites(b *testing.B, s *store.Store, oneStatement bool) {
	ctx := context.Background()
	job := newJob(time.Now(), "runlog")
	if err := s.CreateJobSpec(ctx, job); err != nil {
		b.Fatal(err)
	}
	from := common.HexToAddress("0x00000000000000000000000000000000000000f1")
	if _, err := s.RaiseNextNonce(ctx, from, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var n uint64
	for b.Loop() {
		n++
		var h common.Hash
		binary.BigEndian.PutUint64(h[:], n)
		req := logRequest(h, h, 1)
		req.RequestID = &h
		run := unsavedRun(job, req)
		runs := []*models.JobRun{run}
		if oneStatement {
			if created, err := s.CreateJobRunsForNewRequests(ctx, runs); err != nil || !created {
				b.Fatal(created, err)
			}
		} else {
			if _, err := s.RequestsWithLiveRuns(ctx, job.ID, []common.Hash{h}); err != nil {
				b.Fatal(err)
			}
			if err := s.CreateJobRuns(ctx, runs); err != nil {
				b.Fatal(err)
			}
		}
		steps, tx := answerOf(run, from, n-1, h)
		if oneStatement {
			if ok, err := s.InsertAnswers(ctx, n-1, []*models.Tx{tx}, []store.RunSteps{steps}); err != nil || !ok {
				b.Fatal(ok, err)
			}
			continue
		}
		err := s.Transact(ctx, func(db *store.Store) error {
			if _, err := db.ClaimNonces(ctx, from, 1); err != nil {
				return err
			}
			if _, err := db.InsertTxs(ctx, []*models.Tx{tx}); err != nil {
				return err
			}
			return db.SaveJobRunSteps(ctx, steps.Run, steps.TaskRuns, steps.Attempts...)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAnsweredRuns is the load of a batch of 200 runs (of a
// three-task job) whose answers, their last tasks, were confirmed, as
// the pass that completes them makes it: "whole" loads every task run
// with its result and attempts and the run's request (store.FindJobRuns),
// "paused" only the answer's task run (store.FindPausedRuns), which is
// all that pass needs for a run the answer ends.
func BenchmarkLoadAnsweredRuns(b *testing.B) {
	for _, engine := range []string{testdb.EngineSQLite, testdb.EnginePostgres} {
		b.Run(engine, func(b *testing.B) {
			if engine == testdb.EnginePostgres {
				testdb.PostgresURL(b) // skips without a server (fails with CI=true)
			}
			s := testdb.OpenEngine(b, engine)
			ids := answeredRuns(b, s, 200)
			pending := models.RunStatusPendingOutgoingConfirmations
			b.Run("whole", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if runs, err := s.FindJobRuns(context.Background(), ids); err != nil || len(runs) != len(ids) {
						b.Fatal(len(runs), err)
					}
				}
			})
			b.Run("paused", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if runs, _, err := s.FindPausedRuns(context.Background(), ids, pending); err != nil || len(runs) != len(ids) {
						b.Fatal(len(runs), err)
					}
				}
			})
		})
	}
}

// answeredRuns saves n runs waiting on the answer of their last task,
// every task before it completed, each with its attempt.
func answeredRuns(b *testing.B, s *store.Store, n int) []string {
	ctx := context.Background()
	job := newJob(time.Now(), "runlog")
	if err := s.CreateJobSpec(ctx, job); err != nil {
		b.Fatal(err)
	}
	from := common.HexToAddress("0x00000000000000000000000000000000000000f1")
	ids := make([]string, n)
	for i := range n {
		var h common.Hash
		binary.BigEndian.PutUint64(h[:], uint64(i+1))
		run := unsavedRun(job, logRequest(h, h, 1))
		if err := s.CreateJobRuns(ctx, []*models.JobRun{run}); err != nil {
			b.Fatal(err)
		}
		steps, _ := answerOf(run, from, uint64(i), h)
		if err := s.SaveJobRunSteps(ctx, steps.Run, steps.TaskRuns, steps.Attempts...); err != nil {
			b.Fatal(err)
		}
		ids[i] = run.ID
	}
	return ids
}
