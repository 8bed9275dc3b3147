package web

import (
	"encoding/json"
	"flag"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenDocuments pins the JSON documents of specs, runs and bridges
// that the CLI and the operator UI read. Run with -update after an
// intended change and review the diff.
func TestGoldenDocuments(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	later := at.Add(90 * time.Second)
	conf := uint32(2)
	min := "1000000000000000000"
	job := &models.JobSpec{
		ID: "0123456789abcdef0123456789abcdef", CreatedAt: at, MinPayment: &min,
		Initiators: []models.Initiator{{Type: "runlog", Params: models.JSON(`{"address":"0x0000000000000000000000000000000000000001"}`)}},
		Tasks: []models.TaskSpec{
			{Type: "httpget", Params: models.JSON(`{"get":"https://example.com/price"}`)},
			{Type: "jsonparse", Params: models.JSON(`{"path":["price"]}`), Confirmations: &conf},
			{Type: "ethtx"},
		},
	}
	errMsg := "connection refused"
	txHash := common.HexToHash("0xabc")
	run := &models.JobRun{
		ID: "fedcba9876543210fedcba9876543210", JobSpecID: job.ID, InitiatorType: "runlog",
		Status: models.RunStatusErrored, CreatedAt: at, UpdatedAt: later, FinishedAt: &later,
		Payment: models.NewBig(big.NewInt(1e18)),
		Result:  &models.RunResult{Data: models.JSON(`{"result":"42"}`), ErrorMessage: &errMsg},
		TaskRuns: []models.TaskRun{
			{ID: "11111111111111111111111111111111", Index: 0, Type: "httpget", Status: models.RunStatusCompleted, Attempts: 1,
				Result: &models.RunResult{Data: models.JSON(`{"result":"42"}`)}, CreatedAt: at, UpdatedAt: at.Add(time.Second),
				AttemptLog: []models.TaskRunAttempt{{Attempt: 1, Status: models.RunStatusCompleted, CreatedAt: at.Add(time.Second)}}},
			{ID: "22222222222222222222222222222222", Index: 1, Type: "ethtx", Status: models.RunStatusErrored, Attempts: 3,
				Result: &models.RunResult{ErrorMessage: &errMsg}, CreatedAt: at, UpdatedAt: later},
		},
	}
	bridge := &models.BridgeType{Name: "prices", URL: "https://adapter.example/price", Confirmations: 1, MinimumContractPayment: &min,
		OutgoingToken: "outgoing-token", CreatedAt: at, UpdatedAt: later}

	tests := []struct {
		name string
		doc  any
	}{
		{"spec", Document{Data: presentSpec(job, []models.JobRun{*run})}},
		{"specs", listDocument(mustURL("/v2/specs?size=1"), page{number: 1, size: 1}, []Resource{presentSpec(job, nil)}, 3)},
		{"run", Document{Data: presentRun(run, map[string]common.Hash{"22222222222222222222222222222222": txHash})}},
		{"bridge", Document{Data: presentBridge(bridge, "")}},
		{"bridge_created", Document{Data: presentBridge(bridge, "incoming-token")}},
		{"validation_error", validationDocument(&models.ValidationError{Errors: []models.FieldError{
			{Path: "tasks[2].params.times", Message: "must be a number"}, {Path: "", Message: "must be a JSON object"}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(tt.doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run go test -run TestGoldenDocuments -update): %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s changed; run with -update if intended.\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
