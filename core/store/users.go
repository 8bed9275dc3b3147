package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// CreateUser saves a new API user; ErrDuplicate when the email exists.
func (s *Store) CreateUser(ctx context.Context, u *models.User) error {
	if u == nil || u.Email == "" {
		return fmt.Errorf("creating user: email is required")
	}
	if err := s.conn(ctx).Create(u).Error; err != nil {
		return fmt.Errorf("creating user %s: %w", u.Email, translate(err))
	}
	return nil
}

// FindUser returns the user with email, or ErrNotFound.
func (s *Store) FindUser(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	if err := s.conn(ctx).Where("email = ?", email).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("finding user %s: %w", email, translate(err))
	}
	return &u, nil
}

// FirstUser returns the node's operator, the oldest user, or ErrNotFound.
func (s *Store) FirstUser(ctx context.Context) (*models.User, error) {
	var u models.User
	if err := s.conn(ctx).Order("created_at, email").Take(&u).Error; err != nil {
		return nil, fmt.Errorf("finding first user: %w", translate(err))
	}
	return &u, nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.conn(ctx).Model(&models.User{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("counting users: %w", err)
	}
	return n, nil
}

// UpdateUserPassword replaces the user's bcrypt hash; ErrNotFound when the
// user does not exist.
func (s *Store) UpdateUserPassword(ctx context.Context, email, hashedPassword string) error {
	if hashedPassword == "" {
		return fmt.Errorf("updating password of user %s: hash is empty", email)
	}
	res := s.conn(ctx).Model(&models.User{}).Where("email = ?", email).
		Updates(map[string]any{"hashed_password": hashedPassword, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("updating password of user %s: %w", email, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("updating password of user %s: %w", email, ErrNotFound)
	}
	return nil
}
