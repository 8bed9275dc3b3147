package web

import (
	"context"
	"io/fs"
	"log/slog"
	"math/big"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// Deps is everything the API uses. Store is required; a nil service
// makes its routes answer 503 naming what is missing, so the node can be
// wired piece by piece.
type Deps struct {
	// Store holds users, sessions, jobs, runs, bridges, external
	// initiators and transactions.
	Store *store.Store
	// Runs starts runs, Resumer resumes those waiting for a bridge,
	// Canceller cancels them.
	Runs      RunStarter
	Resumer   RunResumer
	Canceller RunCanceller
	// Keys is the node's key store.
	Keys KeyManager
	// Balances reports each key's ETH and LINK balances (the TxManager).
	Balances KeyBalancer
	// Adapters is the registry of built-in adapters, for validation
	// (nil: a default registry).
	Adapters *adapters.Registry
	// Settings returns the effective configuration, secrets redacted.
	Settings func() []Setting
	// Health reports the services' health for /health.
	Health HealthReporter
	// JobCreated and JobArchived, when set, are called after a job is
	// saved or archived through the API, so the scheduler and the log
	// subscriber start or stop its initiators. They must not block long.
	JobCreated  func(ctx context.Context, js *models.JobSpec)
	JobArchived func(ctx context.Context, js *models.JobSpec)
	// HTTPClient calls external initiators (nil: a client with a 10 s
	// timeout).
	HTTPClient *http.Client
	// UI, when set, is served for GET requests no route matches (the
	// operator UI), with index.html for unknown paths.
	UI fs.FS
	// Auth configures sessions, CSRF and CORS.
	Auth AuthConfig
	// Now is the clock (nil: time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// AuthConfig configures operator sessions and browser protections.
type AuthConfig struct {
	// SessionTimeout ends a session after this long without a request
	// (SESSION_TIMEOUT; default 15 minutes).
	SessionTimeout time.Duration
	// SecureCookies marks the session cookie Secure (SECURE_COOKIES), so
	// browsers send it over HTTPS only.
	SecureCookies bool
	// AllowOrigins are the browser origins, besides the node's own, that
	// may call the API with the session cookie (ALLOW_ORIGINS); "*"
	// allows any.
	AllowOrigins []string
	// SignInLimit sign-in attempts are allowed per client IP per
	// SignInWindow (defaults 10 per minute); more answer 429.
	SignInLimit  int
	SignInWindow time.Duration
	// MaxBodyBytes is the largest request body (default 1 MiB); larger
	// ones answer 413.
	MaxBodyBytes int64
}

func (c AuthConfig) withDefaults() AuthConfig {
	if c.SessionTimeout <= 0 {
		c.SessionTimeout = 15 * time.Minute
	}
	if c.SignInLimit <= 0 {
		c.SignInLimit = 10
	}
	if c.SignInWindow <= 0 {
		c.SignInWindow = time.Minute
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	return c
}

// Setting is one configuration variable as GET /v2/config shows it: its
// effective value, already redacted when secret, and whether the
// environment set it.
type Setting struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	FromEnv bool   `json:"fromEnv"`
}

// RunStarter starts runs (services.RunManager). Errors wrapping
// store.ErrNotFound, services.ErrJobArchived, services.ErrJobNotActive
// and services.ErrNoInitiator become 404, 410, 409 and 403.
type RunStarter interface {
	// ExecuteJobFromWeb starts a run of the job's web initiator.
	ExecuteJobFromWeb(ctx context.Context, jobID string, input models.JSON) (*models.JobRun, error)
	// ExecuteJobFromExternal starts a run of the job's external
	// initiator named initiatorName.
	ExecuteJobFromExternal(ctx context.Context, jobID, initiatorName string, input models.JSON) (*models.JobRun, error)
}

// RunResumer resumes a run paused in pending_bridge with the bridge's
// answer: its data, or the error that fails the task
// (services.RunManager). Errors wrapping services.ErrBridgeUnauthorized
// and services.ErrRunNotPending become 401 and 409.
type RunResumer interface {
	ResumeBridgeRun(ctx context.Context, runID, incomingToken string, data models.JSON, errMsg string) error
}

// RunCanceller cancels a run that has not finished; an error wrapping
// store.ErrNotFound or store.ErrRunFinished otherwise.
type RunCanceller interface {
	CancelRun(ctx context.Context, runID string) error
}

// KeyManager is the node's key store.
type KeyManager interface {
	Addresses() []common.Address
	HasAddress(addr common.Address) bool
	CreateKey(ctx context.Context) (common.Address, error)
}

// KeyBalance is one key's balances; nil when unknown.
type KeyBalance struct {
	Address common.Address
	ETH     *big.Int
	LINK    *big.Int
}

// KeyBalancer reports the balances of the node's keys.
type KeyBalancer interface {
	KeyBalances(ctx context.Context) ([]KeyBalance, error)
}
