package runner_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestEthTxThroughTheTxManager runs a web job whose ethtx goes through the
// real TxManager on the simulated chain: the run waits in
// pending_outgoing_confirmations until the transaction is confirmed, then
// completes with its hash; the transaction is recorded once.
func TestEthTxThroughTheTxManager(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	ks := keystore.New(st, keystore.LightConfig(), nil)
	require.NoError(t, ks.Unlock(ctx, "password"))
	from := ks.Addresses()[0]
	sim := simchain.New(types.GenesisAlloc{from: {Balance: simchain.Ether(10)}})
	t.Cleanup(func() { _ = sim.Close() })
	client := sim.Client()

	txm, err := txmanager.New(txmanager.Config{
		GasPriceDefault: big.NewInt(20e9), MaxGasPrice: big.NewInt(500e9), TipCapDefault: big.NewInt(1e9),
		BumpThreshold: 5, BumpWei: big.NewInt(1e9), BumpPercent: 20, MinConfirmations: 2,
	}, st, client, ks, nil)
	require.NoError(t, err)
	require.NoError(t, txm.Start(ctx))
	t.Cleanup(func() { require.NoError(t, txm.Close()) })
	sender := services.NewRunTxSender(st, txm)

	n := newNode(t, st, nodeOpts{chain: client, txSender: sender})
	txm.OnTxFinal(n.rm.OnTxFinal)
	to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	job := createJob(t, st, `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethuint256"},
		{"type":"ethtx","params":{"address":"`+to.Hex()+`","functionSelector":"0x12345678"}},{"type":"noop"}]}`)

	heads := func() {
		hdr, err := client.HeaderByNumber(ctx, nil)
		require.NoError(t, err)
		h := &models.Head{Hash: hdr.Hash(), Number: hdr.Number.Int64(), ParentHash: hdr.ParentHash, Timestamp: time.Unix(int64(hdr.Time), 0)}
		txm.OnNewHead(ctx, h)
		n.rm.Runner().OnNewHead(ctx, h)
	}
	heads()
	run, err := n.rm.ExecuteJobFromWeb(ctx, job.ID, models.JSON(`{"result":42}`))
	require.NoError(t, err)
	// The status comes with the transaction's record, the result (the
	// hash) with the worker's save just after it.
	sent := waitStatus(t, st, run.ID, models.RunStatusPendingOutgoingConfirmations)
	require.Eventually(t, func() bool {
		sent, err = st.FindJobRun(ctx, run.ID)
		require.NoError(t, err)
		return sent.TaskRuns[1].Result != nil
	}, waitFor, 5*time.Millisecond)
	taskRunID := sent.TaskRuns[1].ID
	hash := common.HexToHash(models.JSONText(models.JSONKey(sent.TaskRuns[1].Result.Data, "result")))

	// The ethtx performed again (a crash before the worker's save) finds
	// the same transaction.
	again, err := sender.CreateTx(ctx, taskRunID, common.Address{}, to, []byte{9}, 500_000)
	require.NoError(t, err)
	require.Equal(t, hash, again)

	var done *models.JobRun
	require.Eventually(t, func() bool {
		sim.Commit()
		heads()
		done, err = st.FindJobRun(ctx, run.ID)
		require.NoError(t, err)
		require.False(t, done.Status == models.RunStatusErrored, "run errored")
		return done.Status == models.RunStatusCompleted
	}, waitFor, 50*time.Millisecond)
	require.Equal(t, hash.Hex(), resultOf(t, done))

	tx, err := st.TxByTaskRunID(ctx, taskRunID)
	require.NoError(t, err)
	require.Equal(t, models.TxStateConfirmed, tx.State)
	_, count, err := st.Txs(ctx, 0, 10)
	require.NoError(t, err)
	require.EqualValues(t, 1, count, "one transaction for the task run")
	chainTx, pending, err := client.TransactionByHash(ctx, *tx.Hash)
	require.NoError(t, err)
	require.False(t, pending)
	require.Equal(t, to, *chainTx.To())
	require.Equal(t, append(common.FromHex("0x12345678"), common.LeftPadBytes([]byte{42}, 32)...), chainTx.Data())
}
