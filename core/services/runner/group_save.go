package runner

import (
	"context"
	"sync"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// StepsBatcher is what group commit needs of the store
// (*store.Store): the steps of several runs saved in one transaction,
// all or nothing.
type StepsBatcher interface {
	SaveRunsSteps(ctx context.Context, steps []store.RunSteps) error
}

// maxSaveBatch bounds the runs one group-committed transaction saves.
const maxSaveBatch = 200

// groupSaver commits the saves of workers that come while another save
// is being written together, in one database transaction: under a burst
// (a thousand answers confirmed within a few blocks, each completing its
// run) a transaction and its handful of statements are paid per batch,
// not per run. A batch that fails (one of its runs was cancelled
// meanwhile, or the database faulted) is undone in memory and each of its
// saves is written again on its own, so every run gets its own error.
type groupSaver struct {
	batcher StepsBatcher
	single  func(ctx context.Context, st store.RunSteps) error

	mu    sync.Mutex
	cond  *sync.Cond
	queue []*saveReq
	busy  bool
}

type saveReq struct {
	ctx   context.Context
	steps store.RunSteps
	done  bool
	alone bool // its batch failed: save it on its own
	err   error
}

func newGroupSaver(b StepsBatcher, single func(ctx context.Context, st store.RunSteps) error) *groupSaver {
	g := &groupSaver{batcher: b, single: single}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// save writes st, with the saves queued meanwhile when it leads a batch,
// and returns once st is committed or has failed.
func (g *groupSaver) save(ctx context.Context, st store.RunSteps) error {
	r := &saveReq{ctx: ctx, steps: st}
	g.mu.Lock()
	g.queue = append(g.queue, r)
	for !r.done {
		if g.busy {
			g.cond.Wait()
			continue
		}
		g.busy = true
		n := min(len(g.queue), maxSaveBatch)
		batch := g.queue[:n:n]
		g.queue = append([]*saveReq(nil), g.queue[n:]...)
		g.mu.Unlock()
		g.write(batch)
		g.mu.Lock()
		for _, b := range batch {
			b.done = true
		}
		g.busy = false
		g.cond.Broadcast()
	}
	g.mu.Unlock()
	if r.alone {
		return g.single(ctx, st)
	}
	return r.err
}

// write saves batch in one transaction (a batch of one on its own).
// When the batch fails, its saves are undone in memory and marked to be
// written on their own by their callers.
func (g *groupSaver) write(batch []*saveReq) {
	if len(batch) == 1 {
		r := batch[0]
		r.err = g.single(r.ctx, r.steps)
		return
	}
	steps := make([]store.RunSteps, len(batch))
	undo := make([]resultIDs, len(batch))
	for i, b := range batch {
		steps[i] = b.steps
		undo[i] = noteResultIDs(b.steps)
	}
	// The leader's context: should it end, the batch fails and each
	// save is tried again under its own.
	if err := g.batcher.SaveRunsSteps(batch[0].ctx, steps); err != nil {
		for i, b := range batch {
			undo[i].restore()
			b.alone = true
		}
	}
}

// resultIDs remembers the result IDs of one run's steps, which a save
// sets as it inserts results, so that a rolled back save can be undone
// (a failed group commit here; a failed answer transaction in
// answerSave).
type resultIDs struct {
	results []*models.RunResult
	ids     []int64
	refs    []**int64
	refIDs  []*int64
}

func noteResultIDs(st store.RunSteps) resultIDs {
	var u resultIDs
	note := func(r *models.RunResult, ref **int64) {
		if r != nil {
			u.results, u.ids = append(u.results, r), append(u.ids, r.ID)
		}
		u.refs, u.refIDs = append(u.refs, ref), append(u.refIDs, *ref)
	}
	if st.Run != nil {
		note(st.Run.Result, &st.Run.ResultID)
	}
	for _, tr := range st.TaskRuns {
		note(tr.Result, &tr.ResultID)
	}
	return u
}

func (u resultIDs) restore() {
	for i, r := range u.results {
		r.ID = u.ids[i]
	}
	for i, ref := range u.refs {
		*ref = u.refIDs[i]
	}
}
