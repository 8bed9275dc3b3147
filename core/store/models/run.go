package models

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// RunStatus is where a job run, or one of its task runs, stands. A pause
// is a pending status, never an error.
type RunStatus string

// The statuses of runs and task runs. Finished statuses never change again.
const (
	RunStatusUnstarted                    RunStatus = "unstarted"
	RunStatusInProgress                   RunStatus = "in_progress"
	RunStatusPendingIncomingConfirmations RunStatus = "pending_incoming_confirmations"
	RunStatusPendingBridge                RunStatus = "pending_bridge"
	RunStatusPendingSleep                 RunStatus = "pending_sleep"
	RunStatusPendingOutgoingConfirmations RunStatus = "pending_outgoing_confirmations"
	RunStatusPendingConnection            RunStatus = "pending_connection"
	RunStatusCompleted                    RunStatus = "completed"
	RunStatusErrored                      RunStatus = "errored"
	RunStatusCancelled                    RunStatus = "cancelled"
)

// RunStatuses lists every status, in the order a run may pass them.
var RunStatuses = []RunStatus{
	RunStatusUnstarted, RunStatusInProgress,
	RunStatusPendingIncomingConfirmations, RunStatusPendingBridge, RunStatusPendingSleep,
	RunStatusPendingOutgoingConfirmations, RunStatusPendingConnection,
	RunStatusCompleted, RunStatusErrored, RunStatusCancelled,
}

// Valid reports whether s is one of RunStatuses.
func (s RunStatus) Valid() bool {
	for _, v := range RunStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Finished reports whether s is final: completed, errored or cancelled.
func (s RunStatus) Finished() bool {
	return s == RunStatusCompleted || s == RunStatusErrored || s == RunStatusCancelled
}

// Pending reports whether s is a pause waiting for something outside the
// run: confirmations, a bridge, a timer or the chain connection.
func (s RunStatus) Pending() bool {
	switch s {
	case RunStatusPendingIncomingConfirmations, RunStatusPendingBridge, RunStatusPendingSleep,
		RunStatusPendingOutgoingConfirmations, RunStatusPendingConnection:
		return true
	}
	return false
}

// Runnable reports whether a worker may pick the run up now: unstarted or
// in progress (an in-progress run found at start was cut off by a crash).
func (s RunStatus) Runnable() bool {
	return s == RunStatusUnstarted || s == RunStatusInProgress
}

// Completed reports whether s is completed.
func (s RunStatus) Completed() bool { return s == RunStatusCompleted }

// Errored reports whether s is errored.
func (s RunStatus) Errored() bool { return s == RunStatusErrored }

// Cancelled reports whether s is cancelled.
func (s RunStatus) Cancelled() bool { return s == RunStatusCancelled }

// JobRun is one execution of a job. Its TaskRuns follow the job's tasks in
// order; its Result is the last task's output or the error that stopped
// it. RunRequest holds what started it (for a runlog run, the request log).
type JobRun struct {
	ID             string      `json:"id" gorm:"primaryKey;size:32"`
	JobSpecID      string      `json:"jobId" gorm:"size:32;index;not null"`
	InitiatorID    int64       `json:"initiatorId" gorm:"index"`
	InitiatorType  string      `json:"initiatorType" gorm:"size:32"`
	Status         RunStatus   `json:"status" gorm:"size:40;index;not null"`
	ResultID       *int64      `json:"-"`
	Result         *RunResult  `json:"result,omitempty" gorm:"foreignKey:ResultID"`
	RunRequestID   *int64      `json:"-"`
	RunRequest     *RunRequest `json:"request,omitempty" gorm:"foreignKey:RunRequestID"`
	TaskRuns       []TaskRun   `json:"taskRuns" gorm:"foreignKey:JobRunID;constraint:OnDelete:CASCADE"`
	CreationHeight *Big        `json:"creationHeight,omitempty" gorm:"type:text"`
	ObservedHeight *Big        `json:"observedHeight,omitempty" gorm:"type:text"`
	Payment        *Big        `json:"payment,omitempty" gorm:"type:text"`
	CreatedAt      time.Time   `json:"createdAt" gorm:"index"`
	UpdatedAt      time.Time   `json:"updatedAt"`
	FinishedAt     *time.Time  `json:"finishedAt,omitempty"`
}

// NextTaskRun returns the first task run that has not finished, or nil
// when every task is done.
func (r *JobRun) NextTaskRun() *TaskRun {
	for i := range r.TaskRuns {
		if !r.TaskRuns[i].Status.Finished() {
			return &r.TaskRuns[i]
		}
	}
	return nil
}

// TaskRun is one task of a run. Index is the task's position in the job;
// Confirmations counts the incoming confirmations seen so far against
// MinRequiredIncomingConfirmations; Attempts counts tries of a task whose
// transient faults are retried; WakeAt is set while it sleeps.
type TaskRun struct {
	ID                               string     `json:"id" gorm:"primaryKey;size:32"`
	JobRunID                         string     `json:"jobRunId" gorm:"size:32;index;not null;uniqueIndex:idx_task_runs_run_index"`
	TaskSpecID                       int64      `json:"-" gorm:"index"`
	Index                            int        `json:"index" gorm:"not null;uniqueIndex:idx_task_runs_run_index"`
	Type                             string     `json:"type" gorm:"size:64;not null"`
	Status                           RunStatus  `json:"status" gorm:"size:40;index;not null"`
	ResultID                         *int64     `json:"-"`
	Result                           *RunResult `json:"result,omitempty" gorm:"foreignKey:ResultID"`
	Confirmations                    uint32     `json:"confirmations"`
	MinRequiredIncomingConfirmations uint32     `json:"minimumConfirmations"`
	Attempts                         int        `json:"attempts"`
	WakeAt                           *time.Time `json:"wakeAt,omitempty"`
	CreatedAt                        time.Time  `json:"createdAt"`
	UpdatedAt                        time.Time  `json:"updatedAt"`
	// AttemptLog records every try of the task, oldest first, with the
	// error of each one that failed.
	AttemptLog []TaskRunAttempt `json:"attemptLog,omitempty" gorm:"foreignKey:TaskRunID"`
}

// TaskRunAttempt is one try of a task run: its number (from 1), the status
// it left the task in and, when it failed, the error.
type TaskRunAttempt struct {
	ID        int64     `json:"-" gorm:"primaryKey;autoIncrement"`
	TaskRunID string    `json:"-" gorm:"size:32;index;not null"`
	Attempt   int       `json:"attempt"`
	Status    RunStatus `json:"status" gorm:"size:40"`
	Error     *string   `json:"error,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// RunResult is the output of a run or task run: the data JSON, the status
// it left, and the error message of an errored one.
type RunResult struct {
	ID           int64     `json:"-" gorm:"primaryKey;autoIncrement"`
	Data         JSON      `json:"data" gorm:"type:text"`
	Status       RunStatus `json:"status" gorm:"size:40"`
	ErrorMessage *string   `json:"error"`
	CreatedAt    time.Time `json:"-"`
	UpdatedAt    time.Time `json:"-"`
}

// RunResultFrom records an adapter's output as a result.
func RunResultFrom(out RunOutput) RunResult {
	r := RunResult{Data: out.Data, Status: out.Status}
	if out.Error != "" {
		msg := out.Error
		r.ErrorMessage = &msg
	}
	return r
}

// RunRequest is what started a run. For a runlog run it carries the
// OracleRequest's fields (for the fulfilment) and the log's block hash, tx
// hash and log index, unique together with the job so a log is acted on
// once per job (two ethlog jobs may watch one contract). Other
// runs leave those nil. RequestParams is the input the run started with
// (the request's decoded CBOR parameters, or a web call's body).
type RunRequest struct {
	ID                 int64             `json:"-" gorm:"primaryKey;autoIncrement"`
	JobSpecID          string            `json:"-" gorm:"size:32"`
	RequestID          *common.Hash      `json:"requestId,omitempty" gorm:"type:bytes"`
	Requester          *common.Address   `json:"requester,omitempty" gorm:"type:bytes"`
	OracleAddress      *common.Address   `json:"oracleAddress,omitempty" gorm:"type:bytes"`
	Payment            *Big              `json:"payment,omitempty" gorm:"type:text"`
	CallbackAddr       *common.Address   `json:"callbackAddr,omitempty" gorm:"type:bytes"`
	CallbackFunctionID *FunctionSelector `json:"callbackFunctionId,omitempty" gorm:"type:bytes"`
	CancelExpiration   *Big              `json:"cancelExpiration,omitempty" gorm:"type:text"`
	DataVersion        *Big              `json:"dataVersion,omitempty" gorm:"type:text"`
	BlockNumber        *uint64           `json:"blockNumber,omitempty"`
	BlockHash          *common.Hash      `json:"blockHash,omitempty" gorm:"type:bytes;uniqueIndex:idx_run_requests_log"`
	TxHash             *common.Hash      `json:"txHash,omitempty" gorm:"type:bytes;uniqueIndex:idx_run_requests_log"`
	LogIndex           *uint             `json:"logIndex,omitempty" gorm:"uniqueIndex:idx_run_requests_log"`
	RequestParams      JSON              `json:"requestParams" gorm:"type:text"`
	CreatedAt          time.Time         `json:"createdAt"`
}

// NewRunRequest records an OracleRequest log and its decoded parameters.
func NewRunRequest(req *OracleRequest, params JSON) RunRequest {
	requestID := common.Hash(req.RequestID)
	requester, oracle, callback := req.Requester, req.Address, req.CallbackAddr
	fn := FunctionSelector(req.CallbackFunctionID)
	blockNumber, blockHash, txHash, logIndex := req.BlockNumber, req.BlockHash, req.TxHash, req.LogIndex
	return RunRequest{
		RequestID:          &requestID,
		Requester:          &requester,
		OracleAddress:      &oracle,
		Payment:            NewBig(req.Payment),
		CallbackAddr:       &callback,
		CallbackFunctionID: &fn,
		CancelExpiration:   NewBig(req.CancelExpiration),
		DataVersion:        NewBig(req.DataVersion),
		BlockNumber:        &blockNumber,
		BlockHash:          &blockHash,
		TxHash:             &txHash,
		LogIndex:           &logIndex,
		RequestParams:      params,
	}
}

// IsOracleRequest reports whether the run was started by an OracleRequest
// log and so is answered with fulfillOracleRequest.
func (r *RunRequest) IsOracleRequest() bool {
	return r != nil && r.RequestID != nil && r.OracleAddress != nil && r.CallbackAddr != nil && r.CallbackFunctionID != nil
}

// OracleRequest returns the request's fields for FulfillmentData, or false
// when the run was not started by an OracleRequest log.
func (r *RunRequest) OracleRequest() (*OracleRequest, bool) {
	if !r.IsOracleRequest() {
		return nil, false
	}
	req := &OracleRequest{
		Address:            *r.OracleAddress,
		RequestID:          *r.RequestID,
		Payment:            r.Payment.ToInt(),
		CallbackAddr:       *r.CallbackAddr,
		CallbackFunctionID: *r.CallbackFunctionID,
		CancelExpiration:   r.CancelExpiration.ToInt(),
		DataVersion:        r.DataVersion.ToInt(),
	}
	if r.Requester != nil {
		req.Requester = *r.Requester
	}
	if r.BlockNumber != nil {
		req.BlockNumber = *r.BlockNumber
	}
	if r.BlockHash != nil {
		req.BlockHash = *r.BlockHash
	}
	if r.TxHash != nil {
		req.TxHash = *r.TxHash
	}
	if r.LogIndex != nil {
		req.LogIndex = *r.LogIndex
	}
	return req, true
}

// RunInput is what an adapter gets: the run's current data (the previous
// task's output) and the task's status before this call (unstarted or
// in_progress on a first call, the pending status on a resume). Request is
// what started the run; nil for runs not started by an OracleRequest.
type RunInput struct {
	JobRunID  string
	TaskRunID string
	JobSpecID string
	Data      JSON
	Meta      JSON
	Status    RunStatus
	Request   *RunRequest
}

// Result returns the raw data.result, nil when absent.
func (in RunInput) Result() json.RawMessage { return JSONKey(in.Data, "result") }

// ResultText returns data.result as text (see JSONText).
func (in RunInput) ResultText() string { return JSONText(in.Result()) }

// RunOutput is what an adapter returns: the new data, the task's status
// (completed, errored, or a pending status for a pause) and, when errored,
// the message. Retryable marks a transient fault (an HTTP 5xx, a timeout, a
// refused connection) the runner may retry with backoff. WakeAt is when a
// pending_sleep task should be performed again.
type RunOutput struct {
	Data      JSON
	Status    RunStatus
	Error     string
	Retryable bool
	WakeAt    *time.Time
}

// NewRunOutputComplete completes the task with data.
func NewRunOutputComplete(data JSON) RunOutput {
	return RunOutput{Data: data, Status: RunStatusCompleted}
}

// NewRunOutputCompleteWithResult completes the task with the input's data
// and its result member set to result.
func NewRunOutputCompleteWithResult(input JSON, result any) RunOutput {
	data, err := SetJSONKey(input, "result", result)
	if err != nil {
		return NewRunOutputError(err)
	}
	return NewRunOutputComplete(data)
}

// NewRunOutputError errors the task with err's message.
func NewRunOutputError(err error) RunOutput {
	if err == nil {
		err = errors.New("unknown error")
	}
	return RunOutput{Status: RunStatusErrored, Error: err.Error()}
}

// NewRunOutputRetryableError errors the task with a transient fault.
func NewRunOutputRetryableError(err error) RunOutput {
	out := NewRunOutputError(err)
	out.Retryable = true
	return out
}

// NewRunOutputPending pauses the task in status with data.
func NewRunOutputPending(status RunStatus, data JSON) RunOutput {
	return RunOutput{Data: data, Status: status}
}

// Result returns the raw data.result, nil when absent.
func (o RunOutput) Result() json.RawMessage { return JSONKey(o.Data, "result") }

// Err returns the output's error, nil unless errored.
func (o RunOutput) Err() error {
	if o.Status != RunStatusErrored {
		return nil
	}
	return errors.New(o.Error)
}
