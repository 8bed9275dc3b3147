package lifecycle

import (
	"context"
	"errors"
	"testing"
)

func TestBaseStartCloseOnce(t *testing.T) {
	var b Base
	calls := 0
	exited := make(chan struct{})
	// Services start their goroutines from inside StartOnce.
	if err := b.StartOnce(func() error {
		calls++
		b.Go(func(ctx context.Context) {
			<-ctx.Done()
			close(exited)
		})
		return nil
	}); err != nil {
		t.Fatalf("first StartOnce = %v, want nil", err)
	}
	if err := b.StartOnce(func() error { calls++; return nil }); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("second StartOnce = %v, want ErrAlreadyStarted", err)
	}
	if err := b.CloseOnce(nil); err != nil {
		t.Fatalf("CloseOnce = %v", err)
	}
	select {
	case <-exited:
	default:
		t.Fatal("CloseOnce returned before the goroutine exited")
	}
	if err := b.CloseOnce(func() error { return errors.New("ran twice") }); err != nil {
		t.Fatalf("second CloseOnce = %v, want nil", err)
	}
	if calls != 1 {
		t.Fatalf("start fn ran %d times, want 1", calls)
	}
	if err := b.StartOnce(func() error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("StartOnce after close = %v, want ErrClosed", err)
	}
}

func TestBaseCloseBeforeStart(t *testing.T) {
	var b Base
	if err := b.CloseOnce(nil); err != nil {
		t.Fatalf("CloseOnce before start = %v", err)
	}
}
