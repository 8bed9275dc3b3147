package chain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum"

	"github.com/pythia-oracle/pythia/core/chain"
)

func TestIsTxIndexing(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{errors.New("transaction indexing is in progress"), true},
		{fmt.Errorf("reading receipt: %w", errors.New("Transaction Indexing Is In Progress")), true},
		{ethereum.NotFound, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := chain.IsTxIndexing(tt.err); got != tt.want {
			t.Errorf("IsTxIndexing(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
