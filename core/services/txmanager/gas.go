package txmanager

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// fees are the prices of one attempt: GasPrice for a legacy transaction,
// or FeeCap and TipCap for an EIP-1559 one.
type fees struct {
	GasPrice *big.Int
	FeeCap   *big.Int
	TipCap   *big.Int
}

func (f fees) dynamic() bool { return f.FeeCap != nil }

func (f fees) String() string {
	if f.dynamic() {
		return fmt.Sprintf("fee cap %s tip %s", f.FeeCap, f.TipCap)
	}
	return fmt.Sprintf("gas price %s", f.GasPrice)
}

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) < 0 {
		return new(big.Int).Set(a)
	}
	return new(big.Int).Set(b)
}

func maxBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) > 0 {
		return new(big.Int).Set(a)
	}
	return new(big.Int).Set(b)
}

// initialFees prices a first attempt from header: EIP-1559 fee caps when
// the head has a base fee (fee cap = 2 x base fee + tip, which survives
// six full blocks of base fee growth, and at least GasPriceDefault: only
// base fee + tip is charged, so a higher cap costs nothing), a legacy
// GasPriceDefault otherwise; both capped at MaxGasPrice. The tip is
// TipCapDefault or, when that is nil, the node's suggestion.
func (m *TxManager) initialFees(ctx context.Context, header *types.Header) (fees, error) {
	if header.BaseFee == nil {
		return m.feesFor(nil, nil), nil
	}
	tip := m.cfg.TipCapDefault
	if tip == nil {
		rctx, cancel := context.WithTimeout(ctx, m.cfg.RPCTimeout)
		defer cancel()
		var err error
		if tip, err = m.client.SuggestGasTipCap(rctx); err != nil {
			return fees{}, fmt.Errorf("suggesting tip: %w", err)
		}
	}
	return m.feesFor(header.BaseFee, tip), nil
}

// feesFor prices a first attempt for a head with baseFee (nil: a chain
// without EIP-1559) and tip (used only with a base fee).
func (m *TxManager) feesFor(baseFee, tip *big.Int) fees {
	if baseFee == nil {
		return fees{GasPrice: minBig(m.cfg.GasPriceDefault, m.cfg.MaxGasPrice)}
	}
	feeCap := new(big.Int).Mul(baseFee, big.NewInt(2))
	feeCap.Add(feeCap, tip)
	feeCap = minBig(maxBig(feeCap, m.cfg.GasPriceDefault), m.cfg.MaxGasPrice)
	return fees{FeeCap: feeCap, TipCap: minBig(tip, feeCap)}
}

// headFees is the first-attempt pricing cached for one head.
type headFees struct {
	head common.Hash
	fees fees
}

// currentFees prices a first attempt at the latest head. The base fee and
// the tip suggestion are read from the chain at most once per head (the
// head-tracker's latest; with none known yet, on every call); callers at
// the same head share the answer, and a caller that finds a refresh under
// way waits for it. It holds no database lock.
func (m *TxManager) currentFees(ctx context.Context) (fees, error) {
	head := m.latestHead()
	m.feeMu.Lock()
	defer m.feeMu.Unlock()
	if c := m.feeCache; c != nil && head != nil && c.head == head.Hash {
		return c.fees, nil
	}
	rctx, cancel := m.rpcCtx(ctx)
	header, err := m.client.HeaderByNumber(rctx, nil)
	cancel()
	if err != nil {
		return fees{}, fmt.Errorf("reading latest header: %w", err)
	}
	f, err := m.initialFees(ctx, header)
	if err != nil {
		return fees{}, err
	}
	if head != nil {
		m.feeCache = &headFees{head: head.Hash, fees: f}
	}
	return f, nil
}

// bumpPrice raises x by BumpWei or BumpPercent, whichever is more, and at
// least by 10% rounded up (the least geth and anvil accept for a
// replacement).
func bumpPrice(x *big.Int, bumpWei *big.Int, bumpPercent uint64) *big.Int {
	byWei := new(big.Int).Add(x, bumpWei)
	byPct := new(big.Int).Mul(x, new(big.Int).SetUint64(100+bumpPercent))
	byPct.Div(byPct, big.NewInt(100))
	return maxBig(maxBig(byWei, byPct), minReplacement(x))
}

// minReplacement is x plus 10%, rounded up.
func minReplacement(x *big.Int) *big.Int {
	r := new(big.Int).Mul(x, big.NewInt(110))
	r.Add(r, big.NewInt(99))
	return r.Div(r, big.NewInt(100))
}

// bumpedFees returns the prices of a replacement for an attempt priced f,
// capped at max. ok is false when the ceiling leaves no room for the 10%
// a replacement needs.
func bumpedFees(f fees, bumpWei *big.Int, bumpPercent uint64, ceiling *big.Int) (fees, bool) {
	if !f.dynamic() {
		p := minBig(bumpPrice(f.GasPrice, bumpWei, bumpPercent), ceiling)
		return fees{GasPrice: p}, p.Cmp(minReplacement(f.GasPrice)) >= 0
	}
	feeCap := minBig(bumpPrice(f.FeeCap, bumpWei, bumpPercent), ceiling)
	tip := minBig(bumpPrice(f.TipCap, bumpWei, bumpPercent), feeCap)
	ok := feeCap.Cmp(minReplacement(f.FeeCap)) >= 0 && tip.Cmp(minReplacement(f.TipCap)) >= 0
	return fees{FeeCap: feeCap, TipCap: tip}, ok
}
