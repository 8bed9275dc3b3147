package txmanager

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestBumpedFees(t *testing.T) {
	gw := func(n float64) *big.Int {
		v, _ := new(big.Float).Mul(big.NewFloat(n), big.NewFloat(1e9)).Int(nil)
		return v
	}
	tests := []struct {
		name    string
		in      fees
		bumpWei *big.Int
		pct     uint64
		ceiling *big.Int
		want    fees
		ok      bool
	}{
		{"legacy by wei", fees{GasPrice: gw(20)}, gw(5), 20, gw(1500), fees{GasPrice: gw(25)}, true},
		{"legacy by percent", fees{GasPrice: gw(100)}, gw(5), 20, gw(1500), fees{GasPrice: gw(120)}, true},
		{"legacy at least 10%", fees{GasPrice: gw(100)}, big.NewInt(0), 1, gw(1500), fees{GasPrice: gw(110)}, true},
		{"10% rounds up", fees{GasPrice: big.NewInt(15)}, big.NewInt(0), 1, gw(1), fees{GasPrice: big.NewInt(17)}, true},
		{"legacy capped but still 10%", fees{GasPrice: gw(100)}, gw(5), 50, gw(115), fees{GasPrice: gw(115)}, true},
		{"legacy at ceiling", fees{GasPrice: gw(100)}, gw(5), 20, gw(105), fees{GasPrice: gw(105)}, false},
		{"dynamic both caps", fees{FeeCap: gw(20), TipCap: gw(1)}, gw(1), 20, gw(500), fees{FeeCap: gw(24), TipCap: gw(2)}, true},
		{"dynamic tip at least 10%", fees{FeeCap: gw(100), TipCap: gw(10)}, big.NewInt(0), 5, gw(500), fees{FeeCap: gw(110), TipCap: gw(11)}, true},
		{"dynamic tip capped by fee cap", fees{FeeCap: gw(20), TipCap: gw(20)}, gw(1), 20, gw(22), fees{FeeCap: gw(22), TipCap: gw(22)}, true},
		{"dynamic at ceiling", fees{FeeCap: gw(20), TipCap: gw(1)}, gw(1), 20, gw(21), fees{FeeCap: gw(21), TipCap: gw(2)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := bumpedFees(tt.in, tt.bumpWei, tt.pct, tt.ceiling)
			assert.Equal(t, tt.ok, ok, "bumpedFees(%s) ok", tt.in)
			assert.Equal(t, tt.want.String(), got.String(), "bumpedFees(%s)", tt.in)
		})
	}
}

func TestClassifySendError(t *testing.T) {
	tests := []struct {
		msg  string
		want sendOutcome
	}{
		{"", sendOK},
		{"already known", sendAlreadyKnown},
		{"transaction already imported", sendAlreadyKnown},
		{"nonce too low: next nonce 3, tx nonce 2", sendNonceTooLow},
		{"insufficient funds for gas * price + value: balance 0, tx cost 420000000000000", sendInsufficientFunds},
		{"replacement transaction underpriced", sendUnderpriced},
		{"transaction underpriced: tip needed 2, tip permitted 1", sendUnderpriced},
		{"max fee per gas less than block base fee", sendUnderpriced},
		{"connection refused", sendFailed},
		{"intrinsic gas too low", sendFailed},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			var err error
			if tt.msg != "" {
				err = errors.New(tt.msg)
			}
			assert.Equal(t, tt.want, classifySendError(err), "classifySendError(%q)", tt.msg)
		})
	}
}

func TestInitialFees(t *testing.T) {
	gw := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }
	tests := []struct {
		name    string
		cfg     Config
		baseFee *big.Int
		want    fees
	}{
		{"legacy", Config{GasPriceDefault: gw(20), MaxGasPrice: gw(1500)}, nil, fees{GasPrice: gw(20)}},
		{"legacy capped", Config{GasPriceDefault: gw(20), MaxGasPrice: gw(10)}, nil, fees{GasPrice: gw(10)}},
		{"dynamic floor is the default price", Config{GasPriceDefault: gw(20), MaxGasPrice: gw(1500), TipCapDefault: gw(1)}, gw(1), fees{FeeCap: gw(20), TipCap: gw(1)}},
		{"dynamic twice the base fee plus tip", Config{GasPriceDefault: gw(20), MaxGasPrice: gw(1500), TipCapDefault: gw(2)}, gw(30), fees{FeeCap: gw(62), TipCap: gw(2)}},
		{"dynamic capped", Config{GasPriceDefault: gw(20), MaxGasPrice: gw(50), TipCapDefault: gw(60)}, gw(30), fees{FeeCap: gw(50), TipCap: gw(50)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &TxManager{cfg: tt.cfg.withDefaults()}
			got, err := m.initialFees(t.Context(), &types.Header{BaseFee: tt.baseFee})
			assert.NoError(t, err)
			assert.Equal(t, tt.want.String(), got.String())
		})
	}
}

// headerCounter is a chain client counting its header reads.
type headerCounter struct {
	Client
	reads int
}

func (c *headerCounter) HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error) {
	c.reads++
	return c.Client.HeaderByNumber(ctx, number)
}

// TestRefreshFeesTakesTheHeadsBaseFee: a head from the head tracker
// carries its base fee, so the fees are priced at it without reading the
// header again; a head without one (loaded from the database) is read.
func TestRefreshFeesTakesTheHeadsBaseFee(t *testing.T) {
	gw := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }
	sim := simchain.New(types.GenesisAlloc{})
	t.Cleanup(func() { _ = sim.Close() })
	client := &headerCounter{Client: sim.Client()}
	m := &TxManager{cfg: Config{GasPriceDefault: gw(1), MaxGasPrice: gw(1500), TipCapDefault: gw(2)}.withDefaults(), client: client}

	m.head = &models.Head{Hash: common.HexToHash("0xa1"), Number: 7, BaseFee: gw(30)}
	got, err := m.refreshFees(t.Context())
	require.NoError(t, err)
	assert.Equal(t, fees{FeeCap: gw(62), TipCap: gw(2)}.String(), got.String(), "2 x base fee + tip")
	assert.Zero(t, client.reads, "the head's base fee is used")
	got, err = m.refreshFees(t.Context())
	require.NoError(t, err)
	assert.Equal(t, fees{FeeCap: gw(62), TipCap: gw(2)}.String(), got.String(), "cached for the same head")

	m.head = &models.Head{Hash: common.HexToHash("0xa2"), Number: 8}
	_, err = m.refreshFees(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, client.reads, "a head without its base fee: the header is read")
}
