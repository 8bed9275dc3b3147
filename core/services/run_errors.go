package services

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services/subscriber"
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
	// ErrRequestUndecided: the log's request (by request ID) has a run
	// whose outcome is not known yet: it waits for its request's
	// confirmations or for its answer's. The log came back in another
	// block after a reorg; it starts a run only if that run fails (its
	// answer reverted, or its log was dropped), so the log waits. It wraps
	// subscriber.ErrLogWaits.
	ErrRequestUndecided = fmt.Errorf("the request's run has not finished answering: %w", subscriber.ErrLogWaits)
	// ErrRunNotPending: the run is not paused the way the call expects
	// (a bridge answer for a run that is not pending_bridge).
	ErrRunNotPending = errors.New("run is not waiting for this")
	// ErrBridgeUnauthorized: the token does not match the incoming token
	// of the bridge the run waits for.
	ErrBridgeUnauthorized = errors.New("bridge token does not match")
)

// IsConnectionFault reports whether err comes from a chain or database
// connection that was lost or refused, or a call that timed out (the
// chain client's ErrNotConnected, a WebSocket closed under it, i/o
// timeouts, refused or reset connections, an RPC deadline, PostgreSQL
// shutting down or starting up, a busy SQLite): faults that go away by
// themselves, so the work is tried again later instead of failing.
func IsConnectionFault(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	var netErr net.Error
	switch {
	case errors.Is(err, chain.ErrNotConnected),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, net.ErrClosed),
		errors.As(err, &netErr):
		return true
	case errors.As(err, &pgErr):
		// 08: connection exception; 57P01-03: admin or crash shutdown,
		// cannot connect now; 53300: too many connections; 40001 and
		// 40P01: serialization failure and deadlock.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") ||
			pgErr.Code == "53300" || pgErr.Code == "40001" || pgErr.Code == "40P01"
	case pgconn.Timeout(err):
		return true
	}
	// Errors that crossed a boundary as text only (the RPC client's, the
	// database driver's).
	msg := strings.ToLower(err.Error())
	for _, s := range connectionFaultTexts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var connectionFaultTexts = []string{
	"not connected", "websocket: close", "i/o timeout", "connection refused", "connection reset",
	"broken pipe", "unexpected eof", "conn closed", "use of closed network connection", "bad connection",
	"context deadline exceeded", "server closed the connection", "the database system is",
	"sqlstate 57p0", "sqlstate 08", "database is locked", "failed to connect",
}
