package adapters_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// bridgeCall is what an external adapter received.
type bridgeCall struct {
	contentType, auth string
	body              map[string]json.RawMessage
}

// externalAdapter is a real HTTP server playing an external adapter that
// answers with status and answer.
func externalAdapter(t *testing.T, status int, answer string) (*models.BridgeType, <-chan bridgeCall) {
	t.Helper()
	calls := make(chan bridgeCall, 10)
	srv, _ := recordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := bridgeCall{contentType: r.Header.Get("Content-Type"), auth: r.Header.Get("Authorization")}
		_ = json.Unmarshal(b, &c.body)
		calls <- c
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(answer))
	})
	return &models.BridgeType{Name: "coinprice", URL: srv.URL + "/adapter", OutgoingToken: "out-token"}, calls
}

func bridgeRegistry(t *testing.T, bt *models.BridgeType, timeout time.Duration) *adapters.Registry {
	t.Helper()
	base, err := url.Parse("https://node.example:6689")
	require.NoError(t, err)
	return adapters.NewRegistry(adapters.Deps{
		Bridges:           bridgeTable{bt.Name: *bt},
		BridgeResponseURL: base,
		HTTPTimeout:       timeout,
	})
}

func performBridge(t *testing.T, reg *adapters.Registry, status models.RunStatus, data, params string) models.RunOutput {
	t.Helper()
	a, err := reg.ForTask(context.Background(), "coinprice")
	require.NoError(t, err)
	in := models.RunInput{JobRunID: "0123456789abcdef0123456789abcdef", TaskRunID: "t1", Data: models.JSON(data), Status: status}
	return a.Perform(context.Background(), in, models.JSON(params))
}

func TestBridgeRequest(t *testing.T) {
	bt, calls := externalAdapter(t, http.StatusOK, `{"jobRunID":"x","data":{"result":3021.45,"extra":"y"}}`)
	out := performBridge(t, bridgeRegistry(t, bt, time.Second), models.RunStatusInProgress,
		`{"result":"old","keep":1}`, `{"coin":"ETH"}`)

	assert.Equal(t, models.RunStatusCompleted, out.Status, out.Error)
	assert.JSONEq(t, `{"result":3021.45,"extra":"y","keep":1}`, string(out.Data),
		"the answer's data merges into the input")

	c := <-calls
	assert.Equal(t, "application/json", c.contentType, "exactly, without a charset")
	assert.Equal(t, "Bearer out-token", c.auth)
	assert.JSONEq(t, `"0123456789abcdef0123456789abcdef"`, string(c.body["id"]))
	assert.JSONEq(t, `{"result":"old","keep":1,"coin":"ETH"}`, string(c.body["data"]))
	assert.JSONEq(t, `"https://node.example:6689/v2/runs/0123456789abcdef0123456789abcdef"`, string(c.body["responseURL"]))
}

func TestBridgeAnswers(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		answer    string
		want      models.RunStatus
		retryable bool
		errText   string
		data      string
	}{
		{"pending", http.StatusOK, `{"pending":true}`, models.RunStatusPendingBridge, false, "", `{"a":1}`},
		{"pending with data", http.StatusOK, `{"pending":true,"data":{"ticket":"9"}}`, models.RunStatusPendingBridge, false, "", `{"a":1,"ticket":"9"}`},
		{"error string", http.StatusOK, `{"error":"no such coin"}`, models.RunStatusErrored, false, "bridge coinprice: no such coin", ""},
		{"error object", http.StatusOK, `{"error":{"name":"AdapterError","message":"rate limited"}}`, models.RunStatusErrored, false, "bridge coinprice: rate limited", ""},
		{"error object without message", http.StatusOK, `{"error":{"code":7}}`, models.RunStatusErrored, false, `bridge coinprice: {"code":7}`, ""},
		{"500 without error field", http.StatusInternalServerError, `{"data":{"result":1}}`, models.RunStatusErrored, true, "answered 500 Internal Server Error", ""},
		{"500 with error field", http.StatusInternalServerError, `{"error":"boom"}`, models.RunStatusErrored, true, "bridge coinprice: boom", ""},
		{"400 with text body", http.StatusBadRequest, `bad input`, models.RunStatusErrored, false, "answered 400 Bad Request: bad input", ""},
		{"200 not JSON", http.StatusOK, `<html>`, models.RunStatusErrored, false, "not a JSON object", ""},
		{"200 data not object", http.StatusOK, `{"data":5}`, models.RunStatusErrored, false, "data is not an object", ""},
		{"200 no data", http.StatusOK, `{}`, models.RunStatusCompleted, false, "", `{"a":1}`},
		{"error null is no error", http.StatusOK, `{"error":null,"data":{"result":"r"}}`, models.RunStatusCompleted, false, "", `{"a":1,"result":"r"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bt, calls := externalAdapter(t, tt.status, tt.answer)
			out := performBridge(t, bridgeRegistry(t, bt, time.Second), models.RunStatusInProgress, `{"a":1}`, `{}`)
			<-calls
			assert.Equal(t, tt.want, out.Status, "error: %s", out.Error)
			assert.Equal(t, tt.retryable, out.Retryable)
			if tt.errText != "" {
				assert.Contains(t, out.Error, tt.errText)
			}
			if tt.data != "" {
				assert.JSONEq(t, tt.data, string(out.Data))
			}
		})
	}
}

func TestBridgeTimeout(t *testing.T) {
	block := make(chan struct{})
	srv, _ := recordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-block:
		}
	})
	t.Cleanup(func() { close(block) })
	bt := &models.BridgeType{Name: "coinprice", URL: srv.URL}
	out := performBridge(t, bridgeRegistry(t, bt, 50*time.Millisecond), models.RunStatusInProgress, `{}`, `{}`)
	assert.Equal(t, models.RunStatusErrored, out.Status)
	assert.True(t, out.Retryable)
	assert.Contains(t, out.Error, "timed out")
}

func TestBridgeResumed(t *testing.T) {
	bt, calls := externalAdapter(t, http.StatusOK, `{"data":{"result":"again"}}`)
	out := performBridge(t, bridgeRegistry(t, bt, time.Second), models.RunStatusPendingBridge, `{"result":"patched"}`, `{}`)
	assert.Equal(t, models.RunStatusCompleted, out.Status)
	assert.JSONEq(t, `{"result":"patched"}`, string(out.Data), "a resumed task keeps the PATCHed data")
	select {
	case <-calls:
		t.Fatal("a resumed bridge task must not call the bridge again")
	default:
	}
}
