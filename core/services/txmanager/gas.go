package txmanager

import (
	"context"
	"fmt"
	"math/big"
	"time"

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

// headFees is the first-attempt pricing read at one block.
type headFees struct {
	head common.Hash // the block whose base fee it used
	fees fees
}

// feeRefreshMinInterval is the least time between two background fee
// refreshes: a dev chain that mines a block per transaction would
// otherwise be asked for fees twice per transaction.
const feeRefreshMinInterval = 200 * time.Millisecond

// currentFees prices a first attempt. Only the very first call (or the
// first after every refresh failed) asks the chain and waits; later calls
// take the cached pricing, perhaps a head old, and ask the refresher for
// a new one when the latest head is newer: fee caps cover several blocks
// of base fee growth, and bumping fixes the rest. A manager that was not
// started has no refresher, so its callers refresh at a new head
// themselves. It holds no database lock.
func (m *TxManager) currentFees(ctx context.Context) (fees, error) {
	c := m.feeCache.Load()
	if c == nil {
		return m.refreshFees(ctx)
	}
	if head := m.latestHead(); head != nil && head.Hash != c.head {
		if !m.feeLoop.Load() {
			return m.refreshFees(ctx)
		}
		m.wakeFees()
	}
	return c.fees, nil
}

// wakeFees asks the refresher for the latest head's fees. It does not
// block.
func (m *TxManager) wakeFees() {
	select {
	case m.feeWake <- struct{}{}:
	default:
	}
}

// refreshFeesLoop is the fee refresher goroutine: one refresh per wake,
// at most one per feeRefreshMinInterval.
func (m *TxManager) refreshFeesLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.feeWake:
		}
		if _, err := m.refreshFees(ctx); err != nil && ctx.Err() == nil {
			m.lggr.WarnContext(ctx, "refreshing fees failed; keeping the last ones", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(feeRefreshMinInterval):
		}
	}
}

// refreshFees reads the latest header and the tip suggestion and caches
// the pricing, unless the cache is already for the latest head known
// (callers that queued behind a refresh share it).
func (m *TxManager) refreshFees(ctx context.Context) (fees, error) {
	m.feeMu.Lock()
	defer m.feeMu.Unlock()
	if c := m.feeCache.Load(); c != nil {
		if head := m.latestHead(); head == nil || head.Hash == c.head {
			return c.fees, nil
		}
	}
	if head := m.latestHead(); head != nil && head.BaseFee != nil {
		// The head tracker's header had the base fee: no need to read it
		// again (one call per head fewer).
		return m.storeFees(ctx, head.Hash, &types.Header{BaseFee: head.BaseFee})
	}
	rctx, cancel := m.rpcCtx(ctx)
	header, err := m.client.HeaderByNumber(rctx, nil)
	cancel()
	if err != nil {
		return fees{}, fmt.Errorf("reading latest header: %w", err)
	}
	return m.storeFees(ctx, header.Hash(), header)
}

// storeFees prices a first attempt at header, the block hash's, and
// caches it. Call it with feeMu held.
func (m *TxManager) storeFees(ctx context.Context, hash common.Hash, header *types.Header) (fees, error) {
	f, err := m.initialFees(ctx, header)
	if err != nil {
		return fees{}, err
	}
	m.feeCache.Store(&headFees{head: hash, fees: f})
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
