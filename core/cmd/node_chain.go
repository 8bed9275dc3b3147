package cmd

import (
	"context"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store"
)

// devChain is the in-process chain --dev runs when ETH_URL is unset.
type devChain interface {
	URL() string
	Close() error
}

// startDevChain starts the dev chain when --dev is given without ETH_URL.
func (n *node) startDevChain(ctx context.Context, ks *keystore.KeyStore) (devChain, error) {
	return nil, nil
}

// chainServices are the services that follow the chain, in start order.
func (n *node) chainServices(client *chain.Client, st *store.Store) []lifecycle.Service {
	return nil
}
