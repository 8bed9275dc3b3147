package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"gorm.io/gorm/clause"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// SaveHead inserts h. A head whose hash is already stored is left as it
// is, without error. On insert h.ID and h.CreatedAt are set.
func (s *Store) SaveHead(ctx context.Context, h *models.Head) error {
	if h == nil {
		return errors.New("saving head: head is nil")
	}
	row := *h
	row.Timestamp = row.Timestamp.UTC()
	if err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return fmt.Errorf("saving head %d %s: %w", h.Number, h.Hash.Hex(), translate(err))
	}
	h.ID, h.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// LatestHead returns the head with the highest number (the last saved of
// equal numbers), or (nil, nil) when there is none.
func (s *Store) LatestHead(ctx context.Context) (*models.Head, error) {
	var heads []models.Head
	if err := s.conn(ctx).Order("number DESC, id DESC").Limit(1).Find(&heads).Error; err != nil {
		return nil, fmt.Errorf("finding latest head: %w", err)
	}
	if len(heads) == 0 {
		return nil, nil
	}
	return &heads[0], nil
}

// HeadByHash returns the head with hash, or (nil, nil) when there is none.
func (s *Store) HeadByHash(ctx context.Context, hash common.Hash) (*models.Head, error) {
	var heads []models.Head
	if err := s.conn(ctx).Where("hash = ?", hash).Limit(1).Find(&heads).Error; err != nil {
		return nil, fmt.Errorf("finding head %s: %w", hash.Hex(), err)
	}
	if len(heads) == 0 {
		return nil, nil
	}
	return &heads[0], nil
}

// HeadsByNumber returns every head at number (more than one after a
// reorg), in the order they were saved.
func (s *Store) HeadsByNumber(ctx context.Context, number int64) ([]models.Head, error) {
	var heads []models.Head
	if err := s.conn(ctx).Where("number = ?", number).Order("id").Find(&heads).Error; err != nil {
		return nil, fmt.Errorf("finding heads at %d: %w", number, err)
	}
	return heads, nil
}

// TrimHeads deletes heads numbered below the latest head's number minus
// keepDepth and returns how many it deleted.
func (s *Store) TrimHeads(ctx context.Context, keepDepth int64) (int64, error) {
	if keepDepth < 0 {
		return 0, fmt.Errorf("trimming heads: keep depth %d is negative", keepDepth)
	}
	res := s.conn(ctx).Exec("DELETE FROM heads WHERE number < (SELECT MAX(number) FROM heads) - ?", keepDepth)
	if res.Error != nil {
		return 0, fmt.Errorf("trimming heads to depth %d: %w", keepDepth, res.Error)
	}
	return res.RowsAffected, nil
}
