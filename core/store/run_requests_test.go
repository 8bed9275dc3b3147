package store_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// TestRequestsWithLiveRunsAnswerState: a request's run is found with the
// state of its answer; a run whose answer reverted (here after it
// completed: a reorg took the confirmed answer out and it reverted when
// sent again) holds the request no more, nor does an errored run.
func TestRequestsWithLiveRunsAnswerState(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))

	tests := []struct {
		run    models.RunStatus
		answer models.TxState
		held   bool
	}{
		{models.RunStatusInProgress, "", true},
		{models.RunStatusPendingOutgoingConfirmations, models.TxStateUnconfirmed, true},
		{models.RunStatusPendingOutgoingConfirmations, models.TxStateMined, true},
		{models.RunStatusCompleted, models.TxStateConfirmed, true},
		{models.RunStatusCompleted, models.TxStateReverted, false},
		{models.RunStatusErrored, models.TxStateReverted, false},
		{models.RunStatusErrored, "", false},
	}
	var ids []common.Hash
	for i, tt := range tests {
		id := common.BigToHash(big.NewInt(int64(100 + i)))
		ids = append(ids, id)
		req := logRequest(common.BigToHash(big.NewInt(int64(i+1))), common.HexToHash("0xa1"), uint(i))
		req.RequestID = &id
		run := newRun(t, s, job, req)
		run.Status = tt.run
		require.NoError(t, s.SaveJobRunSteps(ctx, run, nil))
		if tt.answer == "" {
			continue
		}
		taskRun := run.TaskRuns[0].ID
		tx := &models.Tx{TaskRunID: &taskRun, From: common.HexToAddress("0xf1"), To: common.HexToAddress("0x0a"),
			Value: models.NewBig(big.NewInt(0)), GasLimit: 21000, Nonce: uint64(i), State: tt.answer,
			Attempts: []models.TxAttempt{{Hash: common.BigToHash(big.NewInt(int64(900 + i))), Nonce: uint64(i), SignedRawTx: []byte{1}}}}
		require.NoError(t, s.Transact(ctx, func(st *store.Store) error {
			ok, err := st.InsertTxs(ctx, []*models.Tx{tx})
			require.True(t, ok)
			return err
		}))
	}
	live, err := s.RequestsWithLiveRuns(ctx, job.ID, ids)
	require.NoError(t, err)
	for i, tt := range tests {
		got, ok := live[ids[i]]
		require.Equal(t, tt.held, ok, "run %s, answer %q", tt.run, tt.answer)
		if ok {
			require.Equal(t, tt.run, got.Status)
			require.Equal(t, tt.answer, got.AnswerState)
		}
	}
}

// TestRequestsWithLiveRunsCommitment: the held run comes with its
// request's commitment (payment, callback, expiration) as the log gave
// it, whether the run was saved alone or in a batch, so a log moved by a
// reorg can be told apart from one with new parameters.
func TestRequestsWithLiveRunsCommitment(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))

	request := func(i int, expiration int64) *models.RunRequest {
		id := common.BigToHash(big.NewInt(int64(200 + i)))
		callback := common.HexToAddress("0x00000000000000000000000000000000000000cb")
		fn := models.FunctionSelector{1, 2, 3, byte(i)}
		req := logRequest(common.BigToHash(big.NewInt(int64(i+1))), common.HexToHash("0xa2"), uint(i))
		req.RequestID, req.CallbackAddr, req.CallbackFunctionID = &id, &callback, &fn
		req.CancelExpiration = models.NewBig(big.NewInt(expiration))
		return req
	}
	alone := request(0, 1_700_000_300)
	newRun(t, s, job, alone)
	batched := request(1, 1_700_000_301)
	run := &models.JobRun{ID: models.NewRunID(), JobSpecID: job.ID, InitiatorID: job.Initiators[0].ID,
		InitiatorType: job.Initiators[0].Type, Status: models.RunStatusUnstarted, RunRequest: batched}
	require.NoError(t, s.CreateJobRuns(ctx, []*models.JobRun{run}))
	bare := request(2, 0)
	bare.Payment, bare.CallbackAddr, bare.CallbackFunctionID, bare.CancelExpiration = nil, nil, nil, nil
	newRun(t, s, job, bare)

	live, err := s.RequestsWithLiveRuns(ctx, job.ID, []common.Hash{*alone.RequestID, *batched.RequestID, *bare.RequestID})
	require.NoError(t, err)
	for _, req := range []*models.RunRequest{alone, batched, bare} {
		got, ok := live[*req.RequestID]
		require.True(t, ok)
		require.Equal(t, store.CommitmentOf(req), got.Commitment)
	}
	require.Equal(t, "1700000300", live[*alone.RequestID].Commitment.CancelExpiration)
	require.Equal(t, store.Commitment{}, live[*bare.RequestID].Commitment, "a log without them has an empty commitment")
	require.NotEqual(t, live[*alone.RequestID].Commitment, live[*batched.RequestID].Commitment)
}
