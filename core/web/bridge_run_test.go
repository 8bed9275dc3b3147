package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
)

// TestBridgeResumesRun runs a job through a real external adapter that
// answers "pending", then resumes it with PATCH /v2/runs/:id and the
// bridge's incoming token.
func TestBridgeResumesRun(t *testing.T) {
	adapter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"pending":true}`))
	}))
	t.Cleanup(adapter.Close)
	f := setup(t)
	f.startRunner(t)
	cookie := f.signIn(t)

	w := f.authed(t, cookie, req{method: "POST", path: "/v2/bridge_types", body: `{"name":"slow","url":"` + adapter.URL + `"}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var bridge struct {
		Data struct{ Attributes web.BridgeAttributes } `json:"data"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &bridge))
	token := bridge.Data.Attributes.IncomingToken

	job := f.createJob(t, cookie, `{"initiators":[{"type":"web"}],"tasks":[{"type":"slow"},{"type":"noop"}]}`)
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + job + "/runs", body: `{"a":1}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	runID := decode[struct{ Data struct{ ID string } }](t, w).Data.ID

	status := func() models.RunStatus {
		run, err := f.st.FindJobRun(context.Background(), runID)
		require.NoError(t, err)
		return run.Status
	}
	require.Eventually(t, func() bool { return status() == models.RunStatusPendingBridge }, 10*time.Second, 10*time.Millisecond)

	patch := func(auth, body string) *httptest.ResponseRecorder {
		return f.do(t, req{method: "PATCH", path: "/v2/runs/" + runID, body: body, header: map[string]string{"Authorization": auth}})
	}
	require.Equal(t, http.StatusUnauthorized, patch("Bearer wrong", `{"data":{"result":"7"}}`).Code)
	require.Equal(t, http.StatusUnauthorized, patch("", `{"data":{"result":"7"}}`).Code)
	require.Equal(t, http.StatusBadRequest, patch("Bearer "+token, `{"data":`).Code)
	w = patch("Bearer "+token, `{"pending":true}`)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, models.RunStatusPendingBridge, status(), "a pending answer keeps the run waiting")
	w = patch("Bearer "+token, `{"data":{"result":"7"}}`)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Eventually(t, func() bool { return status() == models.RunStatusCompleted }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, http.StatusConflict, patch("Bearer "+token, `{"data":{"result":"8"}}`).Code, "a finished run is not resumed twice")

	w = f.authed(t, cookie, req{method: "GET", path: "/v2/runs/" + runID})
	require.Equal(t, http.StatusOK, w.Code)
	var shown struct {
		Data struct{ Attributes web.RunAttributes } `json:"data"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &shown))
	require.Len(t, shown.Data.Attributes.TaskRuns, 2)
	require.JSONEq(t, `"7"`, string(models.JSONKey(shown.Data.Attributes.Result, "result")))
	for _, tr := range shown.Data.Attributes.TaskRuns {
		require.Equal(t, models.RunStatusCompleted, tr.Status)
	}
}
