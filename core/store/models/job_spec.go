package models

import "time"

// Initiator types, lowercase: job specs may spell them in any case.
const (
	InitiatorWeb      = "web"
	InitiatorRunLog   = "runlog"
	InitiatorEthLog   = "ethlog"
	InitiatorCron     = "cron"
	InitiatorRunAt    = "runat"
	InitiatorExternal = "external"
)

// JobSpec is a job: what starts it (Initiators) and what it does (Tasks).
// ID is 32 lowercase hex characters without dashes; for a runlog job it is
// also the specId the consumer contract puts in its request.
type JobSpec struct {
	ID         string      `json:"id" gorm:"primaryKey;size:32"`
	CreatedAt  time.Time   `json:"createdAt"`
	StartAt    *time.Time  `json:"startAt"`
	EndAt      *time.Time  `json:"endAt"`
	MinPayment *string     `json:"minPayment"` // decimal juels of LINK; nil when unset
	ArchivedAt *time.Time  `json:"archivedAt,omitempty" gorm:"index"`
	Initiators []Initiator `json:"initiators" gorm:"foreignKey:JobSpecID;constraint:OnDelete:CASCADE"`
	Tasks      []TaskSpec  `json:"tasks" gorm:"foreignKey:JobSpecID;constraint:OnDelete:CASCADE"`
}

// Archived reports whether the job was archived: its initiators are stopped
// and its runs stay readable.
func (j JobSpec) Archived() bool { return j.ArchivedAt != nil }

// Initiator starts runs of its job. Type is lowercase; Params is the
// initiator's params object as given in the spec.
type Initiator struct {
	ID        int64  `json:"-" gorm:"primaryKey;autoIncrement"`
	JobSpecID string `json:"jobSpecId" gorm:"size:32;index;not null"`
	Type      string `json:"type" gorm:"size:32;not null;index"`
	Params    JSON   `json:"params" gorm:"type:text"`
}

// TaskSpec is one step of a job. Index orders the tasks; Type is lowercase
// (a built-in adapter or a bridge name); Confirmations is the task's own
// minimum of incoming confirmations, if it sets one.
type TaskSpec struct {
	ID            int64   `json:"-" gorm:"primaryKey;autoIncrement"`
	JobSpecID     string  `json:"jobSpecId" gorm:"size:32;index;not null;uniqueIndex:idx_task_specs_job_index"`
	Index         int     `json:"-" gorm:"not null;uniqueIndex:idx_task_specs_job_index"`
	Type          string  `json:"type" gorm:"size:64;not null"`
	Confirmations *uint32 `json:"confirmations,omitempty"`
	Params        JSON    `json:"params" gorm:"type:text"`
}
