package txmanager

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Config sets gas prices, bumping and confirmations. Zero values take the
// defaults named on each field (the classic node's defaults).
type Config struct {
	// GasPriceDefault is the legacy gas price (ETH_GAS_PRICE_DEFAULT) and
	// the floor of the EIP-1559 fee cap; default 20 gwei.
	GasPriceDefault *big.Int
	// MaxGasPrice is the ceiling of every gas price and fee cap
	// (ETH_MAX_GAS_PRICE_WEI); default 1500 gwei.
	MaxGasPrice *big.Int
	// TipCapDefault is the EIP-1559 priority fee of a first attempt; nil
	// asks the node (eth_maxPriorityFeePerGas).
	TipCapDefault *big.Int
	// BumpThreshold is how many blocks an attempt may wait unmined before
	// it is replaced by a higher-priced one (ETH_GAS_BUMP_THRESHOLD); 0
	// turns bumping off.
	BumpThreshold uint64
	// BumpMinAge is how long an attempt must also have been broadcast
	// before it is bumped (ETH_GAS_BUMP_MIN_AGE, 10 s for the node); 0
	// bumps on the block count alone. Where blocks come fast or one per
	// transaction (rollups, anvil's automine), a burst's answers queued
	// behind each other at the chain's node see BumpThreshold blocks go by
	// within milliseconds without being underpriced, and every bump is
	// another signature, attempt row and send.
	BumpMinAge time.Duration
	// BumpWei and BumpPercent raise a price by whichever is more
	// (ETH_GAS_BUMP_WEI, default 5 gwei; ETH_GAS_BUMP_PERCENT, default 20);
	// at least 10% is always added, the least nodes accept for a
	// replacement.
	BumpWei     *big.Int
	BumpPercent uint64
	// GasLimitDefault is the gas limit when a request sets none and
	// eth_estimateGas fails (ETH_GAS_LIMIT_DEFAULT); default 500,000.
	GasLimitDefault uint64
	// GasEstimateMarginPercent is added to eth_estimateGas; default 20.
	// The estimate holds for the state it ran on; by inclusion, storage
	// may have changed (warm or cold slots, another branch taken, a refund
	// gone), and a transaction that runs out of gas costs its whole limit
	// while unused gas costs nothing, so a margin is cheap insurance.
	GasEstimateMarginPercent uint64
	// MinConfirmations is how deep a receipt's block must be for the
	// transaction to be final (MIN_OUTGOING_CONFIRMATIONS); 0 means 1.
	MinConfirmations uint64
	// FinalityDepth is how many blocks a final transaction's block is
	// still checked against the chain after a reorg is seen (a reorg
	// deeper than MinConfirmations); default 50. Deeper than that, the
	// chain's nonce of the key still shows a dropped transaction.
	FinalityDepth uint64
	// StallResendBlocks is how many blocks a key's next nonce may wait
	// unmined since it was last sent before its latest attempt is
	// broadcast again (a node that dropped or never accepted it holds
	// every later nonce); default 3. It does not delay bumping.
	StallResendBlocks uint64
	// StallResendMinAge is how long the next nonce must also have waited
	// since it was last sent (ETH_GAS_BUMP_MIN_AGE for the node, as for
	// bumps); 0 counts blocks alone. Where blocks come one per
	// transaction (anvil's automine), a burst's answers queued at the
	// chain's node see StallResendBlocks go by within milliseconds, and a
	// re-send then only earns "already known".
	StallResendMinAge time.Duration
	// LinkAddress is the LINK token whose balances Balances reports; nil
	// reports none.
	LinkAddress *common.Address
	// BalanceCacheTTL is how long Balances keeps an answer; default 5 s.
	BalanceCacheTTL time.Duration
	// RPCTimeout bounds each call to the chain; default 10 s.
	RPCTimeout time.Duration
	// RetryInterval is how soon a pass that failed (chain unreachable) is
	// retried without waiting for a head; default 5 s.
	RetryInterval time.Duration
	// ChainID signs transactions; nil asks the node once.
	ChainID *big.Int
}

// dueForBump reports whether attempt a, broadcast and still unmined at
// head, has waited long enough to be replaced by a higher-priced one:
// BumpThreshold blocks and BumpMinAge.
func (c Config) dueForBump(head *models.Head, a *models.TxAttempt, now time.Time) bool {
	if c.BumpThreshold == 0 || head == nil || a.BroadcastBlock == nil || a.BroadcastAt == nil {
		return false
	}
	if head.Number-*a.BroadcastBlock < int64(c.BumpThreshold) {
		return false
	}
	return c.BumpMinAge <= 0 || now.Sub(*a.BroadcastAt) >= c.BumpMinAge
}

func gwei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.GWei)) }

func (c Config) withDefaults() Config {
	if c.GasPriceDefault == nil {
		c.GasPriceDefault = gwei(20)
	}
	if c.MaxGasPrice == nil {
		c.MaxGasPrice = gwei(1500)
	}
	if c.BumpWei == nil {
		c.BumpWei = gwei(5)
	}
	if c.BumpPercent == 0 {
		c.BumpPercent = 20
	}
	if c.GasLimitDefault == 0 {
		c.GasLimitDefault = 500_000
	}
	if c.GasEstimateMarginPercent == 0 {
		c.GasEstimateMarginPercent = 20
	}
	if c.MinConfirmations == 0 {
		c.MinConfirmations = 1
	}
	if c.FinalityDepth == 0 {
		c.FinalityDepth = 50
	}
	if c.StallResendBlocks == 0 {
		c.StallResendBlocks = 3
	}
	if c.BalanceCacheTTL <= 0 {
		c.BalanceCacheTTL = 5 * time.Second
	}
	if c.RPCTimeout <= 0 {
		c.RPCTimeout = 10 * time.Second
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = 5 * time.Second
	}
	return c
}

func (c Config) validate() error {
	for name, v := range map[string]*big.Int{
		"GasPriceDefault": c.GasPriceDefault, "MaxGasPrice": c.MaxGasPrice, "BumpWei": c.BumpWei, "TipCapDefault": c.TipCapDefault,
	} {
		if v != nil && v.Sign() < 0 {
			return fmt.Errorf("txmanager config: %s must not be negative", name)
		}
	}
	if c.MaxGasPrice.Sign() == 0 {
		return errors.New("txmanager config: MaxGasPrice must be positive")
	}
	if c.GasPriceDefault.Cmp(c.MaxGasPrice) > 0 {
		return fmt.Errorf("txmanager config: GasPriceDefault %s is above MaxGasPrice %s", c.GasPriceDefault, c.MaxGasPrice)
	}
	if c.ChainID != nil && c.ChainID.Sign() <= 0 {
		return errors.New("txmanager config: ChainID must be positive")
	}
	return nil
}
