package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// CreateSession saves a session; ErrMissingReference when its user does not
// exist, ErrDuplicate when the ID does.
func (s *Store) CreateSession(ctx context.Context, sess *models.Session) error {
	if sess == nil || sess.ID == "" {
		return fmt.Errorf("creating session: id is required")
	}
	if sess.LastUsedAt.IsZero() {
		sess.LastUsedAt = time.Now()
	}
	sess.LastUsedAt = sess.LastUsedAt.UTC()
	if err := s.conn(ctx).Create(sess).Error; err != nil {
		return fmt.Errorf("creating session for %s: %w", sess.Email, translate(err))
	}
	return nil
}

// FindSession returns the session with id (the hash of its token), or
// ErrNotFound.
func (s *Store) FindSession(ctx context.Context, id string) (*models.Session, error) {
	var sess models.Session
	if err := s.conn(ctx).Where("id = ?", id).Take(&sess).Error; err != nil {
		return nil, fmt.Errorf("finding session: %w", translate(err))
	}
	return &sess, nil
}

// TouchSession sets the session's last use to t; ErrNotFound when it does
// not exist.
func (s *Store) TouchSession(ctx context.Context, id string, t time.Time) error {
	res := s.conn(ctx).Model(&models.Session{}).Where("id = ?", id).Update("last_used_at", t.UTC())
	if res.Error != nil {
		return fmt.Errorf("touching session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("touching session: %w", ErrNotFound)
	}
	return nil
}

// DeleteSession removes the session; deleting a missing one is not an
// error (signing out twice is fine).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.conn(ctx).Where("id = ?", id).Delete(&models.Session{}).Error; err != nil {
		return fmt.Errorf("deleting session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions last used before before and
// returns how many it removed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, before time.Time) (int64, error) {
	res := s.conn(ctx).Where("last_used_at < ?", before.UTC()).Delete(&models.Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("deleting expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
