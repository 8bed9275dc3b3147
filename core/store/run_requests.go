package store

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// RequestsWithLiveRuns returns which of requestIDs (OracleRequest IDs)
// already have a run of job that was not cancelled. A reorg that moves a
// request to another block brings its log back under a new block hash:
// the run it started before (which may have sent its answer already) is
// still the request's run, and a second one would answer twice. Runs
// cancelled because their log was removed do not count.
func (s *Store) RequestsWithLiveRuns(ctx context.Context, jobID string, requestIDs []common.Hash) (map[common.Hash]bool, error) {
	found := map[common.Hash]bool{}
	if len(requestIDs) == 0 {
		return found, nil
	}
	var ids [][]byte
	err := s.conn(ctx).Model(&models.RunRequest{}).
		Joins("JOIN job_runs ON job_runs.run_request_id = run_requests.id").
		Where("run_requests.job_spec_id = ? AND run_requests.request_id IN ? AND job_runs.status <> ?",
			jobID, requestIDs, models.RunStatusCancelled).
		Distinct().Pluck("run_requests.request_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("finding the runs of %d requests of job %s: %w", len(requestIDs), jobID, translate(err))
	}
	for _, id := range ids {
		found[common.BytesToHash(id)] = true
	}
	return found, nil
}
