package services_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/services/txmanager"
	"github.com/pythia-oracle/pythia/core/store"
)

func TestIsConnectionFault(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"chain not connected", fmt.Errorf("reading latest header: %w", chain.ErrNotConnected), true},
		{"websocket closed (text only)", errors.New("suggesting tip: websocket: close 1006 (abnormal closure): unexpected EOF"), true},
		{"rpc deadline", fmt.Errorf("estimating gas: %w", context.DeadlineExceeded), true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"eof", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{"i/o timeout (text only)", errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout"), true},
		{"postgres starting up", &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, true},
		{"postgres admin shutdown", fmt.Errorf("saving: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"postgres shutting down (text only)", errors.New("FATAL: the database system is shutting down (SQLSTATE 57P03)"), true},
		{"postgres syntax error", &pgconn.PgError{Code: "42601", Message: "syntax error"}, false},
		{"tx manager rejection", fmt.Errorf("creating tx: %w: to address is required", txmanager.ErrBadRequest), false},
		{"not found", fmt.Errorf("finding run: %w", store.ErrNotFound), false},
		{"duplicate", fmt.Errorf("saving: %w", store.ErrDuplicate), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, services.IsConnectionFault(tt.err))
		})
	}
}
