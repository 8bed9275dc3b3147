package services

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store"
)

// NewValidator returns the Validator the API uses for job specs and
// bridges: task types checked against reg, bridges looked up in st, and
// ethtx fromAddress checked with hasKey (keystore.KeyStore.HasAddress; nil
// finds no key).
func NewValidator(reg *adapters.Registry, st *store.Store, hasKey func(common.Address) bool) Validator {
	v := Validator{Adapters: reg, BridgeExists: st.BridgeExists}
	if hasKey != nil {
		v.KeyExists = func(_ context.Context, addr common.Address) (bool, error) { return hasKey(addr), nil }
	}
	return v
}
