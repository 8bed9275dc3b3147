package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// ErrInUse is returned (wrapped) when deleting a row that others still
// need, such as a bridge named by an active job's task.
var ErrInUse = errors.New("in use")

// CreateBridgeType saves a bridge. The caller sets its tokens first
// (SetIncomingToken, OutgoingToken); ErrDuplicate when the name is taken.
func (s *Store) CreateBridgeType(ctx context.Context, bt *models.BridgeType) error {
	if bt == nil || bt.Name == "" {
		return errors.New("creating bridge: name is required")
	}
	if bt.IncomingTokenHash == "" || bt.Salt == "" || bt.OutgoingToken == "" {
		return fmt.Errorf("creating bridge %s: tokens are required", bt.Name)
	}
	restore, err := s.sealSecrets(&bt.OutgoingToken)
	if err != nil {
		return fmt.Errorf("creating bridge %s: %w", bt.Name, err)
	}
	defer restore()
	if err := s.conn(ctx).Create(bt).Error; err != nil {
		return fmt.Errorf("creating bridge %s: %w", bt.Name, translate(err))
	}
	return nil
}

// FindBridgeType returns the bridge named name (lowercase); ErrNotFound
// when none exists.
func (s *Store) FindBridgeType(ctx context.Context, name string) (*models.BridgeType, error) {
	var bt models.BridgeType
	if err := s.conn(ctx).Where("name = ?", strings.ToLower(name)).Take(&bt).Error; err != nil {
		return nil, fmt.Errorf("finding bridge %s: %w", name, translate(err))
	}
	if err := s.openSecrets(&bt.OutgoingToken); err != nil {
		return nil, fmt.Errorf("finding bridge %s: %w", name, err)
	}
	return &bt, nil
}

// FindBridge returns the bridge named name, or nil and no error when none
// exists: the adapters.BridgeFinder contract.
func (s *Store) FindBridge(ctx context.Context, name string) (*models.BridgeType, error) {
	bt, err := s.FindBridgeType(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return bt, err
}

// BridgeExists reports whether a bridge named name exists, for job
// validation (services.Validator.BridgeExists).
func (s *Store) BridgeExists(ctx context.Context, name string) (bool, error) {
	var n int64
	if err := s.conn(ctx).Model(&models.BridgeType{}).Where("name = ?", strings.ToLower(name)).Count(&n).Error; err != nil {
		return false, fmt.Errorf("looking up bridge %s: %w", name, err)
	}
	return n > 0, nil
}

// BridgeTypes returns a page of bridges by name and how many exist.
func (s *Store) BridgeTypes(ctx context.Context, offset, limit int) ([]models.BridgeType, int64, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, fmt.Errorf("listing bridges: offset %d and limit %d must be >= 0 and > 0", offset, limit)
	}
	var (
		bts   []models.BridgeType
		count int64
	)
	err := s.Transact(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Model(&models.BridgeType{}).Count(&count).Error; err != nil {
			return err
		}
		return tx.conn(ctx).Order("name").Offset(offset).Limit(limit).Find(&bts).Error
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing bridges: %w", err)
	}
	for i := range bts {
		if err := s.openSecrets(&bts[i].OutgoingToken); err != nil {
			return nil, 0, fmt.Errorf("listing bridges: %s: %w", bts[i].Name, err)
		}
	}
	return bts, count, nil
}

// UpdateBridgeType writes a bridge's URL, confirmations and minimum
// contract payment (its tokens and name stay); ErrNotFound when missing.
func (s *Store) UpdateBridgeType(ctx context.Context, bt *models.BridgeType) error {
	if bt == nil || bt.Name == "" {
		return errors.New("updating bridge: name is required")
	}
	now := time.Now().UTC()
	res := s.conn(ctx).Model(&models.BridgeType{}).Where("name = ?", bt.Name).Updates(map[string]any{
		"url": bt.URL, "confirmations": bt.Confirmations, "minimum_contract_payment": bt.MinimumContractPayment, "updated_at": now,
	})
	if res.Error != nil {
		return fmt.Errorf("updating bridge %s: %w", bt.Name, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("updating bridge %s: %w", bt.Name, ErrNotFound)
	}
	bt.UpdatedAt = now
	return nil
}

// DeleteBridgeType removes a bridge. It refuses (ErrInUse) while a job
// that is not archived has a task of its type; ErrNotFound when missing.
func (s *Store) DeleteBridgeType(ctx context.Context, name string) error {
	name = strings.ToLower(name)
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		var users []string
		err := db.Model(&models.TaskSpec{}).Distinct("task_specs.job_spec_id").
			Joins("JOIN job_specs ON job_specs.id = task_specs.job_spec_id").
			Where("task_specs.type = ? AND job_specs.archived_at IS NULL", name).
			Order("task_specs.job_spec_id").Limit(5).Pluck("task_specs.job_spec_id", &users).Error
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return fmt.Errorf("used by job %s: %w", strings.Join(users, ", "), ErrInUse)
		}
		res := db.Where("name = ?", name).Delete(&models.BridgeType{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deleting bridge %s: %w", name, err)
	}
	return nil
}
