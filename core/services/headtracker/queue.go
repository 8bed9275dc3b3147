package headtracker

import (
	"sync"

	"github.com/ethereum/go-ethereum/core/types"
)

type itemKind int

const (
	itemHead itemKind = iota
	itemConnected
	itemDisconnected
)

type item struct {
	kind   itemKind
	header *types.Header
}

// queue sits between the subscription reader and the subscriber loop.
// It holds at most max heads: pushing one more drops the oldest waiting
// head. Connection items are never dropped.
type queue struct {
	mu      sync.Mutex
	items   []item
	heads   int
	max     int
	dropped uint64
	ready   chan struct{}
}

func newQueue(max int) *queue {
	return &queue{max: max, ready: make(chan struct{}, 1)}
}

// push appends it and reports whether a head was dropped to make room.
func (q *queue) push(it item) (dropped bool) {
	q.mu.Lock()
	if it.kind == itemHead {
		if q.heads >= q.max {
			for i, old := range q.items {
				if old.kind == itemHead {
					q.items = append(q.items[:i], q.items[i+1:]...)
					q.heads--
					q.dropped++
					dropped = true
					break
				}
			}
		}
		q.heads++
	}
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return dropped
}

// pop removes and returns the oldest item; ok is false when empty.
func (q *queue) pop() (it item, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return item{}, false
	}
	it = q.items[0]
	q.items[0] = item{}
	q.items = q.items[1:]
	if it.kind == itemHead {
		q.heads--
	}
	return it, true
}
