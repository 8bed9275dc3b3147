package services

import (
	"errors"
	"fmt"

	"github.com/pythia-oracle/pythia/core/store"
)

// Errors of the run lifecycle. The API maps them to answers: not found,
// bad request, unauthorized, conflict.
var (
	// ErrJobArchived: an archived job starts no runs.
	ErrJobArchived = errors.New("job is archived")
	// ErrJobNotActive: the job's startAt has not come or its endAt has
	// passed.
	ErrJobNotActive = errors.New("job is not active now")
	// ErrNoInitiator: the job has no initiator of the kind asked for (no
	// web initiator for a web run, no external initiator of that name).
	ErrNoInitiator = errors.New("job has no such initiator")
	// ErrDuplicateLog: the log already has its run for this job. It
	// wraps store.ErrDuplicate.
	ErrDuplicateLog = fmt.Errorf("duplicate log, already acted on: %w", store.ErrDuplicate)
	// ErrRunNotPending: the run is not paused the way the call expects
	// (a bridge answer for a run that is not pending_bridge).
	ErrRunNotPending = errors.New("run is not waiting for this")
	// ErrBridgeUnauthorized: the token does not match the incoming token
	// of the bridge the run waits for.
	ErrBridgeUnauthorized = errors.New("bridge token does not match")
)
