package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// CreateExternalInitiator saves an external initiator; ErrDuplicate when
// its name (or, vanishingly unlikely, its access key) exists.
func (s *Store) CreateExternalInitiator(ctx context.Context, ei *models.ExternalInitiator) error {
	if ei == nil || ei.Name == "" {
		return errors.New("creating external initiator: name is required")
	}
	restore, err := s.sealSecrets(&ei.OutgoingToken, &ei.OutgoingSecret)
	if err != nil {
		return fmt.Errorf("creating external initiator %s: %w", ei.Name, err)
	}
	defer restore()
	if err := s.conn(ctx).Create(ei).Error; err != nil {
		return fmt.Errorf("creating external initiator %s: %w", ei.Name, translate(err))
	}
	return nil
}

// FindExternalInitiator returns the external initiator named name
// (compared in lowercase), or ErrNotFound.
func (s *Store) FindExternalInitiator(ctx context.Context, name string) (*models.ExternalInitiator, error) {
	name = strings.ToLower(name)
	var ei models.ExternalInitiator
	if err := s.conn(ctx).Where("name = ?", name).Take(&ei).Error; err != nil {
		return nil, fmt.Errorf("finding external initiator %s: %w", name, translate(err))
	}
	if err := s.openSecrets(&ei.OutgoingToken, &ei.OutgoingSecret); err != nil {
		return nil, fmt.Errorf("finding external initiator %s: %w", name, err)
	}
	return &ei, nil
}

// FindExternalInitiatorByAccessKey returns the external initiator whose
// access key is key, or ErrNotFound. The caller still checks the secret.
func (s *Store) FindExternalInitiatorByAccessKey(ctx context.Context, key string) (*models.ExternalInitiator, error) {
	var ei models.ExternalInitiator
	if err := s.conn(ctx).Where("access_key_hash = ?", models.HashAccessKey(key)).Take(&ei).Error; err != nil {
		return nil, fmt.Errorf("finding external initiator by access key: %w", translate(err))
	}
	if err := s.openSecrets(&ei.OutgoingToken, &ei.OutgoingSecret); err != nil {
		return nil, fmt.Errorf("finding external initiator %s: %w", ei.Name, err)
	}
	return &ei, nil
}

// ExternalInitiators returns every external initiator, by name.
func (s *Store) ExternalInitiators(ctx context.Context) ([]models.ExternalInitiator, error) {
	var eis []models.ExternalInitiator
	if err := s.conn(ctx).Order("name").Find(&eis).Error; err != nil {
		return nil, fmt.Errorf("listing external initiators: %w", err)
	}
	for i := range eis {
		if err := s.openSecrets(&eis[i].OutgoingToken, &eis[i].OutgoingSecret); err != nil {
			return nil, fmt.Errorf("listing external initiators: %s: %w", eis[i].Name, err)
		}
	}
	return eis, nil
}

// DeleteExternalInitiator removes the external initiator named name;
// ErrNotFound when none has that name.
func (s *Store) DeleteExternalInitiator(ctx context.Context, name string) error {
	name = strings.ToLower(name)
	res := s.conn(ctx).Where("name = ?", name).Delete(&models.ExternalInitiator{})
	if res.Error != nil {
		return fmt.Errorf("deleting external initiator %s: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("deleting external initiator %s: %w", name, ErrNotFound)
	}
	return nil
}
