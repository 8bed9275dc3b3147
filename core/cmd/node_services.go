package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/services/scheduler"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
	"github.com/pythia-oracle/pythia/core/web"
	operatorui "github.com/pythia-oracle/pythia/operator_ui"
)

// nodeServices is the node's service graph, built from the configuration.
// The Application starts them in this order and stops them in reverse:
// the chain client, the TxManager, the JobRunner, the log subscriber and
// the scheduler, then the HeadTracker (once every head subscriber is
// ready), then the API server.
type nodeServices struct {
	app   *services.Application
	sub   *subscriber.Subscriber
	sched *scheduler.Scheduler
}

func (n *node) buildServices(ctx context.Context, st *store.Store, ks *keystore.KeyStore, cs *chainServices) (*nodeServices, error) {
	cfg, lggr := n.cfg, n.lggr
	txm, err := txmanager.New(txmanager.Config{
		GasPriceDefault: cfg.GasPriceDefault,
		MaxGasPrice:     cfg.MaxGasPriceWei,
		BumpThreshold:   cfg.GasBumpThreshold,
		BumpMinAge:      cfg.GasBumpMinAge,
		// Fast blocks mislead the stall re-send as they do bumps.
		StallResendMinAge: cfg.GasBumpMinAge,
		BumpWei:           cfg.GasBumpWei,
		BumpPercent:       cfg.GasBumpPercent,
		GasLimitDefault:   cfg.GasLimitDefault,
		MinConfirmations:  cfg.MinOutgoingConfirmations,
		LinkAddress:       cfg.LinkContract,
		ChainID:           cfg.EthChainID,
	}, st, cs.client, ks, lggr)
	if err != nil {
		return nil, fmt.Errorf("configuring the transaction manager: %w", err)
	}
	responseURL, err := url.Parse(cfg.BridgeResponseURL)
	if err != nil {
		return nil, fmt.Errorf("BRIDGE_RESPONSE_URL: %w", err)
	}
	registry := adapters.NewRegistry(adapters.Deps{
		HTTPTimeout:       cfg.DefaultHTTPTimeout,
		HTTPLimit:         int64(cfg.DefaultHTTPLimit),
		BridgeResponseURL: responseURL,
		Bridges:           st,
		TxSender:          services.NewRunTxSender(st, txm),
		GasLimit:          cfg.GasLimitDefault,
		Logger:            lggr,
	})
	runs, err := services.NewRunManager(services.RunConfig{
		MinIncomingConfirmations: uint32(cfg.MinIncomingConfirmations),
		MinimumContractPayment:   cfg.MinimumContractPayment,
	}, services.RunDeps{Store: st, Adapters: registry, Chain: cs.client, Logger: lggr})
	if err != nil {
		return nil, err
	}
	txm.OnTxFinal(runs.OnTxFinal)
	sub, err := subscriber.New(subscriber.Config{
		BackfillDepth: cfg.BlockBackfillDepth,
		DefaultOracle: cfg.OracleContract,
		// Not the subscriber's default, which matches the word "duplicate".
		IsDuplicate: func(err error) bool { return errors.Is(err, store.ErrDuplicate) },
	}, cs.client, st, st, runs, lggr)
	if err != nil {
		return nil, err
	}
	sched, err := scheduler.New(scheduler.Config{}, st, runs, lggr)
	if err != nil {
		return nil, err
	}
	// The TxManager bumps and confirms on heads; the runner wakes runs
	// waiting for confirmations. The subscriber follows the chain client's
	// connection events itself.
	for _, ht := range []headtracker.HeadTrackable{txm, runs.Runner()} {
		if err := cs.heads.Subscribe(ht); err != nil {
			return nil, fmt.Errorf("subscribing to heads: %w", err)
		}
	}

	ns := &nodeServices{sub: sub, sched: sched}
	ns.app = services.NewApplication(lggr, cs.client, txm, runs.Runner(), sub, sched, cs.heads)
	ns.app.AddHealthCheck(storeHealth{st})
	api, err := web.NewAPIServer(web.Config{ListenAddr: fmt.Sprintf(":%d", cfg.Port)}, web.Deps{
		Store:     st,
		Runs:      runs,
		Resumer:   runs,
		Canceller: runs,
		Keys:      ks,
		Balances:  keyBalances{txm},
		Adapters:  registry,
		Settings:  cfg.Settings,
		Health:    ns.app,
		JobCreated: func(ctx context.Context, js *models.JobSpec) {
			ns.jobCreated(ctx, js, lggr)
		},
		JobArchived: func(_ context.Context, js *models.JobSpec) {
			sub.RemoveJob(js.ID)
			sched.RemoveJob(js.ID)
		},
		UI:     operatorui.FS(),
		Auth:   web.AuthConfig{SessionTimeout: cfg.SessionTimeout, SecureCookies: cfg.SecureCookies, AllowOrigins: cfg.AllowOrigins},
		Logger: lggr,
	})
	if err != nil {
		return nil, fmt.Errorf("configuring the API: %w", err)
	}
	// The API starts last so /health answers only once every service it
	// reports on runs; it stops first.
	ns.app.Add(api)
	return ns, nil
}

// jobCreated starts a new job's log and time initiators.
func (ns *nodeServices) jobCreated(ctx context.Context, js *models.JobSpec, lggr *slog.Logger) {
	if err := ns.sub.AddJob(js); err != nil {
		lggr.Error("watching the new job's logs", "job_id", js.ID, "err", err)
	}
	if err := ns.sched.AddJob(ctx, js); err != nil {
		lggr.Error("scheduling the new job", "job_id", js.ID, "err", err)
	}
}

// keyBalances adapts the TxManager's balances to the API's type.
type keyBalances struct{ txm *txmanager.TxManager }

func (k keyBalances) KeyBalances(ctx context.Context) ([]web.KeyBalance, error) {
	bs, err := k.txm.Balances(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.KeyBalance, len(bs))
	for i, b := range bs {
		out[i] = web.KeyBalance{Address: b.Address, ETH: b.ETH, LINK: b.LINK}
	}
	return out, nil
}
