package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
)

type listDoc struct {
	Data []struct {
		ID         string          `json:"id"`
		Attributes json.RawMessage `json:"attributes"`
	} `json:"data"`
	Meta  struct{ Count int64 } `json:"meta"`
	Links web.Links             `json:"links"`
}

func TestSpecsBadInput(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	tests := []struct {
		name     string
		body     string
		want     int
		pointers []string
	}{
		{"malformed JSON", `{"initiators":[`, http.StatusBadRequest, nil},
		{"empty body", ``, http.StatusBadRequest, nil},
		{"not an object", `[1,2]`, http.StatusUnprocessableEntity, []string{""}},
		{"every problem by field", `{"initiators":[{"type":"cron","params":{"schedule":"nope"}}],"tasks":[{"type":"httpget"},{"type":"nosuchadapter"},{"type":"multiply","params":{"times":"x"}}],"minPayment":"-1"}`,
			http.StatusUnprocessableEntity, []string{"/initiators/0/params/schedule", "/tasks/1/type", "/tasks/2/params/times", "/minPayment"}},
		{"unknown external initiator", `{"initiators":[{"type":"external","params":{"name":"nobody"}}],"tasks":[{"type":"noop"}]}`, http.StatusUnprocessableEntity, []string{"/initiators/0/params/name"}},
		{"too large", `{"tasks":"` + strings.Repeat("x", 1<<20) + `"}`, http.StatusRequestEntityTooLarge, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.authed(t, cookie, req{method: "POST", path: "/v2/specs", body: tt.body})
			require.Equal(t, tt.want, w.Code, w.Body.String())
			doc := decode[web.ErrorDocument](t, w)
			require.NotEmpty(t, doc.Errors)
			for _, p := range tt.pointers {
				found := false
				for _, e := range doc.Errors {
					found = found || (e.Source != nil && e.Source.Pointer == p)
				}
				require.True(t, found, "no error at %q in %s", p, w.Body.String())
			}
		})
	}
	jobs, count, err := f.st.JobSpecs(context.Background(), 0, 10)
	require.NoError(t, err)
	require.Zero(t, count, "nothing half-saved: %v", jobs)

	for _, path := range []string{"/v2/specs/0123456789abcdef0123456789abcdef", "/v2/specs/nothex", "/v2/runs/nope", "/v2/bridge_types/nope", "/v2/transactions/0x" + strings.Repeat("ab", 32), "/v2/nosuchroute"} {
		w := f.authed(t, cookie, req{method: "GET", path: path})
		require.Equal(t, http.StatusNotFound, w.Code, path)
	}
	w := f.authed(t, cookie, req{method: "GET", path: "/v2/specs?page=0"})
	require.Equal(t, http.StatusBadRequest, w.Code)
	w = f.authed(t, cookie, req{method: "GET", path: "/v2/runs?status=bogus"})
	require.Equal(t, http.StatusBadRequest, w.Code)
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/bridge_types", body: `{"name":"x",`})
	require.Equal(t, http.StatusBadRequest, w.Code)
}

func TestSpecsLifecycle(t *testing.T) {
	var mu sync.Mutex
	var created, archived []string
	f := setup(t, func(d *web.Deps) {
		d.JobCreated = func(_ context.Context, js *models.JobSpec) { mu.Lock(); created = append(created, js.ID); mu.Unlock() }
		d.JobArchived = func(_ context.Context, js *models.JobSpec) {
			mu.Lock()
			archived = append(archived, js.ID)
			mu.Unlock()
		}
	})
	cookie := f.signIn(t)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, f.createJob(t, cookie, webJob))
	}
	require.Equal(t, ids, created)

	w := f.authed(t, cookie, req{method: "GET", path: "/v2/specs?size=2"})
	require.Equal(t, http.StatusOK, w.Code)
	list := decode[listDoc](t, w)
	require.EqualValues(t, 3, list.Meta.Count)
	require.Len(t, list.Data, 2)
	require.Equal(t, "/v2/specs?page=2&size=2", list.Links.Next)
	require.Empty(t, list.Links.Prev)
	w = f.authed(t, cookie, req{method: "GET", path: list.Links.Next})
	list2 := decode[listDoc](t, w)
	require.Len(t, list2.Data, 1)
	require.Empty(t, list2.Links.Next)
	require.Equal(t, "/v2/specs?page=1&size=2", list2.Links.Prev)
	seen := map[string]bool{}
	for _, d := range append(list.Data, list2.Data...) {
		seen[d.ID] = true
	}
	require.Len(t, seen, 3)

	// Two runs, filtered by job and status.
	for i := 0; i < 2; i++ {
		w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + ids[0] + "/runs", body: `{"value":` + fmt.Sprint(i) + `}`})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + ids[0] + "/runs", body: `{"value":`})
	require.Equal(t, http.StatusBadRequest, w.Code)
	w = f.authed(t, cookie, req{method: "GET", path: "/v2/runs?jobId=" + ids[0]})
	runs := decode[listDoc](t, w)
	require.EqualValues(t, 2, runs.Meta.Count)
	require.EqualValues(t, 0, decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/runs?jobId=" + ids[1]})).Meta.Count)
	require.EqualValues(t, 0, decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/runs?status=completed"})).Meta.Count)

	w = f.authed(t, cookie, req{method: "PUT", path: "/v2/runs/" + runs.Data[0].ID + "/cancellation"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"status":"cancelled"`)
	w = f.authed(t, cookie, req{method: "PUT", path: "/v2/runs/" + runs.Data[0].ID + "/cancellation"})
	require.Equal(t, http.StatusConflict, w.Code, "a finished run cannot be cancelled")
	require.EqualValues(t, 1, decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/runs?status=cancelled&jobId=" + ids[0]})).Meta.Count)

	w = f.authed(t, cookie, req{method: "GET", path: "/v2/specs/" + ids[0]})
	require.Equal(t, http.StatusOK, w.Code)
	var show struct {
		Data struct{ Attributes web.SpecAttributes } `json:"data"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &show))
	require.Len(t, show.Data.Attributes.Runs, 2)
	require.Equal(t, "noop", show.Data.Attributes.Tasks[0].Type)

	w = f.authed(t, cookie, req{method: "DELETE", path: "/v2/specs/" + ids[0]})
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, []string{ids[0]}, archived)
	require.EqualValues(t, 2, decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/specs"})).Meta.Count)
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + ids[0] + "/runs"})
	require.Equal(t, http.StatusGone, w.Code)
	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "GET", path: "/v2/specs/" + ids[0]}).Code, "archived jobs stay readable")

	cron := f.createJob(t, cookie, `{"initiators":[{"type":"cron","params":{"schedule":"@every 1h"}}],"tasks":[{"type":"noop"}]}`)
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + cron + "/runs"})
	require.Equal(t, http.StatusForbidden, w.Code, "only a web initiator lets the operator start a run")
}

func TestBridgeTypes(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	w := f.authed(t, cookie, req{method: "POST", path: "/v2/bridge_types", body: `{"name":"HttpGet","url":"ftp://x"}`})
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	require.Contains(t, w.Body.String(), `"pointer":"/name"`)
	require.Contains(t, w.Body.String(), `"pointer":"/url"`)

	w = f.authed(t, cookie, req{method: "POST", path: "/v2/bridge_types", body: `{"name":"Prices","url":"http://127.0.0.1:9/","confirmations":2}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var created struct {
		Data struct{ Attributes web.BridgeAttributes } `json:"data"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	require.Equal(t, "prices", created.Data.Attributes.Name)
	token := created.Data.Attributes.IncomingToken
	require.NotEmpty(t, token)
	require.NotEmpty(t, created.Data.Attributes.OutgoingToken)

	w = f.authed(t, cookie, req{method: "POST", path: "/v2/bridge_types", body: `{"name":"prices","url":"http://127.0.0.1:9/"}`})
	require.Equal(t, http.StatusUnprocessableEntity, w.Code, "names are unique")

	w = f.authed(t, cookie, req{method: "GET", path: "/v2/bridge_types/prices"})
	require.Equal(t, http.StatusOK, w.Code)
	require.NotContains(t, w.Body.String(), token, "the incoming token is shown once")
	require.NotContains(t, w.Body.String(), "Token")

	w = f.authed(t, cookie, req{method: "PATCH", path: "/v2/bridge_types/prices", body: `{"url":"https://adapter.example/x","confirmations":5}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	bt, err := f.st.FindBridgeType(context.Background(), "prices")
	require.NoError(t, err)
	require.Equal(t, "https://adapter.example/x", bt.URL)
	require.EqualValues(t, 5, bt.Confirmations)
	require.True(t, bt.IncomingTokenMatches(token), "an update keeps the tokens")

	list := decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/bridge_types"}))
	require.EqualValues(t, 1, list.Meta.Count)

	// A job using the bridge keeps it from being deleted.
	job := f.createJob(t, cookie, `{"initiators":[{"type":"web"}],"tasks":[{"type":"prices"}]}`)
	require.Equal(t, http.StatusConflict, f.authed(t, cookie, req{method: "DELETE", path: "/v2/bridge_types/prices"}).Code)
	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "DELETE", path: "/v2/specs/" + job}).Code)
	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "DELETE", path: "/v2/bridge_types/prices"}).Code)
	require.Equal(t, http.StatusNotFound, f.authed(t, cookie, req{method: "GET", path: "/v2/bridge_types/prices"}).Code)
}

// eiServer is a real external initiator: it records the node's calls.
type eiServer struct {
	mu    sync.Mutex
	calls []string
	srv   *httptest.Server
	token string
}

func newEIServer(t *testing.T) *eiServer {
	e := &eiServer{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		defer e.mu.Unlock()
		if r.Header.Get(web.HeaderEIAccessKey) != e.token || r.Header.Get(web.HeaderEISecret) == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var notice web.JobNotice
		_ = json.Unmarshal(body, &notice)
		e.calls = append(e.calls, r.Method+" "+r.URL.Path+" "+notice.JobID)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *eiServer) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}

func TestExternalInitiator(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	ei := newEIServer(t)

	w := f.authed(t, cookie, req{method: "POST", path: "/v2/external_initiators", body: `{"name":"feeds","url":"` + ei.srv.URL + `/jobs"}`})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	var created struct {
		Data struct {
			Attributes web.ExternalInitiatorAttributes
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	creds := created.Data.Attributes
	require.NotEmpty(t, creds.AccessKey)
	require.NotEmpty(t, creds.Secret)
	ei.mu.Lock()
	ei.token = creds.OutgoingToken
	ei.mu.Unlock()
	stored, err := f.st.FindExternalInitiator(context.Background(), "feeds")
	require.NoError(t, err)
	require.NotContains(t, stored.AccessKeyHash+stored.HashedSecret, creds.Secret, "only hashes are stored")
	require.Equal(t, http.StatusUnprocessableEntity, f.authed(t, cookie, req{method: "POST", path: "/v2/external_initiators", body: `{"name":"feeds"}`}).Code)
	require.NotContains(t, f.authed(t, cookie, req{method: "GET", path: "/v2/external_initiators"}).Body.String(), creds.Secret)

	spec := `{"initiators":[{"type":"external","params":{"name":"feeds"}}],"tasks":[{"type":"noop"}]}`
	job := f.createJob(t, cookie, spec)
	require.Equal(t, []string{"POST /jobs " + job}, ei.seen(), "notified on create")

	run := func(key, secret string) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: "/v2/specs/" + job + "/runs", body: `{"price":1}`,
			header: map[string]string{web.HeaderEIAccessKey: key, web.HeaderEISecret: secret}})
	}
	w = run(creds.AccessKey, creds.Secret)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"initiatorType":"external"`)
	require.Equal(t, http.StatusUnauthorized, run(creds.AccessKey, "wrong").Code)
	require.Equal(t, http.StatusUnauthorized, run("wrong", creds.Secret).Code)
	require.Equal(t, http.StatusUnauthorized, run(creds.Secret, creds.AccessKey).Code)
	// A session cannot start a job that has no web initiator.
	require.Equal(t, http.StatusForbidden, f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + job + "/runs"}).Code)
	// Another initiator's credentials cannot start it.
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/external_initiators", body: `{"name":"other"}`})
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	require.Equal(t, http.StatusForbidden, run(created.Data.Attributes.AccessKey, created.Data.Attributes.Secret).Code)
	runs := decode[listDoc](t, f.authed(t, cookie, req{method: "GET", path: "/v2/runs?jobId=" + job}))
	require.EqualValues(t, 1, runs.Meta.Count)

	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "DELETE", path: "/v2/specs/" + job}).Code)
	require.Equal(t, []string{"POST /jobs " + job, "DELETE /jobs/" + job + " "}, ei.seen(), "notified on archive")

	// An initiator that refuses the job: nothing is saved.
	ei.mu.Lock()
	ei.token = "something else"
	ei.mu.Unlock()
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/specs", body: spec})
	require.Equal(t, http.StatusBadGateway, w.Code, w.Body.String())
	_, count, err := f.st.JobSpecs(context.Background(), 0, 10)
	require.NoError(t, err)
	require.Zero(t, count)

	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "DELETE", path: "/v2/external_initiators/feeds"}).Code)
	require.Equal(t, http.StatusUnauthorized, run(creds.AccessKey, creds.Secret).Code)
	require.Equal(t, http.StatusNotFound, f.authed(t, cookie, req{method: "DELETE", path: "/v2/external_initiators/feeds"}).Code)
}

func TestKeysConfigPing(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	w := f.authed(t, cookie, req{method: "GET", path: "/v2/keys"})
	require.Equal(t, http.StatusOK, w.Code)
	keys := len(f.ks.Addresses())
	require.EqualValues(t, keys, decode[listDoc](t, w).Meta.Count)
	require.Contains(t, w.Body.String(), f.ks.Addresses()[0].Hex())
	w = f.authed(t, cookie, req{method: "POST", path: "/v2/keys"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.Len(t, f.ks.Addresses(), keys+1)

	w = f.authed(t, cookie, req{method: "GET", path: "/v2/transactions"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.EqualValues(t, 0, decode[listDoc](t, w).Meta.Count)

	w = f.authed(t, cookie, req{method: "GET", path: "/v2/config"})
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `"CHAINLINK_PORT"`)
	w = f.do(t, req{method: "GET", path: "/v2/ping"})
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, http.StatusOK, f.do(t, req{method: "GET", path: "/health"}).Code)
}
