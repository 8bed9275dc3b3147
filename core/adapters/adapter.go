package adapters

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Adapter performs one task type.
type Adapter interface {
	// Perform runs the task on input with the task's params. It never
	// panics and never returns a Go error: faults are errored outputs.
	Perform(ctx context.Context, input models.RunInput, params models.JSON) models.RunOutput
	// Validate checks the params a job spec gives the task; problems come
	// back as a *models.ValidationError with paths relative to params.
	Validate(params models.JSON) error
}

// TxSender is what ethtx needs of the TxManager: record a transaction for
// a task run and send it. It must be idempotent per taskRunID (a second
// call for the same task run returns the first transaction's hash without
// sending another), so a run resumed after a crash never sends twice. A
// zero from lets the TxManager pick the node's key.
type TxSender interface {
	CreateTx(ctx context.Context, taskRunID string, from, to common.Address, data []byte, gasLimit uint64) (common.Hash, error)
}

// BridgeFinder finds a bridge by its lowercase name. It returns nil and no
// error when no bridge has that name.
type BridgeFinder interface {
	FindBridge(ctx context.Context, name string) (*models.BridgeType, error)
}

// Defaults for Deps fields left zero.
const (
	DefaultHTTPTimeout = 15 * time.Second
	DefaultHTTPLimit   = 32 * 1024
	// DefaultGasLimit covers a fulfilment: the Oracle demands 400,000 gas
	// left after its checks.
	DefaultGasLimit = 500_000
)

// Deps are what adapters need from the rest of the node. Zero fields get
// the defaults above; a nil TxSender or Bridges makes ethtx or bridge
// tasks error when performed.
type Deps struct {
	HTTPClient        *http.Client  // nil: a client of the registry's own
	HTTPTimeout       time.Duration // per request, unless a task sets "timeout"
	HTTPLimit         int64         // most bytes read of a response body
	BridgeResponseURL *url.URL      // the node's public base URL; bridges PATCH {BridgeResponseURL}/v2/runs/{runID}
	Bridges           BridgeFinder
	TxSender          TxSender
	GasLimit          uint64 // gas limit of ethtx transactions, unless a task sets "gasLimit"
	Now               func() time.Time
	Logger            *slog.Logger
}

// maxIdleConnsPerHost is how many kept-alive connections the adapters'
// client holds per host: as many as the runner's workers fetch from at
// once. The standard library keeps 2, so a burst's runs fetching from one
// data provider at once closed all but 2 of their connections after each
// request and opened (and, over HTTPS, handshook) new ones for the next:
// 885 connections for a burst of 1,000 requests.
const maxIdleConnsPerHost = 64

// newHTTPTransport is http.DefaultTransport's setup with room for
// maxIdleConnsPerHost kept-alive connections per host.
func newHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, 4*maxIdleConnsPerHost)
	return t
}

func (d Deps) withDefaults() Deps {
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Transport: newHTTPTransport()}
	}
	if d.HTTPTimeout <= 0 {
		d.HTTPTimeout = DefaultHTTPTimeout
	}
	if d.HTTPLimit <= 0 {
		d.HTTPLimit = DefaultHTTPLimit
	}
	if d.GasLimit == 0 {
		d.GasLimit = DefaultGasLimit
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}

// ErrUnknownTaskType says a task type is neither a built-in adapter nor a
// bridge.
var ErrUnknownTaskType = errors.New("unknown task type")
