package store

import (
	"context"
	"fmt"
)

// DeleteHeadsAbove deletes every head numbered above number and returns
// how many it deleted. The HeadTracker calls it when the chain moved to a
// shorter branch, or to another chain altogether (a dev chain started
// afresh), so LatestHead and TrimHeads follow the new chain.
func (s *Store) DeleteHeadsAbove(ctx context.Context, number int64) (int64, error) {
	res := s.conn(ctx).Exec("DELETE FROM heads WHERE number > ?", number)
	if res.Error != nil {
		return 0, fmt.Errorf("deleting heads above %d: %w", number, res.Error)
	}
	return res.RowsAffected, nil
}
