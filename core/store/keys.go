package store

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// InsertEncryptedKey saves an encrypted key; ErrDuplicate when its address
// exists.
func (s *Store) InsertEncryptedKey(ctx context.Context, k *models.EncryptedKey) error {
	if k == nil || len(k.JSON) == 0 {
		return fmt.Errorf("inserting key: key JSON is required")
	}
	if err := s.conn(ctx).Create(k).Error; err != nil {
		return fmt.Errorf("inserting key %s: %w", k.Address.Hex(), translate(err))
	}
	return nil
}

// EncryptedKeys returns every key, oldest first.
func (s *Store) EncryptedKeys(ctx context.Context) ([]models.EncryptedKey, error) {
	var keys []models.EncryptedKey
	if err := s.conn(ctx).Order("created_at, address").Find(&keys).Error; err != nil {
		return nil, fmt.Errorf("listing keys: %w", err)
	}
	return keys, nil
}

// EncryptedKeyByAddress returns the key for addr, or ErrNotFound.
func (s *Store) EncryptedKeyByAddress(ctx context.Context, addr common.Address) (*models.EncryptedKey, error) {
	var k models.EncryptedKey
	if err := s.conn(ctx).Where("address = ?", addr).Take(&k).Error; err != nil {
		return nil, fmt.Errorf("finding key %s: %w", addr.Hex(), translate(err))
	}
	return &k, nil
}
