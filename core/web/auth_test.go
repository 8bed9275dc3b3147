package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
)

// TestEveryRouteNeedsCredentials calls every route without credentials,
// with a wrong token and with an expired session: all are refused but
// /health, /v2/ping and POST /sessions.
func TestEveryRouteNeedsCredentials(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	cookie := f.signIn(t)
	jobID := f.createJob(t, cookie, webJob)
	w := f.authed(t, cookie, req{method: "POST", path: "/v2/specs/" + jobID + "/runs"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	runID := decode[struct{ Data struct{ ID string } }](t, w).Data.ID

	expiredToken := "an-expired-session-token"
	sum := sha256.Sum256([]byte(expiredToken))
	require.NoError(t, f.st.CreateSession(ctx, &models.Session{ID: hex.EncodeToString(sum[:]), Email: testEmail, LastUsedAt: time.Now().Add(-2 * time.Hour)}))

	open := map[string]bool{"GET /health": true, "GET /v2/ping": true, "POST /sessions": true}
	routes := []struct{ method, path, body string }{
		{"GET", "/health", ""},
		{"GET", "/v2/ping", ""},
		{"POST", "/sessions", `{"email":"` + testEmail + `","password":"` + testPassword + `"}`},
		{"DELETE", "/sessions", ""},
		{"GET", "/v2/user", ""},
		{"PATCH", "/v2/user/password", `{"oldPassword":"a","newPassword":"b"}`},
		{"GET", "/v2/specs", ""},
		{"POST", "/v2/specs", webJob},
		{"GET", "/v2/specs/" + jobID, ""},
		{"DELETE", "/v2/specs/" + jobID, ""},
		{"POST", "/v2/specs/" + jobID + "/runs", ""},
		{"GET", "/v2/runs", ""},
		{"GET", "/v2/runs/" + runID, ""},
		{"PATCH", "/v2/runs/" + runID, `{"data":{}}`},
		{"PUT", "/v2/runs/" + runID + "/cancellation", ""},
		{"GET", "/v2/bridge_types", ""},
		{"POST", "/v2/bridge_types", `{"name":"b","url":"http://x"}`},
		{"GET", "/v2/bridge_types/b", ""},
		{"PATCH", "/v2/bridge_types/b", `{"url":"http://y"}`},
		{"DELETE", "/v2/bridge_types/b", ""},
		{"GET", "/v2/external_initiators", ""},
		{"POST", "/v2/external_initiators", `{"name":"ei"}`},
		{"DELETE", "/v2/external_initiators/ei", ""},
		{"GET", "/v2/keys", ""},
		{"POST", "/v2/keys", ""},
		{"GET", "/v2/transactions", ""},
		{"GET", "/v2/transactions/0x" + fmt.Sprintf("%064x", 1), ""},
		{"GET", "/v2/config", ""},
	}
	credentials := []struct {
		name   string
		cookie *http.Cookie
		header map[string]string
	}{
		{"none", nil, nil},
		{"wrong session token", &http.Cookie{Name: web.SessionCookie, Value: "not-a-session"}, nil},
		{"expired session", &http.Cookie{Name: web.SessionCookie, Value: expiredToken}, nil},
		{"wrong bearer token", nil, map[string]string{"Authorization": "Bearer wrong"}},
		{"wrong external initiator", nil, map[string]string{web.HeaderEIAccessKey: "wrong", web.HeaderEISecret: "wrong"}},
	}
	for _, cred := range credentials {
		for _, rt := range routes {
			t.Run(cred.name+" "+rt.method+" "+rt.path, func(t *testing.T) {
				w := f.do(t, req{method: rt.method, path: rt.path, body: rt.body, cookie: cred.cookie, header: cred.header})
				if open[rt.method+" "+rt.path] {
					require.Equal(t, http.StatusOK, w.Code, w.Body.String())
					return
				}
				require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, w.Code, w.Body.String())
				doc := decode[web.ErrorDocument](t, w)
				require.NotEmpty(t, doc.Errors)
			})
		}
	}
	// Nothing above changed anything: the job is not archived and the
	// run not cancelled.
	js, err := f.st.FindJobSpec(ctx, jobID)
	require.NoError(t, err)
	require.False(t, js.Archived())
	run, err := f.st.FindJobRun(ctx, runID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusUnstarted, run.Status)
	// The expired session is gone.
	_, err = f.st.FindSession(ctx, hex.EncodeToString(sum[:]))
	require.Error(t, err)
}

func TestSessionLifecycle(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	require.True(t, cookie.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	require.False(t, cookie.Secure)

	w := f.authed(t, cookie, req{method: "GET", path: "/v2/user"})
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), testEmail)

	sessions := 0
	sum := sha256.Sum256([]byte(cookie.Value))
	if _, err := f.st.FindSession(context.Background(), hex.EncodeToString(sum[:])); err == nil {
		sessions++
	}
	require.Equal(t, 1, sessions, "the session is stored by its token's SHA-256")
	_, err := f.st.FindSession(context.Background(), cookie.Value)
	require.Error(t, err, "the raw token is not stored")

	w = f.authed(t, cookie, req{method: "DELETE", path: "/sessions"})
	require.Equal(t, http.StatusOK, w.Code)
	w = f.authed(t, cookie, req{method: "GET", path: "/v2/user"})
	require.Equal(t, http.StatusUnauthorized, w.Code)

	w = f.do(t, req{method: "POST", path: "/sessions", body: `{"email":"` + testEmail + `","password":"wrong"}`})
	require.Equal(t, http.StatusUnauthorized, w.Code)
	w = f.do(t, req{method: "POST", path: "/sessions", body: `{"email":"nobody@example.com","password":"wrong"}`})
	require.Equal(t, http.StatusUnauthorized, w.Code)

	secure := setup(t, func(d *web.Deps) { d.Auth.SecureCookies = true })
	require.True(t, secure.signIn(t).Secure)
}

func TestSessionExpiresAfterInactivity(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	f := setup(t, func(d *web.Deps) { d.Now = clock; d.Auth.SessionTimeout = 10 * time.Minute })
	cookie := f.signIn(t)
	for i := 0; i < 3; i++ { // used every 9 minutes, it stays alive
		now = now.Add(9 * time.Minute)
		require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "GET", path: "/v2/user"}).Code)
	}
	now = now.Add(11 * time.Minute)
	w := f.authed(t, cookie, req{method: "GET", path: "/v2/user"})
	require.Equal(t, http.StatusUnauthorized, w.Code)
	require.Contains(t, w.Body.String(), "expired")
}

func TestPasswordChange(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	other := f.signIn(t)
	w := f.authed(t, cookie, req{method: "PATCH", path: "/v2/user/password", body: `{"oldPassword":"wrong","newPassword":""}`})
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	doc := decode[web.ErrorDocument](t, w)
	require.Len(t, doc.Errors, 2)
	require.Equal(t, "/oldPassword", doc.Errors[0].Source.Pointer)
	require.Equal(t, "/newPassword", doc.Errors[1].Source.Pointer)

	w = f.authed(t, cookie, req{method: "PATCH", path: "/v2/user/password", body: `{"oldPassword":"` + testPassword + `","newPassword":"a new password"}`})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "GET", path: "/v2/user"}).Code)
	require.Equal(t, http.StatusUnauthorized, f.authed(t, other, req{method: "GET", path: "/v2/user"}).Code, "other sessions end")
	w = f.do(t, req{method: "POST", path: "/sessions", body: `{"email":"` + testEmail + `","password":"a new password"}`})
	require.Equal(t, http.StatusOK, w.Code)
}

func TestCSRF(t *testing.T) {
	f := setup(t)
	cookie := f.signIn(t)
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"script without Origin", nil, http.StatusOK},
		{"same origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"allowed origin", map[string]string{"Origin": "http://localhost:3000", "Sec-Fetch-Site": "cross-site"}, http.StatusOK},
		{"same-origin Referer", map[string]string{"Referer": "http://example.com/jobs/new"}, http.StatusOK},
		{"cross-site Origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"cross-site Referer", map[string]string{"Referer": "https://evil.example/page"}, http.StatusForbidden},
		{"null Origin", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"Sec-Fetch-Site cross-site alone", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _, err := f.st.JobSpecs(context.Background(), 0, 100)
			require.NoError(t, err)
			w := f.authed(t, cookie, req{method: "POST", path: "/v2/specs", body: webJob, header: tt.header})
			require.Equal(t, tt.want, w.Code, w.Body.String())
			after, _, err := f.st.JobSpecs(context.Background(), 0, 100)
			require.NoError(t, err)
			if tt.want == http.StatusOK {
				require.Len(t, after, len(before)+1)
			} else {
				require.Len(t, after, len(before), "a refused write changes nothing")
			}
			// Reads are never refused: a cross-site page cannot read the
			// answer anyway (no CORS for it).
			require.Equal(t, http.StatusOK, f.authed(t, cookie, req{method: "GET", path: "/v2/specs", header: tt.header}).Code)
		})
	}
	// Sign-in from another site (login CSRF) is refused too.
	w := f.do(t, req{method: "POST", path: "/sessions", body: `{"email":"` + testEmail + `","password":"` + testPassword + `"}`, header: map[string]string{"Origin": "https://evil.example"}})
	require.Equal(t, http.StatusForbidden, w.Code)
}

func TestCORS(t *testing.T) {
	f := setup(t)
	w := f.do(t, req{method: "OPTIONS", path: "/v2/specs", header: map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}})
	require.Equal(t, http.StatusNoContent, w.Code)
	require.Equal(t, "http://localhost:3000", w.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, "true", w.Header().Get("Access-Control-Allow-Credentials"))
	require.Contains(t, w.Header().Get("Access-Control-Allow-Methods"), "PATCH")

	w = f.do(t, req{method: "OPTIONS", path: "/v2/specs", header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}})
	require.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
	w = f.do(t, req{method: "GET", path: "/v2/ping", header: map[string]string{"Origin": "https://evil.example"}})
	require.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
}

func TestSignInRateLimit(t *testing.T) {
	f := setup(t, func(d *web.Deps) { d.Auth.SignInLimit = 10; d.Auth.SignInWindow = time.Hour })
	wrong := `{"email":"` + testEmail + `","password":"wrong"}`
	for i := 0; i < 10; i++ {
		w := f.do(t, req{method: "POST", path: "/sessions", body: wrong, remote: "192.0.2.1:1234"})
		require.Equal(t, http.StatusUnauthorized, w.Code, "attempt %d", i+1)
	}
	right := `{"email":"` + testEmail + `","password":"` + testPassword + `"}`
	w := f.do(t, req{method: "POST", path: "/sessions", body: right, remote: "192.0.2.1:1234"})
	require.Equal(t, http.StatusTooManyRequests, w.Code, "even the right password is refused over the limit")
	require.NotEmpty(t, w.Header().Get("Retry-After"))
	// A proxy header does not change the client's address.
	w = f.do(t, req{method: "POST", path: "/sessions", body: right, remote: "192.0.2.1:1234", header: map[string]string{"X-Forwarded-For": "198.51.100.7"}})
	require.Equal(t, http.StatusTooManyRequests, w.Code)
	// Another address is not limited.
	w = f.do(t, req{method: "POST", path: "/sessions", body: right, remote: "192.0.2.2:1234"})
	require.Equal(t, http.StatusOK, w.Code)
}
