package lifecycle

import (
	"context"
	"errors"
	"sync"
)

// Service is what the Application starts and stops. Start returns promptly
// (no blocking network call); Close is idempotent and waits for goroutines.
type Service interface {
	Name() string
	Start(ctx context.Context) error
	Close() error
}

// HealthChecker is implemented by services whose health /health reports.
// Healthy returns nil when the service works, or an error saying why not.
type HealthChecker interface {
	Name() string
	Healthy() error
}

// ErrAlreadyStarted is returned by StartOnce on a second call.
var ErrAlreadyStarted = errors.New("already started")

// ErrClosed is returned by StartOnce after Close.
var ErrClosed = errors.New("already closed")

// Base owns a service's start-once state, stop channel and goroutines.
// The zero value is ready to use.
type Base struct {
	mu       sync.Mutex // guards started and closed
	started  bool
	closed   bool
	stopOnce sync.Once
	stop     chan struct{}
	wg       sync.WaitGroup
}

// stopChan never takes mu, so Go and Stopped may be called from inside the
// function given to StartOnce.
func (b *Base) stopChan() chan struct{} {
	b.stopOnce.Do(func() { b.stop = make(chan struct{}) })
	return b.stop
}

// StartOnce runs fn the first time it is called; later calls fail.
func (b *Base) StartOnce(fn func() error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if b.started {
		return ErrAlreadyStarted
	}
	b.stopChan()
	if err := fn(); err != nil {
		return err
	}
	b.started = true
	return nil
}

// CloseOnce closes the stop channel, waits for every goroutine started
// with Go, then runs fn. Later calls return nil and do nothing.
func (b *Base) CloseOnce(fn func() error) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.stopChan())
	b.mu.Unlock()
	b.wg.Wait()
	if fn == nil {
		return nil
	}
	return fn()
}

// Stopped is closed when Close has been called.
func (b *Base) Stopped() <-chan struct{} {
	return b.stopChan()
}

// Go runs fn in a goroutine that Close waits for. fn gets a context that
// is cancelled when Close is called.
func (b *Base) Go(fn func(ctx context.Context)) {
	stop := b.Stopped()
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		fn(ctx)
	}()
}

// StopContext returns a context cancelled when Close is called, for work
// done outside Go (for example a request handled on the caller's goroutine).
func (b *Base) StopContext() (context.Context, context.CancelFunc) {
	stop := b.Stopped()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
