package adapters_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHTTPPost(t *testing.T) {
	bodies := make(chan string, 10)
	srv, seen := recordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	tests := []struct {
		name, data, params, wantBody, wantType string
	}{
		{"string body", `{}`, `{"post":"` + srv.URL + `","body":"a=1","headers":{"Content-Type":"text/plain"}}`, `a=1`, "text/plain"},
		{"JSON body", `{}`, `{"url":"` + srv.URL + `","body":{"q":[1,2]}}`, `{"q":[1,2]}`, "application/json"},
		{"run data by default", `{"result":"7","x":1}`, `{"post":"` + srv.URL + `"}`, `{"result":"7","x":1}`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := perform(t, "httppost", tt.data, tt.params)
			requireResult(t, out, `"{\"ok\":true}"`)
			r := <-seen
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, tt.wantType, r.Header.Get("Content-Type"))
			body := <-bodies
			if tt.wantType == "application/json" {
				assert.JSONEq(t, tt.wantBody, body)
			} else {
				assert.Equal(t, tt.wantBody, body)
			}
		})
	}
	out := perform(t, "httppost", `{}`, `{"get":"`+srv.URL+`"}`)
	require.NotEmpty(t, out.Error, "httppost takes post or url, not get")
	assert.Contains(t, out.Error, "post: is required")
}
