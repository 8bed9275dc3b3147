package web

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/adapters"
)

// NewRouter returns the node's routes: /health, the operators' REST API
// and, when deps.UI is set, the operator UI. See doc.go for the routes.
func NewRouter(deps Deps) (http.Handler, error) {
	if deps.Store == nil {
		return nil, errors.New("web: Deps.Store is required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Adapters == nil {
		deps.Adapters = adapters.NewRegistry(adapters.Deps{})
	}
	if deps.HTTPClient == nil {
		deps.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	deps.Auth = deps.Auth.withDefaults()
	d := &deps
	lggr := d.Logger

	r := newEngine(lggr)
	auth := &authenticator{st: d.Store, cfg: d.Auth, now: d.Now, lggr: lggr}
	r.Use(auth.cors, bodyLimit(d.Auth.MaxBodyBytes))

	if d.Health != nil {
		hc := &healthController{health: d.Health, heads: d.Store.LatestHead}
		r.GET("/health", hc.show)
	}
	r.GET("/v2/ping", ping)

	sessions := &sessionsController{d: d, auth: auth}
	limiter := newRateLimiter(d.Auth.SignInLimit, d.Auth.SignInWindow, d.Now)
	r.POST("/sessions", limiter.middleware, sessions.create)

	specs := &specsController{d: d, notifier: &eiNotifier{st: d.Store, client: d.HTTPClient, lggr: lggr}}
	runs := &runsController{d: d, auth: auth, specs: specs}
	// Routes with their own authentication: an external initiator's
	// credentials or a session, and a bridge's bearer token.
	r.POST("/v2/specs/:id/runs", runs.create)
	r.PATCH("/v2/runs/:id", runs.resume)

	authed := r.Group("", auth.requireSession)
	authed.DELETE("/sessions", sessions.destroy)
	v2 := authed.Group("/v2")
	user := &userController{d: d}
	v2.GET("/user", user.show)
	v2.PATCH("/user/password", user.updatePassword)

	v2.GET("/specs", specs.index)
	v2.POST("/specs", specs.create)
	v2.GET("/specs/:id", specs.show)
	v2.DELETE("/specs/:id", specs.destroy)

	v2.GET("/runs", runs.index)
	v2.GET("/runs/:id", runs.show)
	v2.PUT("/runs/:id/cancellation", runs.cancel)

	bridges := &bridgeTypesController{d: d}
	v2.GET("/bridge_types", bridges.index)
	v2.POST("/bridge_types", bridges.create)
	v2.GET("/bridge_types/:name", bridges.show)
	v2.PATCH("/bridge_types/:name", bridges.update)
	v2.DELETE("/bridge_types/:name", bridges.destroy)

	eis := &externalInitiatorsController{d: d}
	v2.GET("/external_initiators", eis.index)
	v2.POST("/external_initiators", eis.create)
	v2.DELETE("/external_initiators/:name", eis.destroy)

	keys := &keysController{d: d}
	v2.GET("/keys", keys.index)
	v2.POST("/keys", keys.create)

	txs := &transactionsController{d: d}
	v2.GET("/transactions", txs.index)
	v2.GET("/transactions/:hash", txs.show)

	v2.GET("/config", config(d))

	r.NoRoute(uiOrNotFound(d.UI))
	r.NoMethod(func(c *gin.Context) {
		abortError(c, http.StatusMethodNotAllowed, "method %s is not allowed on %s", c.Request.Method, c.Request.URL.Path)
	})
	return r, nil
}

// NewHealthRouter returns a router with /health alone.
func NewHealthRouter(health HealthReporter, lggr *slog.Logger) http.Handler {
	r := newEngine(lggr)
	hc := &healthController{health: health}
	r.GET("/health", hc.show)
	r.NoRoute(uiOrNotFound(nil))
	return r
}

func newEngine(lggr *slog.Logger) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// The client's IP is the connection's: no proxy header is trusted,
	// so a client cannot choose its own rate-limit key.
	_ = r.SetTrustedProxies(nil)
	r.HandleMethodNotAllowed = true
	r.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, rec any) {
		lggr.Error("panic in handler", "path", c.FullPath(), "panic", rec)
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorDocument{Errors: []APIError{{Status: "500", Detail: "internal error"}}})
	}), requestLogger(lggr))
	return r
}

// uiOrNotFound serves the operator UI's files for GET requests outside
// the API, with index.html for paths that are not files (the UI routes
// them itself), and a JSON:API 404 otherwise.
func uiOrNotFound(ui fs.FS) gin.HandlerFunc {
	var files http.Handler
	if ui != nil {
		files = http.FileServer(http.FS(ui))
	}
	return func(c *gin.Context) {
		p := c.Request.URL.Path
		api := strings.HasPrefix(p, "/v2/") || p == "/v2" || p == "/sessions"
		if files == nil || api || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
			abortError(c, http.StatusNotFound, "no route %s %s", c.Request.Method, p)
			return
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name == "" {
			name = "."
		}
		if st, err := fs.Stat(ui, name); err != nil || st.IsDir() && name != "." {
			c.Request.URL.Path = "/"
		}
		files.ServeHTTP(c.Writer, c.Request)
	}
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
