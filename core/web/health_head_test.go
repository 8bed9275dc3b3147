package web_test

import (
	"context"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestHealthShowsLatestHead checks that /health carries the latest saved
// head once there is one, for the operator UI's dashboard.
func TestHealthShowsLatestHead(t *testing.T) {
	f := setup(t)
	type body struct {
		Healthy bool `json:"healthy"`
		Head    *struct {
			Number    int64     `json:"number"`
			Hash      string    `json:"hash"`
			Timestamp time.Time `json:"timestamp"`
		} `json:"head"`
	}

	w := f.do(t, req{method: "GET", path: "/health"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Nil(t, decode[body](t, w).Head, "no head saved yet")

	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for n := int64(7); n <= 8; n++ {
		require.NoError(t, f.st.SaveHead(context.Background(), &models.Head{
			Number: n, Hash: headHash(n), ParentHash: headHash(n - 1), Timestamp: at,
		}))
	}
	w = f.do(t, req{method: "GET", path: "/health"})
	got := decode[body](t, w)
	require.True(t, got.Healthy)
	require.NotNil(t, got.Head, w.Body.String())
	require.Equal(t, int64(8), got.Head.Number)
	require.Equal(t, headHash(8).Hex(), got.Head.Hash)
	require.True(t, at.Equal(got.Head.Timestamp), "timestamp = %v, want %v", got.Head.Timestamp, at)
}

func headHash(n int64) common.Hash { return common.BigToHash(big.NewInt(n + 1000)) }
