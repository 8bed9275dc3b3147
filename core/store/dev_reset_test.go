package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestResetChainState(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	job := newJob(time.Now(), "runlog")
	require.NoError(t, s.CreateJobSpec(ctx, job))
	run := newRun(t, s, job, logRequest(common.HexToHash("0xb1"), common.HexToHash("0xa1"), 0))
	require.NoError(t, s.SaveHead(ctx, &models.Head{Hash: common.HexToHash("0x01"), Number: 7, Timestamp: time.Now()}))
	oracle := common.HexToAddress("0x1234")
	require.NoError(t, s.SetLastProcessedBlock(ctx, oracle, 7))
	// A request answered on the old chain: the new chain makes its ID again.
	reqID := common.HexToHash("0x1d")
	answeredReq := logRequest(common.HexToHash("0xb2"), common.HexToHash("0xa2"), 0)
	answeredReq.RequestID = &reqID
	answered := newRun(t, s, job, answeredReq)
	answered.Status = models.RunStatusCompleted
	require.NoError(t, s.SaveJobRunSteps(ctx, answered, nil))
	live, err := s.RequestsWithLiveRuns(ctx, job.ID, []common.Hash{reqID})
	require.NoError(t, err)
	require.Contains(t, live, reqID)

	cancelled, err := s.ResetChainState(ctx, time.Now())
	require.NoError(t, err)
	require.Equal(t, 1, cancelled)

	got, err := s.FindJobRun(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, models.RunStatusCancelled, got.Status)
	head, err := s.LatestHead(ctx)
	require.NoError(t, err)
	require.Nil(t, head, "heads of the old chain remain")
	_, ok, err := s.LastProcessedBlock(ctx, oracle)
	require.NoError(t, err)
	require.False(t, ok, "the log cursor of the old chain remains")
	live, err = s.RequestsWithLiveRuns(ctx, job.ID, []common.Hash{reqID})
	require.NoError(t, err)
	require.NotContains(t, live, reqID, "the old chain's request IDs must not hold the new chain's requests")
	_, err = s.FindJobSpec(ctx, job.ID)
	require.NoError(t, err, "jobs must survive a chain reset")
}
