package adapters_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// recordingServer answers every request with handler and sends each
// request it saw (with its body read) on the returned channel.
func recordingServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, <-chan *http.Request) {
	t.Helper()
	seen := make(chan *http.Request, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Clone(context.Background())
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func TestHTTPGet(t *testing.T) {
	srv, seen := recordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"USD":3021.45}`))
	})
	out := perform(t, "httpget", `{"keep":1}`, `{"get":"`+srv.URL+`/api?fixed=1","extPath":["data","a b"],
		"queryParams":{"fsym":"ETH","tsyms":["USD","EUR"],"n":5},"headers":{"X-Api-Key":"k","X-Multi":["a","b"]}}`)
	requireResult(t, out, `"{\"USD\":3021.45}"`)
	assert.JSONEq(t, `{"keep":1,"result":"{\"USD\":3021.45}"}`, string(out.Data))

	r := <-seen
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/api/data/a%20b", r.URL.EscapedPath())
	assert.Equal(t, "1", r.URL.Query().Get("fixed"))
	assert.Equal(t, "ETH", r.URL.Query().Get("fsym"))
	assert.Equal(t, []string{"USD", "EUR"}, r.URL.Query()["tsyms"])
	assert.Equal(t, "5", r.URL.Query().Get("n"))
	assert.Equal(t, "k", r.Header.Get("X-Api-Key"))
	assert.Equal(t, []string{"a", "b"}, r.Header.Values("X-Multi"))
}

func TestHTTPGetQueryParamForms(t *testing.T) {
	srv, seen := recordingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	for _, params := range []string{
		`{"url":"` + srv.URL + `","queryParams":"a=1&b=2"}`,
		`{"URL":"` + srv.URL + `","queryParams":["a","1","b","2"]}`,
		`{"url":"` + srv.URL + `","extPath":"","queryParams":{"a":"1","b":2}}`,
	} {
		requireResult(t, perform(t, "httpget", `{}`, params), `"ok"`)
		assert.Equal(t, "a=1&b=2", (<-seen).URL.RawQuery, params)
	}
}

func TestHTTPGetFaults(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	srv, _ := recordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.Error(w, "no such thing", http.StatusNotFound)
		case "/500":
			http.Error(w, "database down", http.StatusInternalServerError)
		case "/429":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat("x", 2000)))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-block:
			}
		}
	})
	// A port with nothing listening: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + l.Addr().String()
	require.NoError(t, l.Close())

	reg := adapters.NewRegistry(adapters.Deps{HTTPLimit: 1000, HTTPTimeout: 5 * time.Second})
	tests := []struct {
		name      string
		params    string
		retryable bool
		contains  string
	}{
		{"404", `{"get":"` + srv.URL + `/404?apikey=secret"}`, false, "answered 404 Not Found: no such thing"},
		{"500", `{"get":"` + srv.URL + `/500"}`, true, "answered 500"},
		{"429", `{"get":"` + srv.URL + `/429"}`, true, "answered 429"},
		{"too big", `{"get":"` + srv.URL + `/big"}`, false, "larger than 1000 bytes"},
		{"timeout", `{"get":"` + srv.URL + `/slow","timeout":"50ms"}`, true, "timed out after 50ms"},
		{"refused", `{"get":"` + refused + `/x?apikey=secret"}`, true, "refused"},
		{"no url", `{}`, false, "get: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := performWith(t, reg, "httpget", `{}`, tt.params)
			require.Equal(t, models.RunStatusErrored, out.Status)
			assert.Equal(t, tt.retryable, out.Retryable, "Retryable; error %s", out.Error)
			assert.Contains(t, out.Error, tt.contains)
			assert.NotContains(t, out.Error, "secret", "the query, which may hold keys, stays out of errors")
		})
	}
}

func TestHTTPGetValidate(t *testing.T) {
	assert.Empty(t, validate(t, "httpget", `{}`), "the URL may come from the request")
	assert.Empty(t, validate(t, "httpget", `{"get":"https://example.com/x","timeout":3,"headers":{"a":"b"}}`))
	assert.Equal(t, []string{"get: must be an http or https URL"}, validate(t, "httpget", `{"get":"ftp://example.com"}`))
	assert.Equal(t, []string{"url: must be a URL with a host"}, validate(t, "httpget", `{"url":"http://"}`))
	assert.Equal(t, []string{
		"get: must be a string",
		"extPath: must be a string or an array of strings",
		"queryParams: must list keys and values in pairs",
		"headers: must be an object of header names to strings or arrays of strings",
		`timeout: must be a positive duration like "10s" or seconds up to a day`,
	}, validate(t, "httpget", `{"get":1,"extPath":{},"queryParams":["a"],"headers":"x","timeout":-1}`))
}
