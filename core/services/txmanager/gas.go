package txmanager

import (
	"context"
	"fmt"
	"math/big"

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

// initialFees prices a first attempt from the latest header: EIP-1559 fee
// caps when the head has a base fee (fee cap = 2 x base fee + tip, which
// survives six full blocks of base fee growth, and at least
// GasPriceDefault: only base fee + tip is charged, so a higher cap costs
// nothing), a legacy GasPriceDefault otherwise; both capped at
// MaxGasPrice.
func (m *TxManager) initialFees(ctx context.Context, head *types.Header) (fees, error) {
	if head.BaseFee == nil {
		return fees{GasPrice: minBig(m.cfg.GasPriceDefault, m.cfg.MaxGasPrice)}, nil
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
	feeCap := new(big.Int).Mul(head.BaseFee, big.NewInt(2))
	feeCap.Add(feeCap, tip)
	feeCap = minBig(maxBig(feeCap, m.cfg.GasPriceDefault), m.cfg.MaxGasPrice)
	return fees{FeeCap: feeCap, TipCap: minBig(tip, feeCap)}, nil
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
