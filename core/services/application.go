package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/pythia-oracle/pythia/core/services/lifecycle"
)

// ServiceHealth is one service's state as /health reports it.
type ServiceHealth struct {
	Name    string `json:"name"`
	Healthy bool   `json:"healthy"`
	Error   string `json:"error,omitempty"`
}

// Application owns the node's long-running services: it starts them in
// dependency order, stops them in reverse, and reports their health.
type Application struct {
	lggr     *slog.Logger
	services []lifecycle.Service
	checks   []lifecycle.HealthChecker

	mu      sync.Mutex
	started []lifecycle.Service
}

// NewApplication returns an Application that will start services in the
// order given. Services that implement lifecycle.HealthChecker are
// reported by Health.
func NewApplication(lggr *slog.Logger, services ...lifecycle.Service) *Application {
	a := &Application{lggr: lggr, services: services}
	for _, s := range services {
		if hc, ok := s.(lifecycle.HealthChecker); ok {
			a.checks = append(a.checks, hc)
		}
	}
	return a
}

// Add appends a service to start after those already given. It must be
// called before Start.
func (a *Application) Add(s lifecycle.Service) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.services = append(a.services, s)
	if hc, ok := s.(lifecycle.HealthChecker); ok {
		a.checks = append(a.checks, hc)
	}
}

// AddHealthCheck reports a part that is not a started service (the store,
// say) in Health.
func (a *Application) AddHealthCheck(hc lifecycle.HealthChecker) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checks = append(a.checks, hc)
}

// Start starts every service in order. When one fails, those already
// started are closed in reverse and the error names the failing service.
func (a *Application) Start(ctx context.Context) error {
	a.mu.Lock()
	svcs := append([]lifecycle.Service(nil), a.services...)
	a.mu.Unlock()
	for _, s := range svcs {
		a.lggr.Debug("starting service", "service", s.Name())
		if err := s.Start(ctx); err != nil {
			err = fmt.Errorf("starting %s: %w", s.Name(), err)
			if cerr := a.Close(); cerr != nil {
				err = errors.Join(err, cerr)
			}
			return err
		}
		a.mu.Lock()
		a.started = append(a.started, s)
		a.mu.Unlock()
	}
	return nil
}

// Close stops the started services in reverse order of starting and
// returns every error they gave.
func (a *Application) Close() error {
	a.mu.Lock()
	started := a.started
	a.started = nil
	a.mu.Unlock()
	var errs []error
	for i := len(started) - 1; i >= 0; i-- {
		s := started[i]
		a.lggr.Debug("stopping service", "service", s.Name())
		if err := s.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stopping %s: %w", s.Name(), err))
		}
	}
	return errors.Join(errs...)
}

// Health returns each checked part's state, sorted by name.
func (a *Application) Health() []ServiceHealth {
	a.mu.Lock()
	checks := append([]lifecycle.HealthChecker(nil), a.checks...)
	a.mu.Unlock()
	out := make([]ServiceHealth, 0, len(checks))
	for _, c := range checks {
		h := ServiceHealth{Name: c.Name(), Healthy: true}
		if err := c.Healthy(); err != nil {
			h.Healthy, h.Error = false, err.Error()
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
