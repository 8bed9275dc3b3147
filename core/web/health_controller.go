package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type healthController struct {
	health HealthReporter
}

// show answers 200 when every service is healthy and 503 naming the
// unhealthy ones otherwise; the body lists every service either way.
func (hc *healthController) show(c *gin.Context) {
	report := hc.health.Health()
	var unhealthy []string
	for _, h := range report {
		if !h.Healthy {
			unhealthy = append(unhealthy, h.Name)
		}
	}
	body := gin.H{"healthy": len(unhealthy) == 0, "services": report}
	if len(unhealthy) > 0 {
		body["unhealthy"] = unhealthy
		c.JSON(http.StatusServiceUnavailable, body)
		return
	}
	c.JSON(http.StatusOK, body)
}
