package store

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// RequestRun is the live run of a request found by RequestsWithLiveRuns:
// its status, the state of its latest answer transaction ("" before it
// has one), the log that started it and the request's parameters that
// the Oracle contract binds an answer to (its commitment).
type RequestRun struct {
	Status      models.RunStatus
	AnswerState models.TxState
	BlockHash   common.Hash
	TxHash      common.Hash
	LogIndex    uint
	Commitment  Commitment
}

// Commitment is what an Oracle contract checks an answer against: the
// payment, callback and expiration of the request as its log gave them.
// A request that a reorg puts in another block gets a new expiration
// (the block's time plus the contract's expiry), so an answer built
// for the old log reverts ("params do not match request ID").
type Commitment struct {
	Payment            string // decimal; "" when the log had none
	CallbackAddr       common.Address
	CallbackFunctionID models.FunctionSelector
	CancelExpiration   string // decimal; "" when the log had none
}

// CommitmentOf returns req's commitment.
func CommitmentOf(req *models.RunRequest) Commitment {
	var c Commitment
	if req == nil {
		return c
	}
	if req.Payment != nil {
		c.Payment = req.Payment.String()
	}
	if req.CallbackAddr != nil {
		c.CallbackAddr = *req.CallbackAddr
	}
	if req.CallbackFunctionID != nil {
		c.CallbackFunctionID = *req.CallbackFunctionID
	}
	if req.CancelExpiration != nil {
		c.CancelExpiration = req.CancelExpiration.String()
	}
	return c
}

// SameLog reports whether the run was started by the log at blockHash,
// txHash and logIndex (the same log delivered again, not a moved one).
func (r RequestRun) SameLog(blockHash, txHash *common.Hash, logIndex *uint) bool {
	return blockHash != nil && txHash != nil && logIndex != nil &&
		r.BlockHash == *blockHash && r.TxHash == *txHash && r.LogIndex == *logIndex
}

// RequestsWithLiveRuns returns which of requestIDs (OracleRequest IDs)
// already have a live run of job, with that run. A reorg that moves a
// request to another block brings its log back under a new block hash:
// the run it started before (which may have sent its answer already) is
// still the request's run, and a second one would answer twice, unless
// the moved log has other parameters (RequestRun.Commitment). Cancelled
// runs (their log was removed before they answered) and errored runs
// (their answer reverted, e.g. sent while a reorg had taken the request
// off the chain) do not count, nor do runs whose answer reverted after
// they completed (a reorg took their confirmed answer out, and it reverted
// when sent again): the request, back on chain, is open, and the Oracle
// contract refuses a second answer to one it has. When a request has
// several live runs, one that has not finished wins.
func (s *Store) RequestsWithLiveRuns(ctx context.Context, jobID string, requestIDs []common.Hash) (map[common.Hash]RequestRun, error) {
	found := map[common.Hash]RequestRun{}
	if len(requestIDs) == 0 {
		return found, nil
	}
	var rows []struct {
		RequestID []byte
		Status    models.RunStatus
		BlockHash []byte
		TxHash    []byte
		LogIndex  *uint
		TxState   *string
		// The commitment's columns, as stored (see CommitmentOf).
		Payment            *models.Big
		CallbackAddr       []byte
		CallbackFunctionID []byte
		CancelExpiration   *models.Big
	}
	err := s.conn(ctx).Model(&models.RunRequest{}).
		Select("run_requests.request_id, job_runs.status, run_requests.block_hash, run_requests.tx_hash, run_requests.log_index, "+
			"run_requests.payment, run_requests.callback_addr, run_requests.callback_function_id, run_requests.cancel_expiration, "+
			"(SELECT txes.state FROM txes JOIN task_runs ON task_runs.id = txes.task_run_id "+
			"WHERE task_runs.job_run_id = job_runs.id ORDER BY txes.id DESC LIMIT 1) AS tx_state").
		Joins("JOIN job_runs ON job_runs.run_request_id = run_requests.id").
		Where("run_requests.job_spec_id = ? AND run_requests.request_id IN ? AND job_runs.status NOT IN ?",
			jobID, requestIDs, []models.RunStatus{models.RunStatusCancelled, models.RunStatusErrored}).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("finding the runs of %d requests of job %s: %w", len(requestIDs), jobID, translate(err))
	}
	for _, r := range rows {
		id := common.BytesToHash(r.RequestID)
		if prev, ok := found[id]; ok && !prev.Status.Finished() {
			continue
		}
		rr := RequestRun{Status: r.Status, BlockHash: common.BytesToHash(r.BlockHash), TxHash: common.BytesToHash(r.TxHash)}
		if r.TxState != nil {
			rr.AnswerState = models.TxState(*r.TxState)
		}
		if rr.AnswerState == models.TxStateReverted {
			continue
		}
		if r.LogIndex != nil {
			rr.LogIndex = *r.LogIndex
		}
		rr.Commitment = CommitmentOf(&models.RunRequest{Payment: r.Payment, CancelExpiration: r.CancelExpiration})
		rr.Commitment.CallbackAddr = common.BytesToAddress(r.CallbackAddr)
		copy(rr.Commitment.CallbackFunctionID[:], r.CallbackFunctionID)
		found[id] = rr
	}
	return found, nil
}
