package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// NewJobID returns a random job ID: 32 lowercase hex characters.
func NewJobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// CreateJobSpec saves a job with its initiators and tasks in one
// transaction. It gives the job an ID when it has none, sets each child's
// JobSpecID and numbers the tasks by their order (TaskSpec.Index).
func (s *Store) CreateJobSpec(ctx context.Context, js *models.JobSpec) error {
	if js == nil {
		return errors.New("creating job spec: job is nil")
	}
	if js.ID == "" {
		js.ID = NewJobID()
	}
	for i := range js.Initiators {
		js.Initiators[i].JobSpecID = js.ID
	}
	for i := range js.Tasks {
		js.Tasks[i].JobSpecID = js.ID
		js.Tasks[i].Index = i
	}
	err := s.Transact(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		if err := db.Omit(clause.Associations).Create(js).Error; err != nil {
			return translate(err)
		}
		if len(js.Initiators) > 0 {
			if err := db.Create(&js.Initiators).Error; err != nil {
				return fmt.Errorf("saving initiators: %w", translate(err))
			}
		}
		if len(js.Tasks) > 0 {
			if err := db.Create(&js.Tasks).Error; err != nil {
				return fmt.Errorf("saving tasks: %w", translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating job spec %s: %w", js.ID, err)
	}
	return nil
}

// withChildren preloads a job's initiators (in saved order) and tasks (by
// Index).
func withChildren(db *gorm.DB) *gorm.DB {
	return db.
		Preload("Initiators", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("Tasks", func(db *gorm.DB) *gorm.DB { return db.Order(`"index"`) })
}

// FindJobSpec returns the job with id, archived or not, with its
// initiators and tasks; ErrNotFound when it does not exist.
func (s *Store) FindJobSpec(ctx context.Context, id string) (*models.JobSpec, error) {
	var js models.JobSpec
	if err := withChildren(s.conn(ctx)).Where("id = ?", id).Take(&js).Error; err != nil {
		return nil, fmt.Errorf("finding job spec %s: %w", id, translate(err))
	}
	return &js, nil
}

// JobSpecs returns a page of jobs that are not archived, newest first, with
// their initiators and tasks, and how many such jobs exist in all.
func (s *Store) JobSpecs(ctx context.Context, offset, limit int) ([]models.JobSpec, int64, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, fmt.Errorf("listing job specs: offset %d and limit %d must be >= 0 and > 0", offset, limit)
	}
	var (
		jobs  []models.JobSpec
		count int64
	)
	err := s.Transact(ctx, func(tx *Store) error {
		active := tx.conn(ctx).Model(&models.JobSpec{}).Where("archived_at IS NULL")
		if err := active.Count(&count).Error; err != nil {
			return err
		}
		return withChildren(tx.conn(ctx)).Where("archived_at IS NULL").
			Order("created_at DESC, id DESC").Offset(offset).Limit(limit).Find(&jobs).Error
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing job specs: %w", err)
	}
	return jobs, count, nil
}

// ActiveJobSpecsByInitiatorType returns the jobs that are not archived and
// have an initiator of type typ (compared in lowercase), oldest first, with
// their initiators and tasks.
func (s *Store) ActiveJobSpecsByInitiatorType(ctx context.Context, typ string) ([]models.JobSpec, error) {
	typ = strings.ToLower(typ)
	var jobs []models.JobSpec
	err := withChildren(s.conn(ctx)).
		Where("archived_at IS NULL").
		Where("id IN (?)", s.conn(ctx).Model(&models.Initiator{}).Select("job_spec_id").Where("type = ?", typ)).
		Order("created_at, id").Find(&jobs).Error
	if err != nil {
		return nil, fmt.Errorf("listing active %s job specs: %w", typ, err)
	}
	return jobs, nil
}

// ArchiveJobSpec marks the job archived at at. Archiving an archived job
// changes nothing; ErrNotFound when the job does not exist.
func (s *Store) ArchiveJobSpec(ctx context.Context, id string, at time.Time) error {
	return s.Transact(ctx, func(tx *Store) error {
		res := tx.conn(ctx).Model(&models.JobSpec{}).Where("id = ? AND archived_at IS NULL", id).Update("archived_at", at.UTC())
		if res.Error != nil {
			return fmt.Errorf("archiving job spec %s: %w", id, res.Error)
		}
		if res.RowsAffected > 0 {
			return nil
		}
		var n int64
		if err := tx.conn(ctx).Model(&models.JobSpec{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("archiving job spec %s: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("archiving job spec %s: %w", id, ErrNotFound)
		}
		return nil
	})
}
