package txmanager_test

import (
	"context"
	"log/slog"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/anviltest"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestAnvilIntervalMining runs the manager against anvil with automine off
// and a block every second, heads coming from a newHeads subscription as
// the head tracker would deliver them: plain transfers and an Oracle
// fulfilment whose gas limit comes from eth_estimateGas plus the margin
// (the Oracle's "400,000 gas left" check makes a tight limit fail) are all
// confirmed at two blocks, each exactly once. Skipped when anvil is not
// installed (npm ci --prefix tools/anvil), except under CI=true.
func TestAnvilIntervalMining(t *testing.T) {
	url := anviltest.Start(t, "--block-time", "1", "--quiet")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	client, err := ethclient.DialContext(ctx, url)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	var automine bool
	require.NoError(t, client.Client().CallContext(ctx, &automine, "anvil_getAutomine"))
	require.False(t, automine, "interval mining: no block per transaction")

	db := testdb.Open(t)
	ks := keystore.New(db, keystore.LightConfig(), nil)
	require.NoError(t, ks.Unlock(ctx, "password"))
	from := ks.Addresses()[0]

	addrs := anviltest.Deploy(t, ctx, client, []common.Address{from})
	owner := anviltest.Transactor()
	nonce, err := client.PendingNonceAt(ctx, owner.From)
	require.NoError(t, err)
	fund, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: anviltest.ChainID, Nonce: nonce, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(100e9), Gas: 21_000,
		To: &from, Value: simchain.Ether(10),
	}), types.LatestSignerForChainID(anviltest.ChainID), anviltest.Key0())
	require.NoError(t, err)
	require.NoError(t, client.SendTransaction(ctx, fund))
	_, err = bind.WaitMined(ctx, client, fund.Hash())
	require.NoError(t, err)
	req, err := stack.RequestPrice(ctx, client, owner, addrs.Consumer, stack.PriceRequest{
		SpecID: [32]byte([]byte("4c7b7ffb66b344fbaa64995af81e355a")), URL: "https://example.com", Path: "price",
		Times: big.NewInt(100), Payment: stack.Link(1),
	})
	require.NoError(t, err)

	m, err := txmanager.New(txmanager.Config{
		GasPriceDefault: big.NewInt(20e9), MaxGasPrice: big.NewInt(500e9), BumpThreshold: 3,
		BumpWei: big.NewInt(1e9), BumpPercent: 20, MinConfirmations: 2, LinkAddress: &addrs.LinkToken,
	}, db, client, ks, slog.New(slog.NewTextHandler(t.Output(), nil)))
	require.NoError(t, err)
	final := make(chan *models.Tx, 8)
	m.OnTxFinal(func(_ context.Context, tx *models.Tx) { final <- tx })
	require.NoError(t, m.Start(ctx))
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	followHeads(t, ctx, client, m)

	answer := common.BigToHash(big.NewInt(4242))
	data := oracle.NewOracle().PackFulfillOracleRequest(req.RequestId, req.Payment, req.CallbackAddr, req.CallbackFunctionId, req.CancelExpiration, answer)
	fulfil, err := m.CreateTx(ctx, nil, txmanager.TxRequest{TaskRunID: "anvil-fulfil", To: addrs.Oracle, Data: data})
	require.NoError(t, err)
	assert.Greater(t, fulfil.GasLimit, uint64(400_000), "estimated with the Oracle's gas check and the margin")
	ids := map[int64]bool{fulfil.ID: true}
	for i := range 3 {
		tx, err := m.CreateTx(ctx, nil, txmanager.TxRequest{To: sink, Value: big.NewInt(int64(i + 1))})
		require.NoError(t, err)
		ids[tx.ID] = true
	}

	for range ids {
		select {
		case tx := <-final:
			assert.Equal(t, models.TxStateConfirmed, tx.State, "tx %d", tx.ID)
			assert.True(t, ids[tx.ID])
			delete(ids, tx.ID)
		case <-ctx.Done():
			t.Fatalf("txes %v were not confirmed", ids)
		}
	}
	n, err := client.NonceAt(ctx, from, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), n, "four transactions, one nonce each")
	price, err := stack.CurrentPrice(ctx, client, addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, "4242", price.String())
	count, err := stack.FulfilmentCount(ctx, client, addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), count)

	bs, err := m.Balances(ctx)
	require.NoError(t, err)
	require.Len(t, bs, 1)
	assert.Positive(t, bs[0].ETH.Sign())
	assert.Equal(t, "0", bs[0].LINK.String())
	require.NoError(t, m.Healthy())
}

// followHeads hands every new head to m, as the head tracker does, until
// the test ends.
func followHeads(t *testing.T, ctx context.Context, client *ethclient.Client, m *txmanager.TxManager) {
	t.Helper()
	heads := make(chan *types.Header, 16)
	sub, err := client.SubscribeNewHead(ctx, heads)
	require.NoError(t, err)
	done := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case h := <-heads:
				m.OnNewHead(ctx, &models.Head{Hash: h.Hash(), Number: h.Number.Int64(), ParentHash: h.ParentHash,
					Timestamp: time.Unix(int64(h.Time), 0)})
			case <-sub.Err():
				return
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
		sub.Unsubscribe()
	})
}

// TestAnvilReorgDropsFinalTxes: two transfers confirmed at depth 1 are
// dropped by anvil_reorg 5 blocks deep (anvil re-includes nothing and
// sends no removed logs; only its new heads show the reorg). The manager
// sees the key's chain nonce below them, re-sends their saved attempts
// with their nonces, and a later nonce is mined after them: every task
// run has exactly one transaction, each confirmed again on the new chain.
func TestAnvilReorgDropsFinalTxes(t *testing.T) {
	url := anviltest.Start(t, "--quiet")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	client, err := ethclient.DialContext(ctx, url)
	require.NoError(t, err)
	t.Cleanup(client.Close)

	db := testdb.Open(t)
	ks := keystore.New(db, keystore.LightConfig(), nil)
	require.NoError(t, ks.Unlock(ctx, "password"))
	from := ks.Addresses()[0]
	fund, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: anviltest.ChainID, Nonce: 0, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(100e9), Gas: 21_000,
		To: &from, Value: simchain.Ether(10),
	}), types.LatestSignerForChainID(anviltest.ChainID), anviltest.Key0())
	require.NoError(t, err)
	require.NoError(t, client.SendTransaction(ctx, fund))
	_, err = bind.WaitMined(ctx, client, fund.Hash())
	require.NoError(t, err)

	// Bumping is not what this test is about: a send records the latest
	// head the manager has been handed, which on automine may be a few
	// blocks behind anvil, and 3 blocks then pass within the re-sends
	// (CI saw tx c bumped once).
	m, err := txmanager.New(txmanager.Config{
		GasPriceDefault: big.NewInt(20e9), MaxGasPrice: big.NewInt(500e9), BumpThreshold: 20,
		BumpWei: big.NewInt(1e9), BumpPercent: 20, MinConfirmations: 1,
	}, db, client, ks, slog.New(slog.NewTextHandler(t.Output(), nil)))
	require.NoError(t, err)
	final := make(chan *models.Tx, 16)
	m.OnTxFinal(func(_ context.Context, tx *models.Tx) { final <- tx })
	require.NoError(t, m.Start(ctx))
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	followHeads(t, ctx, client, m)

	waitFinal := func(n int) map[int64]*models.Tx {
		t.Helper()
		got := map[int64]*models.Tx{}
		for len(got) < n {
			select {
			case tx := <-final:
				got[tx.ID] = tx
			case <-ctx.Done():
				t.Fatalf("only %d of %d txes final", len(got), n)
			}
		}
		return got
	}

	// Automine: one block each, final at once; then 3 empty blocks.
	var txs []*models.Tx
	for i, run := range []string{"anvil-reorg-a", "anvil-reorg-b"} {
		tx, err := m.CreateTx(ctx, nil, txmanager.TxRequest{TaskRunID: run, To: sink, Value: big.NewInt(int64(i + 1)), GasLimit: 21_000})
		require.NoError(t, err)
		got := waitFinal(1)[tx.ID]
		require.NotNil(t, got)
		require.Equal(t, models.TxStateConfirmed, got.State)
		txs = append(txs, got)
	}
	require.NoError(t, client.Client().CallContext(ctx, nil, "anvil_mine", 3))
	n, err := client.NonceAt(ctx, from, nil)
	require.NoError(t, err)
	require.Equal(t, uint64(2), n)

	require.NoError(t, client.Client().CallContext(ctx, nil, "anvil_reorg", 5, []any{}))
	n, err = client.NonceAt(ctx, from, nil)
	require.NoError(t, err)
	require.Equal(t, uint64(0), n, "anvil dropped both transactions")

	c, err := m.CreateTx(ctx, nil, txmanager.TxRequest{TaskRunID: "anvil-reorg-c", To: sink, Value: big.NewInt(3), GasLimit: 21_000})
	require.NoError(t, err)
	require.Equal(t, uint64(2), c.Nonce)
	finals := waitFinal(3)
	for _, tx := range append(txs, c) {
		got := finals[tx.ID]
		require.NotNil(t, got, "tx %d final again", tx.ID)
		assert.Equal(t, models.TxStateConfirmed, got.State)
		r, err := client.TransactionReceipt(ctx, *got.Hash)
		require.NoError(t, err, "on the new chain")
		assert.Equal(t, r.BlockHash, *got.BlockHash)
		assert.Equal(t, tx.Attempts[0].Hash, *got.Hash, "the same signed transaction")
	}
	n, err = client.NonceAt(ctx, from, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), n)
	all, total, err := db.Txs(ctx, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, int64(3), total, "one tx per task run")
	for _, tx := range all {
		assert.Len(t, tx.Attempts, 1, "tx %d re-sent, not re-created or bumped", tx.ID)
	}
}
