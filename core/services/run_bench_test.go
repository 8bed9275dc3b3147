package services_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/runner"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// BenchmarkWebRuns measures the run pipeline without a chain: web-initiated
// runs of a 5-task job (httpget from an httptest price server, jsonparse,
// multiply, ethuint256, httppost to a sink) through the real RunManager and
// JobRunner, on SQLite and on PostgreSQL (skipped without
// PYTHIA_TEST_POSTGRES_URL). Each iteration starts a batch of runs as fast
// as the API would and waits until every one has posted its answer, so
// runs/s includes the workers' concurrency.
func BenchmarkWebRuns(b *testing.B) {
	for _, engine := range []string{testdb.EngineSQLite, testdb.EnginePostgres} {
		b.Run(engine, func(b *testing.B) { benchmarkWebRuns(b, engine) })
	}
}

const webRunsBatch = 16

func benchmarkWebRuns(b *testing.B, engine string) {
	if engine == testdb.EnginePostgres {
		testdb.PostgresURL(b) // skips without a server (fails with CI=true)
	}
	st := testdb.OpenEngine(b, engine)
	price := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"USD": 3120.75}`)
	}))
	b.Cleanup(price.Close)
	answered := make(chan struct{}, webRunsBatch)
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
		answered <- struct{}{}
	}))
	b.Cleanup(sink.Close)

	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(client.CloseIdleConnections)
	reg := adapters.NewRegistry(adapters.Deps{HTTPClient: client})
	rm, err := services.NewRunManager(services.RunConfig{Runner: runner.Config{Workers: runner.DefaultWorkers}},
		services.RunDeps{Store: st, Adapters: reg})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := rm.Runner().Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rm.Runner().Close() })

	job, err := models.ParseJobSpec(fmt.Appendf(nil, `{"initiators":[{"type":"web"}],"tasks":[
		{"type":"HttpGet","params":{"get":%q}},
		{"type":"JsonParse","params":{"path":["USD"]}},
		{"type":"Multiply","params":{"times":100}},
		{"type":"EthUint256"},
		{"type":"HttpPost","params":{"post":%q}}]}`, price.URL, sink.URL))
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateJobSpec(ctx, job); err != nil {
		b.Fatal(err)
	}

	b.ReportAllocs()
	for b.Loop() {
		for range webRunsBatch {
			if _, err := rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{}`)); err != nil {
				b.Fatal(err)
			}
		}
		for range webRunsBatch {
			select {
			case <-answered:
			case <-time.After(time.Minute):
				b.Fatal("a run did not answer within a minute")
			}
		}
	}
	b.ReportMetric(float64(b.N*webRunsBatch)/b.Elapsed().Seconds(), "runs/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*webRunsBatch), "ns/run")
}
