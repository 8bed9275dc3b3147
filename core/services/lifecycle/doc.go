// Package lifecycle gives every long-running service the same start-once,
// close-once life: a stop channel, a WaitGroup for its goroutines and the
// Service interface the Application starts in order and closes in reverse.
//
// Services embed Base; Close is idempotent, safe before Start, and returns
// only after every goroutine started with Go has returned.
package lifecycle
