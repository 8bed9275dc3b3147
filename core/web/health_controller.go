package web

import (
	"context"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store/models"
)

type healthController struct {
	health HealthReporter
	// heads, when set, reads the latest head the node saved, shown as
	// "head" so a dashboard sees the chain move.
	heads func(ctx context.Context) (*models.Head, error)
}

// headAttributes is the latest head as /health shows it.
type headAttributes struct {
	Number    int64       `json:"number"`
	Hash      common.Hash `json:"hash"`
	Timestamp time.Time   `json:"timestamp"`
}

// show answers 200 when every service is healthy and 503 naming the
// unhealthy ones otherwise; the body lists every service either way, and
// the latest head when one is known.
func (hc *healthController) show(c *gin.Context) {
	report := hc.health.Health()
	var unhealthy []string
	for _, h := range report {
		if !h.Healthy {
			unhealthy = append(unhealthy, h.Name)
		}
	}
	body := gin.H{"healthy": len(unhealthy) == 0, "services": report}
	if hc.heads != nil {
		if h, err := hc.heads(c.Request.Context()); err == nil && h != nil {
			body["head"] = headAttributes{Number: h.Number, Hash: h.Hash, Timestamp: h.Timestamp}
		}
	}
	if len(unhealthy) > 0 {
		body["unhealthy"] = unhealthy
		c.JSON(http.StatusServiceUnavailable, body)
		return
	}
	c.JSON(http.StatusOK, body)
}
