package subscriber_test

import (
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/services/subscriber"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// follow subscribes to addr's logs through the node's client, as a
// watcher does, and returns a function that waits until n more have
// arrived: a sign that the watcher has been sent them too.
func (e *env) follow(t *testing.T, addr common.Address) (waitLogs func(n int) []types.Log) {
	t.Helper()
	ch := make(chan types.Log, 256)
	sub, err := e.client.SubscribeFilterLogs(ctx(t), ethereum.FilterQuery{Addresses: []common.Address{addr}}, ch)
	require.NoError(t, err)
	t.Cleanup(sub.Unsubscribe)
	return func(n int) []types.Log {
		t.Helper()
		var got []types.Log
		timeout := time.After(waitFor)
		for len(got) < n {
			select {
			case l := <-ch:
				got = append(got, l)
			case <-timeout:
				t.Fatalf("saw %d of %d logs", len(got), n)
			}
		}
		return got
	}
}

// batchedEnv is setup with a batching executor.
func batchedEnv(t *testing.T) *env {
	t.Helper()
	e := setup(t)
	e.batched = &batchRecorder{recorder: e.exec}
	return e
}

// TestLiveLogsWaitingAreHandledTogether holds the executor on one
// request while five more are mined in three blocks: once released, the
// watcher hands the waiting ones over together, starts each run once and
// in chain order, and moves the cursor below the last log's block.
func TestLiveLogsWaitingAreHandledTogether(t *testing.T) {
	e := batchedEnv(t)
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	waitLogs := e.follow(t, e.addrs.Oracle)
	e.start(t, subscriber.Config{})

	first := e.send(t, spec)[0]
	release := e.exec.hold(first)
	e.mine(t, first)
	select {
	case <-e.exec.entered:
	case <-time.After(waitFor):
		t.Fatal("the first request did not reach the executor")
	}
	e.mine(t, e.send(t, spec, spec)...)
	e.mine(t, e.send(t, spec, spec)...)
	e.mine(t, e.send(t, spec)...)
	logs := waitLogs(6)
	release()

	runs := e.exec.waitRuns(t, 6)
	require.Len(t, runs, 6)
	for i, r := range runs {
		assert.Equal(t, logs[i].TxHash, *r.req.TxHash, "run %d in chain order", i)
	}
	sizes := e.batched.batchSizes()
	assert.Equal(t, 1, sizes[0], "the held request came alone")
	assert.Equal(t, 6, sum(sizes))
	assert.Greater(t, slices.Max(sizes[1:]), 1, "the waiting logs came together: %v", sizes)
	last := logs[5].BlockNumber
	require.Eventually(t, func() bool { return e.cursor(t, e.addrs.Oracle) == last-1 }, waitFor, tick)
}

// TestBackfillHandsLogsInBatches stops the node while seven requests are
// mined: the backfill hands them over in batches of at most MaxBatch, in
// chain order, and the cursor reaches the head.
func TestBackfillHandsLogsInBatches(t *testing.T) {
	e := batchedEnv(t)
	job := e.runlogJob(t, "")
	other := e.runlogJob(t, "")
	e.markSynced(t, e.addrs.Oracle)
	specs := [][32]byte{models.SpecIDForJob(job.ID), models.SpecIDForJob(other.ID), models.SpecIDForJob(models.NewJobID())}
	var txs []common.Hash
	for i := range 7 {
		txs = append(txs, e.send(t, specs[i%3])...)
		if i%2 == 1 {
			e.mine(t, txs...)
		}
	}
	e.mine(t, txs...)
	head := e.head(t)
	e.start(t, subscriber.Config{MaxBatch: 3})

	runs := e.exec.waitRuns(t, 5)
	require.Eventually(t, func() bool { return e.cursor(t, e.addrs.Oracle) == head }, waitFor, tick)
	assert.Equal(t, []int{2, 2, 1}, e.batched.batchSizes(), "logs 1-3, 4-6 and 7, less those of no job")
	var want []common.Hash
	for i, tx := range txs {
		if i%3 != 2 {
			want = append(want, tx)
		}
	}
	var got []common.Hash
	for _, r := range runs {
		got = append(got, *r.req.TxHash)
	}
	assert.Equal(t, want, got, "one run per request of a job, in chain order")
}

// TestReorgSplitsABatch holds the executor on a request while a reorg
// removes it and an earlier one and mines both again: the removed logs
// cancel their runs in order, between the batches before and after them,
// and the requests mined again start new runs.
func TestReorgSplitsABatch(t *testing.T) {
	e := batchedEnv(t)
	job := e.runlogJob(t, "")
	spec := models.SpecIDForJob(job.ID)
	e.markSynced(t, e.addrs.Oracle)
	waitLogs := e.follow(t, e.addrs.Oracle)
	e.start(t, subscriber.Config{})

	r1 := e.request(t, spec)
	e.exec.waitRuns(t, 1)
	waitLogs(1)
	held := e.send(t, spec)[0]
	release := e.exec.hold(held)
	e.mine(t, held)
	select {
	case <-e.exec.entered:
	case <-time.After(waitFor):
		t.Fatal("the request did not reach the executor")
	}
	parent, err := e.backend.HeaderByNumber(ctx(t), new(big.Int).SetUint64(r1.Raw.BlockNumber-1))
	require.NoError(t, err)
	require.NoError(t, e.sim.Fork(parent.Hash()))
	e.sim.Commit()
	e.sim.Commit()
	e.sim.Commit() // the side chain is longer: both logs removed
	e.sim.Commit() // and their transactions mined again
	logs := waitLogs(5)
	var removed []types.Log
	for _, l := range logs {
		if l.Removed {
			removed = append(removed, l)
		}
	}
	require.Len(t, removed, 2, "logs seen: %v", logs)
	release()

	require.Eventually(t, func() bool { return len(e.exec.cancelled()) == 2 }, waitFor, tick)
	var want [][3]string
	for _, l := range removed {
		want = append(want, [3]string{l.BlockHash.Hex(), l.TxHash.Hex(), fmt.Sprint(l.Index)})
	}
	assert.Equal(t, want, e.exec.cancelled(), "cancelled in the order removed")
	runs := e.exec.waitRuns(t, 4)
	require.Len(t, runs, 4)
	assert.Equal(t, r1.Raw.TxHash, *runs[0].req.TxHash)
	assert.Equal(t, held, *runs[1].req.TxHash)
	for _, r := range runs[2:] {
		assert.NotEqual(t, r1.Raw.BlockHash, *r.req.BlockHash, "mined again in another block")
	}
	assert.ElementsMatch(t, []common.Hash{r1.Raw.TxHash, held}, []common.Hash{*runs[2].req.TxHash, *runs[3].req.TxHash})
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
