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

	"github.com/pythia-oracle/pythia/core/adapters"
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

// fixture is the router over a real store, with one operator.
type fixture struct {
	rm   *services.RunManager
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
	reg := adapters.NewRegistry(adapters.Deps{Bridges: st, Logger: logging.Discard()})
	rm, err := services.NewRunManager(services.RunConfig{}, services.RunDeps{Store: st, Adapters: reg, Logger: logging.Discard()})
	require.NoError(t, err)
	deps := web.Deps{
		Store: st, Runs: rm, Resumer: rm, Canceller: rm, Keys: ks, Adapters: reg,
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
	return &fixture{rm: rm, st: st, ks: ks, deps: deps, h: h}
}

// startRunner runs the JobRunner until the test ends, so runs execute.
func (f *fixture) startRunner(t *testing.T) {
	t.Helper()
	require.NoError(t, f.rm.Runner().Start(context.Background()))
	t.Cleanup(func() { _ = f.rm.Runner().Close() })
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
