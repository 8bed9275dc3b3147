package store

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// gormLogger sends gorm's messages to slog. Statements are logged with
// placeholders only (never their arguments, which may hold password hashes
// or encrypted keys): slow ones at warn, the rest at debug. Failed
// statements are logged at debug because the caller returns the error.
type gormLogger struct {
	lggr *slog.Logger
	slow time.Duration
}

var (
	_ gormlogger.Interface = (*gormLogger)(nil)
	_ gorm.ParamsFilter    = (*gormLogger)(nil)
)

func (l *gormLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return l }

// Info, Warn and Error log gorm's message format only, not its arguments.
func (l *gormLogger) Info(ctx context.Context, msg string, _ ...any) {
	l.lggr.DebugContext(ctx, "gorm: "+msg)
}

func (l *gormLogger) Warn(ctx context.Context, msg string, _ ...any) {
	l.lggr.WarnContext(ctx, "gorm: "+msg)
}

func (l *gormLogger) Error(ctx context.Context, msg string, _ ...any) {
	l.lggr.ErrorContext(ctx, "gorm: "+msg)
}

// ParamsFilter drops the arguments so traces show placeholders only.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case elapsed > l.slow && l.lggr.Enabled(ctx, slog.LevelWarn):
		sql, rows := fc()
		l.lggr.WarnContext(ctx, "slow sql", "sql", sql, "rows", rows, "duration", elapsed, "err", errString(err))
	case l.lggr.Enabled(ctx, slog.LevelDebug):
		if err != nil && errors.Is(err, gorm.ErrRecordNotFound) {
			err = nil
		}
		sql, rows := fc()
		l.lggr.DebugContext(ctx, "sql", "sql", sql, "rows", rows, "duration", elapsed, "err", errString(err))
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
