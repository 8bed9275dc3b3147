package cmd

import (
	"context"
	"fmt"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/devchain"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services/headtracker"
	"github.com/pythia-oracle/pythia/core/store"
)

// startDevChain starts the in-process dev chain when --dev is given
// without ETH_URL, and makes its contracts the node's defaults. It returns
// nil when no dev chain is wanted.
func (n *node) startDevChain(ctx context.Context, ks *keystore.KeyStore) (*devchain.DevChain, error) {
	if !n.opts.dev || n.cfg.EthURL != "" {
		return nil, nil
	}
	port := int(n.cfg.DevEthPort)
	if port == 0 {
		p, err := simchain.FreePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	dc, err := devchain.Start(ctx, devchain.Config{
		Port:      port,
		BlockTime: n.cfg.DevBlockTime,
		Fund:      ks.Addresses(),
		RootDir:   n.cfg.RootDir,
	}, n.lggr)
	if err != nil {
		return nil, fmt.Errorf("starting the dev chain: %w", err)
	}
	addrs := dc.Addresses()
	if n.cfg.LinkContract == nil {
		n.cfg.LinkContract = &addrs.LinkToken
	}
	if n.cfg.OracleContract == nil {
		n.cfg.OracleContract = &addrs.Oracle
	}
	if n.cfg.EthChainID == nil {
		n.cfg.EthChainID = dc.ChainID()
	}
	fmt.Fprintf(n.stdout, "\nDev chain (new on every start) at %s, chain ID %s:\n  LINK token:       %s\n  Oracle:           %s\n  Example consumer: %s\n\n",
		dc.URL(), dc.ChainID(), addrs.LinkToken.Hex(), addrs.Oracle.Hex(), addrs.Consumer.Hex())
	return dc, nil
}

// chainServices are what follows the chain, in start order: the client
// first, then the HeadTracker with its subscribers registered.
type chainServices struct {
	client *chain.Client
	heads  *headtracker.HeadTracker
}

func (n *node) newChainServices(ctx context.Context, url string, st *store.Store) (*chainServices, error) {
	client, err := chain.New(chain.Config{URL: url, ChainID: n.cfg.EthChainID}, n.lggr)
	if err != nil {
		return nil, fmt.Errorf("configuring the chain client: %w", err)
	}
	if err := client.Dial(ctx); err != nil {
		return nil, fmt.Errorf("connecting to the chain: %w", err)
	}
	heads := headtracker.New(headtracker.Config{HistoryDepth: int64(n.cfg.HeadHistoryDepth)}, client, st, n.lggr)
	return &chainServices{client: client, heads: heads}, nil
}
