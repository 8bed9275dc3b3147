package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/pythia-oracle/pythia/core/logging"
	"github.com/pythia-oracle/pythia/core/services"
)

type staticHealth []services.ServiceHealth

func (s staticHealth) Health() []services.ServiceHealth { return s }

func TestHealthEndpoint(t *testing.T) {
	tests := []struct {
		name       string
		report     staticHealth
		wantStatus int
		wantBad    []string
	}{
		{"all healthy", staticHealth{{Name: "store", Healthy: true}, {Name: "chain", Healthy: true}}, http.StatusOK, nil},
		{"chain down", staticHealth{{Name: "store", Healthy: true}, {Name: "chain", Error: "not connected"}}, http.StatusServiceUnavailable, []string{"chain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(Config{ListenAddr: "127.0.0.1:0"}, tt.report, logging.Discard())
			if err := srv.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			resp, err := http.Get(fmt.Sprintf("http://%s/health", srv.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			var body struct {
				Healthy   bool                     `json:"healthy"`
				Services  []services.ServiceHealth `json:"services"`
				Unhealthy []string                 `json:"unhealthy"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Healthy != (tt.wantBad == nil) || len(body.Services) != len(tt.report) || fmt.Sprint(body.Unhealthy) != fmt.Sprint(tt.wantBad) {
				t.Fatalf("body = %+v", body)
			}
		})
	}
}

func TestServerPortInUse(t *testing.T) {
	a := NewServer(Config{ListenAddr: "127.0.0.1:0"}, staticHealth{}, logging.Discard())
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := NewServer(Config{ListenAddr: a.Addr().String()}, staticHealth{}, logging.Discard())
	if err := b.Start(context.Background()); err == nil {
		b.Close()
		t.Fatal("second server started on a port in use")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close after failed Start = %v", err)
	}
}
