package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// NewRouter returns the node's routes.
func NewRouter(health HealthReporter, lggr *slog.Logger) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		lggr.Error("panic in handler", "path", c.FullPath(), "panic", rec)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"errors": []gin.H{{"detail": "internal error"}}})
	}), requestLogger(lggr))
	hc := &healthController{health: health}
	r.GET("/health", hc.show)
	return r
}

// requestLogger logs each request at debug level, without query strings
// (they may carry tokens).
func requestLogger(lggr *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		lggr.Debug("http request", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration_ms", time.Since(start).Milliseconds())
	}
}
