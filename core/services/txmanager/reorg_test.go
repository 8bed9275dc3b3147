package txmanager_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// atomicClient is the simulated chain as the manager sees it. The
// simulated backend builds a side chain one Commit at a time, each
// visible at once; a node switches to a side chain in one step. reorg
// holds every call of the manager while the side chain is built, so the
// manager sees the old chain or the new one, never a half-built one (and
// cannot put transactions in the pool of the half-built chain).
type atomicClient struct {
	simulated.Client
	mu sync.RWMutex

	// ghosts, when set, are transactions whose receipt the chain still
	// serves after a reorg took them out, at their old height under the
	// new block there (seen from anvil under load): a receipt in a
	// canonical block for a tx the chain's nonce says is not mined.
	ghosts map[common.Hash]int64
}

func (c *atomicClient) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.SendTransaction(ctx, tx)
}

func (c *atomicClient) NonceAt(ctx context.Context, a common.Address, n *big.Int) (uint64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.NonceAt(ctx, a, n)
}

func (c *atomicClient) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.PendingNonceAt(ctx, a)
}

func (c *atomicClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, err := c.Client.TransactionReceipt(ctx, h)
	if number, ghost := c.ghosts[h]; ghost && errors.Is(err, ethereum.NotFound) {
		head, err := c.Client.HeaderByNumber(ctx, big.NewInt(number))
		if err != nil {
			return nil, err
		}
		return &types.Receipt{TxHash: h, Status: types.ReceiptStatusSuccessful, BlockNumber: big.NewInt(number),
			BlockHash: head.Hash(), GasUsed: 21_000}, nil
	}
	return r, err
}

func (c *atomicClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.HeaderByNumber(ctx, n)
}

func (c *atomicClient) BalanceAt(ctx context.Context, a common.Address, n *big.Int) (*big.Int, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.BalanceAt(ctx, a, n)
}

func (c *atomicClient) CallContract(ctx context.Context, msg ethereum.CallMsg, n *big.Int) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.Client.CallContract(ctx, msg, n)
}

// reorg replaces the chain above base by blocks empty blocks, in one step
// for the manager. With drop the pool is emptied first, so the side chain
// holds none of the transactions of the blocks it replaces (as anvil's
// reorg does); without, the pool takes them back and the side chain
// re-includes them. It returns the new head's hash.
func (e *env) reorg(base common.Hash, blocks int, drop bool) common.Hash {
	e.t.Helper()
	e.chain.mu.Lock()
	defer e.chain.mu.Unlock()
	require.NoError(e.t, e.sim.Fork(base))
	if drop {
		e.sim.Rollback()
	}
	var tip common.Hash
	for range blocks {
		tip = e.sim.Commit()
	}
	return tip
}

// TestDeepReorg: two transactions confirmed at depth 1 (one block each)
// are taken out by a reorg 5 blocks deep. When the side chain drops them
// (as anvil does), each is put back to unconfirmed and its same signed
// attempt re-sent, then a later nonce is mined after them; OnTxFinal is
// called again for each, and no task run ever has a second transaction.
// Found by the blocks check within FinalityDepth, and by the chain's
// nonce alone when the reorg is deeper than FinalityDepth. When the side
// chain re-includes them, they stay final in their new blocks.
func TestDeepReorg(t *testing.T) {
	tests := []struct {
		name          string
		drop          bool // the side chain does not hold the txes
		finalityDepth uint64
		byBlocks      bool // the blocks check may find it
	}{
		{"dropped, within finality depth", true, 50, true},
		// Depth 1: a final tx is forgotten at once, so only a later
		// nonce of the key shows the chain's nonce below the final txes.
		{"dropped, deeper than finality depth", true, 1, false},
		{"re-included in other blocks", false, 50, true},
		// The chain serves their old receipts in its new blocks: only the
		// nonce, read again, shows they are not on it.
		{"dropped, old receipts still served", true, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, setupOpts{cfg: func(c *txmanager.Config) {
				c.MinConfirmations = 1
				c.FinalityDepth = tc.finalityDepth
			}})
			m := e.manager()
			base, err := e.client.HeaderByNumber(e.ctx, nil)
			require.NoError(t, err)

			// Blocks 1 and 2 hold A and B, final at once; 3 to 5 are empty.
			var txs []*models.Tx
			for _, run := range []string{"deep-a", "deep-b"} {
				tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: run, To: sink, GasLimit: 21_000})
				require.NoError(t, err)
				e.waitTx(tx.ID, "broadcast", broadcast)
				e.waitPool(uint64(len(txs) + 1))
				e.commit(m)
				final := e.waitFinal()
				require.Equal(t, tx.ID, final.ID)
				require.Equal(t, models.TxStateConfirmed, final.State)
				txs = append(txs, final)
			}
			for range 3 {
				e.commit(m)
			}
			require.Equal(t, uint64(2), e.chainNonce())

			// A longer side chain from the base: 6 blocks replace 5.
			ghosts := strings.Contains(tc.name, "old receipts")
			tip := e.reorg(base.Hash(), 6, tc.drop)
			if ghosts {
				e.chain.mu.Lock()
				e.chain.ghosts = map[common.Hash]int64{}
				for _, tx := range txs {
					e.chain.ghosts[*tx.Hash] = *tx.BlockNumber
				}
				e.chain.mu.Unlock()
			}
			if tc.drop {
				require.Equal(t, uint64(0), e.chainNonce(), "the side chain must not hold the txes")
			} else {
				require.Equal(t, uint64(2), e.chainNonce(), "the side chain re-includes the txes")
			}
			head := e.announce(m, tip)

			if !tc.drop {
				for _, tx := range txs {
					r, err := e.client.TransactionReceipt(e.ctx, *tx.Hash)
					require.NoError(t, err)
					got := e.waitTx(tx.ID, "moved to its new block", func(got *models.Tx) bool {
						return got.BlockHash != nil && *got.BlockHash == r.BlockHash
					})
					assert.Equal(t, models.TxStateConfirmed, got.State)
					assert.Equal(t, r.BlockNumber.Int64(), *got.BlockNumber)
				}
				assert.Equal(t, len(txs), e.logs.count("final tx moved to another block by a reorg"))
				e.commit(m)
				e.noMoreFinal()
				return
			}

			// A later nonce, created after the reorg, is mined after them.
			c, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "deep-c", To: sink, GasLimit: 21_000})
			require.NoError(t, err)
			assert.Equal(t, uint64(2), c.Nonce)
			require.Eventually(t, func() bool {
				n, err := e.client.PendingNonceAt(e.ctx, e.from)
				require.NoError(t, err)
				return n == 3
			}, 20*time.Second, 10*time.Millisecond, "the reorged-out txes were not re-broadcast")
			for _, tx := range txs {
				got := e.waitTx(tx.ID, "unconfirmed and re-sent", inState(models.TxStateUnconfirmed))
				assert.Nil(t, got.BlockHash)
				assert.Nil(t, got.FinalAt)
				assert.Len(t, got.Attempts, 1, "the saved attempt is re-sent, not a new one")
			}
			byBlocks, byNonce := e.logs.count("final tx reorged out: re-sending it with its nonce"), e.logs.count("tx reorged out: re-sending it with its nonce")
			byNonceAgain := e.logs.count("tx above the chain's nonce has a receipt the chain cannot hold (kept from a reorged-out block): re-sending it with its nonce")
			assert.Equal(t, len(txs), byBlocks+byNonce+byNonceAgain)
			if ghosts {
				assert.Equal(t, len(txs), byNonceAgain, "found by the nonce read again")
			}
			if !tc.byBlocks {
				assert.Zero(t, byBlocks, "found by the chain's nonce alone")
			}
			assert.Equal(t, 1, e.logs.count("reorg took out mined transactions: the chain's nonce is below them")+
				e.logs.count("reorg changed blocks of final transactions"))

			remined := e.commit(m)
			require.Greater(t, remined.Number, head.Number)
			finals := map[int64]*models.Tx{}
			for range 3 {
				tx := e.waitFinal()
				finals[tx.ID] = tx
			}
			for _, tx := range append(txs, c) {
				final := finals[tx.ID]
				require.NotNil(t, final, "tx %d announced final again", tx.ID)
				assert.Equal(t, models.TxStateConfirmed, final.State)
				assert.Equal(t, remined.Hash, *final.BlockHash)
				assert.Equal(t, tx.Attempts[0].Hash, *final.Hash, "the same signed transaction")
			}
			e.commit(m)
			e.noMoreFinal()
			assert.Equal(t, uint64(3), e.chainNonce())

			// Exactly one tx per task run, one per nonce.
			all, total, err := e.db.Txs(e.ctx, 0, 10)
			require.NoError(t, err)
			assert.Equal(t, int64(3), total)
			runs := map[string]uint64{}
			for _, tx := range all {
				require.NotNil(t, tx.TaskRunID)
				runs[*tx.TaskRunID] = tx.Nonce
			}
			assert.Equal(t, map[string]uint64{"deep-a": 0, "deep-b": 1, "deep-c": 2}, runs)
		})
	}
}

// TestStalledNonceResent: the chain's node forgets the key's pending
// transactions (its pool is emptied), bumping is off: the key's next
// nonce is broadcast again after StallResendBlocks, then the one after
// it, and both are mined; nothing is bumped.
func TestStalledNonceResent(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) {
		c.BumpThreshold = 0
		c.StallResendBlocks = 2
	}})
	m := e.manager()
	var ids []int64
	for _, run := range []string{"stall-a", "stall-b"} {
		tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: run, To: sink, GasLimit: 21_000})
		require.NoError(t, err)
		e.waitTx(tx.ID, "broadcast", broadcast)
		ids = append(ids, tx.ID)
	}
	e.sim.Rollback() // the node drops both
	pending, err := e.client.PendingNonceAt(e.ctx, e.from)
	require.NoError(t, err)
	require.Equal(t, uint64(0), pending)

	confirmed := map[int64]bool{}
	for i := 0; len(confirmed) < 2; i++ {
		require.Less(t, i, 20, "the stalled txes were never mined")
		e.commit(m)
		select {
		case tx := <-e.final:
			confirmed[tx.ID] = true
		case <-time.After(200 * time.Millisecond):
			// a pass per head; nothing final on this one
		}
	}
	assert.Equal(t, uint64(2), e.chainNonce())
	assert.GreaterOrEqual(t, e.logs.count("key's next nonce is not mined: broadcasting it again"), 2)
	for _, id := range ids {
		tx, err := e.db.TxByID(e.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, models.TxStateConfirmed, tx.State)
		assert.Len(t, tx.Attempts, 1, "not bumped")
	}
}

// TestStallResendWaitsForMinAge: blocks that go by faster than
// StallResendMinAge do not re-send the key's stalled next nonce (on
// automine a burst's answers only queue at the node); the first head
// after the age has passed does, and the tx is mined.
func TestStallResendWaitsForMinAge(t *testing.T) {
	const minAge = 1500 * time.Millisecond
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) {
		c.BumpThreshold = 0
		c.StallResendBlocks = 2
		c.StallResendMinAge = minAge
	}})
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "stall-young", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(tx.ID, "broadcast", broadcast)
	e.sim.Rollback() // the node drops it
	const resent = "key's next nonce is not mined: broadcasting it again"
	for range 4 { // twice StallResendBlocks, at once
		e.commit(m)
	}
	time.Sleep(100 * time.Millisecond) // the passes of those heads
	require.Zero(t, e.logs.count(resent), "re-sent before it was %s old", minAge)
	time.Sleep(minAge)
	for i := 0; ; i++ {
		require.Less(t, i, 20, "the stalled tx was never mined")
		e.commit(m)
		select {
		case final := <-e.final:
			assert.Equal(t, tx.ID, final.ID)
			assert.Equal(t, 1, e.logs.count(resent))
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// TestNonceGapLogged: the key's saved next nonce is above the chain's
// (a nonce given out by no transaction of this node): the manager cannot
// fill the gap without risking a second transaction for the same work, so
// it reports it once, as an error, and sends nothing twice.
func TestNonceGapLogged(t *testing.T) {
	e := setup(t, setupOpts{})
	_, err := e.db.RaiseNextNonce(e.ctx, e.from, 1)
	require.NoError(t, err)
	m := e.manager()
	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "gap", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	require.Equal(t, uint64(1), tx.Nonce)
	e.waitTx(tx.ID, "broadcast", broadcast)
	const msg = "nonce gap: the chain waits for a nonce no transaction of this node holds; later transactions cannot be mined"
	for range 3 {
		e.commit(m)
	}
	require.Eventually(t, func() bool { return e.logs.count(msg) > 0 }, 20*time.Second, 10*time.Millisecond)
	e.commit(m)
	assert.Equal(t, 1, e.logs.count(msg), "logged once per gap")
	assert.Equal(t, uint64(0), e.chainNonce())
	got, err := e.db.TxByID(e.ctx, tx.ID)
	require.NoError(t, err)
	assert.Equal(t, models.TxStateUnconfirmed, got.State)
	assert.Equal(t, uint64(1), got.Nonce, "not moved into the gap")
}

// laggingNonceClient answers NonceAt one below the chain while lag is
// set: a node whose nonce lags its receipts, or a read made just before
// a tx was mined.
type laggingNonceClient struct {
	*atomicClient
	lag atomic.Bool
}

func (c *laggingNonceClient) NonceAt(ctx context.Context, a common.Address, n *big.Int) (uint64, error) {
	got, err := c.atomicClient.NonceAt(ctx, a, n)
	if err == nil && got > 0 && c.lag.Load() {
		got--
	}
	return got, err
}

// TestNoGapFromAStaleNonce: a pass reads the key's chain nonce before it
// finds a tx at that nonce mined; the next tx is then above the nonce it
// read, which is no gap: nothing is logged, and the next tx, dropped by
// the node, is sent again once the nonce is read anew.
func TestNoGapFromAStaleNonce(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) {
		c.BumpThreshold = 0
		c.StallResendBlocks = 1
	}})
	client := &laggingNonceClient{atomicClient: e.chain}
	m := e.managerOn(client)

	first, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "stale-a", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(first.ID, "broadcast", broadcast)
	mined := e.sim.Commit() // not announced yet
	second, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "stale-b", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	e.waitTx(second.ID, "broadcast", broadcast)
	e.sim.Rollback() // the node drops the second

	client.lag.Store(true)
	e.announce(m, mined)
	assert.Equal(t, first.ID, e.waitFinal().ID)
	const gap = "nonce gap: the chain waits for a nonce no transaction of this node holds; later transactions cannot be mined"
	assert.Zero(t, e.logs.count(gap), "the nonce read before the receipt is no gap")

	client.lag.Store(false)
	for i := 0; ; i++ {
		require.Less(t, i, 10, "the second tx was never sent again")
		e.commit(m)
		select {
		case tx := <-e.final:
			assert.Equal(t, second.ID, tx.ID)
			assert.Zero(t, e.logs.count(gap))
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// lateReceiptClient answers no receipt while late is set: a node (anvil
// under load) that has moved the key's nonce past a mined tx but does not
// serve its receipt yet.
type lateReceiptClient struct {
	*atomicClient
	late atomic.Bool
}

func (c *lateReceiptClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	if c.late.Load() {
		return nil, ethereum.NotFound
	}
	return c.atomicClient.TransactionReceipt(ctx, h)
}

// TestLateReceiptIsNotAnotherSender: a mined tx whose receipt the node
// does not serve yet is bumped, and the bump is refused "nonce too low".
// The nonce looks used by another sender, but the manager waits for a
// later head before giving the tx a new nonce; by then the receipt is
// served, and the tx is recorded as mined at its nonce: it is not sent
// twice.
func TestLateReceiptIsNotAnotherSender(t *testing.T) {
	e := setup(t, setupOpts{cfg: func(c *txmanager.Config) { c.BumpThreshold = 1 }})
	client := &lateReceiptClient{atomicClient: e.chain}
	m := e.managerOn(client)

	tx, err := m.CreateTx(e.ctx, nil, txmanager.TxRequest{TaskRunID: "late-receipt", To: sink, GasLimit: 21_000})
	require.NoError(t, err)
	sent := e.waitTx(tx.ID, "broadcast", broadcast)
	e.waitPool(1)
	client.late.Store(true)
	// Mined, but its receipt is not served: a block after its send, it is
	// bumped, and the bump is refused.
	e.commit(m)
	waiting := e.waitTx(tx.ID, "seen with its nonce used", func(tx *models.Tx) bool {
		return tx.LastError != nil && strings.Contains(*tx.LastError, "no attempt of this tx has a receipt")
	})
	assert.Equal(t, sent.Nonce, waiting.Nonce, "given a new nonce at the head it was first seen at")
	assert.Equal(t, uint64(1), e.chainNonce())

	client.late.Store(false)
	e.commit(m)
	final := e.waitFinal()
	assert.Equal(t, tx.ID, final.ID)
	assert.Equal(t, models.TxStateConfirmed, final.State)
	assert.Equal(t, sent.LatestAttempt().Hash, *final.Hash, "the first attempt was mined")
	assert.Equal(t, sent.Nonce, final.Nonce)
	assert.Equal(t, uint64(1), e.chainNonce(), "sent once")
}
