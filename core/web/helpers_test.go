package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/logging"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
)

const (
	testEmail    = "op@example.com"
	testPassword = "correct horse battery"
)

// storeRuns starts runs the way the run manager records them: a run with
// one unstarted task run per task, saved in the store.
// TODO(#7): replace with services' run manager once it lands.
type storeRuns struct{ st *store.Store }

func (s storeRuns) start(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON) (*models.JobRun, error) {
	run := &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: initr.ID, InitiatorType: initr.Type,
		Status: models.RunStatusUnstarted, RunRequest: &models.RunRequest{RequestParams: input}}
	for i, task := range job.Tasks {
		run.TaskRuns = append(run.TaskRuns, models.TaskRun{ID: models.NewRunID(), TaskSpecID: task.ID, Index: i, Type: task.Type, Status: models.RunStatusUnstarted})
	}
	if err := s.st.CreateJobRun(ctx, run); err != nil {
		return nil, err
	}
	return s.st.FindJobRun(ctx, run.ID)
}

func (s storeRuns) ExecuteJobFromWeb(ctx context.Context, job *models.JobSpec, input models.JSON) (*models.JobRun, error) {
	for _, in := range job.Initiators {
		if in.Type == models.InitiatorWeb {
			return s.start(ctx, job, in, input)
		}
	}
	return nil, &models.ValidationError{Errors: []models.FieldError{{Message: "no web initiator"}}}
}

func (s storeRuns) ExecuteJobFromExternal(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON) (*models.JobRun, error) {
	return s.start(ctx, job, initr, input)
}

func (s storeRuns) CancelRun(ctx context.Context, runID string) error {
	return s.st.CancelJobRun(ctx, runID, time.Now())
}

// fixture is the router over a real store, with one operator.
type fixture struct {
	st   *store.Store
	ks   *keystore.KeyStore
	deps web.Deps
	h    http.Handler
}

func setup(t *testing.T, opts ...func(*web.Deps)) *fixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t)
	hash, err := models.HashPasswordWithCost(testPassword, 4)
	require.NoError(t, err)
	require.NoError(t, st.CreateUser(ctx, &models.User{Email: testEmail, HashedPassword: hash}))
	ks := keystore.New(st, keystore.LightConfig(), logging.Discard())
	require.NoError(t, ks.Unlock(ctx, "keystore password"))
	_, err = ks.CreateKey(ctx)
	require.NoError(t, err)
	runs := storeRuns{st}
	deps := web.Deps{
		Store: st, Runs: runs, Canceller: runs, Keys: ks,
		Settings: func() []web.Setting { return []web.Setting{{Name: "CHAINLINK_PORT", Value: "6688"}} },
		Health:   okHealth{},
		Logger:   logging.Discard(),
		Auth:     web.AuthConfig{SessionTimeout: time.Hour, AllowOrigins: []string{"http://localhost:3000"}},
	}
	for _, o := range opts {
		o(&deps)
	}
	h, err := web.NewRouter(deps)
	require.NoError(t, err)
	return &fixture{st: st, ks: ks, deps: deps, h: h}
}

// req is one request to the router.
type req struct {
	method, path, body string
	header             map[string]string
	cookie             *http.Cookie
	remote             string
}

func (f *fixture) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, hr)
	return w
}

// signIn signs the operator in and returns the session cookie.
func (f *fixture) signIn(t *testing.T) *http.Cookie {
	t.Helper()
	w := f.do(t, req{method: "POST", path: "/sessions", body: `{"email":"` + testEmail + `","password":"` + testPassword + `"}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	for _, c := range w.Result().Cookies() {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// authed does r with the session cookie.
func (f *fixture) authed(t *testing.T, cookie *http.Cookie, r req) *httptest.ResponseRecorder {
	t.Helper()
	r.cookie = cookie
	return f.do(t, r)
}

// decode unmarshals a response body.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v), w.Body.String())
	return v
}

// createJob posts a spec and returns its ID.
func (f *fixture) createJob(t *testing.T, cookie *http.Cookie, spec string) string {
	t.Helper()
	w := f.authed(t, cookie, req{method: "POST", path: "/v2/specs", body: spec})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	doc := decode[struct {
		Data struct{ ID string } `json:"data"`
	}](t, w)
	require.Len(t, doc.Data.ID, 32)
	return doc.Data.ID
}

const webJob = `{"initiators":[{"type":"web"}],"tasks":[{"type":"NoOp"}]}`

type okHealth struct{}

func (okHealth) Health() []services.ServiceHealth {
	return []services.ServiceHealth{{Name: "database", Healthy: true}}
}
