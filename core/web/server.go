package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
)

// Config is the HTTP server's configuration.
type Config struct {
	// ListenAddr is host:port, such as ":6688" or "127.0.0.1:0".
	ListenAddr      string
	ShutdownTimeout time.Duration
}

// HealthReporter reports the health of the node's services.
type HealthReporter interface {
	Health() []services.ServiceHealth
}

// Server serves the router on the configured address.
type Server struct {
	lifecycle.Base
	cfg    Config
	lggr   *slog.Logger
	router http.Handler
	srv    *http.Server
	addr   net.Addr
}

// NewServer returns a server with /health alone, for a node whose API is
// not wired.
func NewServer(cfg Config, health HealthReporter, lggr *slog.Logger) *Server {
	lggr = lggr.With("service", "web")
	return NewHandlerServer(cfg, NewHealthRouter(health, lggr), lggr)
}

// NewAPIServer returns a server for the node's routes: /health, the REST
// API and the operator UI (see NewRouter). deps.Logger is also the
// server's.
func NewAPIServer(cfg Config, deps Deps) (*Server, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	deps.Logger = deps.Logger.With("service", "web")
	router, err := NewRouter(deps)
	if err != nil {
		return nil, err
	}
	return NewHandlerServer(cfg, router, deps.Logger), nil
}

// NewHandlerServer returns a server for handler.
func NewHandlerServer(cfg Config, handler http.Handler, lggr *slog.Logger) *Server {
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	return &Server{cfg: cfg, lggr: lggr, router: handler}
}

// Name implements lifecycle.Service.
func (s *Server) Name() string { return "web" }

// Start binds the address and serves in the background.
func (s *Server) Start(ctx context.Context) error {
	return s.StartOnce(func() error {
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", s.cfg.ListenAddr)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", s.cfg.ListenAddr, err)
		}
		s.addr = ln.Addr()
		s.srv = &http.Server{
			Handler:           s.router,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
		}
		s.lggr.Info("listening", "addr", s.addr.String())
		s.Go(func(context.Context) {
			if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.lggr.Error("http server stopped", "err", err)
			}
		})
		// Serve returns only after Shutdown, which this goroutine runs when
		// Close cancels its context; Close then waits for both.
		s.Go(func(ctx context.Context) {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
			defer cancel()
			if err := s.srv.Shutdown(sctx); err != nil {
				s.lggr.Warn("http server shutdown", "err", err)
			}
		})
		return nil
	})
}

// Addr is the bound address, useful when ListenAddr used port 0.
func (s *Server) Addr() net.Addr { return s.addr }

// Close shuts down gracefully, waiting up to ShutdownTimeout for requests
// in flight.
func (s *Server) Close() error { return s.CloseOnce(nil) }
