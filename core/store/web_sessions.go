package store

import (
	"context"
	"fmt"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// DeleteUserSessionsExcept removes every session of the user email but
// the one with ID keep (signing out other devices after a password
// change).
func (s *Store) DeleteUserSessionsExcept(ctx context.Context, email, keep string) error {
	if err := s.conn(ctx).Where("email = ? AND id <> ?", email, keep).Delete(&models.Session{}).Error; err != nil {
		return fmt.Errorf("deleting sessions of %s: %w", email, err)
	}
	return nil
}
