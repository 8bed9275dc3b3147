package uitest

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	operatorui "github.com/pythia-oracle/pythia/operator_ui"
)

const (
	operatorEmail    = "op@example.com"
	operatorPassword = "correct horse battery"
)

// node is the API and UI over a fresh store, served on 127.0.0.1.
type node struct {
	url string
	st  *store.Store
}

// startNode builds the node the browser talks to: one operator, one key,
// the real run lifecycle with its runner started, and the embedded UI.
func startNode(t *testing.T) *node {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t)
	hash, err := models.HashPasswordWithCost(operatorPassword, 4)
	require.NoError(t, err)
	require.NoError(t, st.CreateUser(ctx, &models.User{Email: operatorEmail, HashedPassword: hash}))
	ks := keystore.New(st, keystore.LightConfig(), logging.Discard())
	require.NoError(t, ks.Unlock(ctx, "keystore password"))
	_, err = ks.CreateKey(ctx)
	require.NoError(t, err)
	reg := adapters.NewRegistry(adapters.Deps{Bridges: st, HTTPTimeout: 5 * time.Second, Logger: logging.Discard()})
	rm, err := services.NewRunManager(services.RunConfig{}, services.RunDeps{Store: st, Adapters: reg, Logger: logging.Discard()})
	require.NoError(t, err)
	require.NoError(t, rm.Runner().Start(ctx))
	t.Cleanup(func() { _ = rm.Runner().Close() })
	h, err := web.NewRouter(web.Deps{
		Store: st, Runs: rm, Resumer: rm, Canceller: rm, Keys: ks, Adapters: reg,
		Settings: func() []web.Setting {
			return []web.Setting{
				{Name: "CHAINLINK_PORT", Value: "6688"},
				{Name: "ETH_URL", Value: "ws://127.0.0.1:8546", FromEnv: true},
				{Name: "DATABASE_URL", Value: "[redacted]", FromEnv: true},
			}
		},
		Health: storeHealth{st},
		UI:     operatorui.FS(),
		Logger: logging.Discard(),
		Auth:   web.AuthConfig{SessionTimeout: time.Hour},
	})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &node{url: srv.URL, st: st}
}

// storeHealth reports whether the test store answers, as /health shows
// the database in a real node.
type storeHealth struct{ st *store.Store }

func (h storeHealth) Health() []services.ServiceHealth {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := h.st.LatestHead(ctx)
	out := services.ServiceHealth{Name: "database", Healthy: err == nil}
	if err != nil {
		out.Error = err.Error()
	}
	return []services.ServiceHealth{out}
}

// priceServer answers {"USD": 1234.56} like a price API.
func priceServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"USD": 1234.56}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
