package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// result is one workload's figures.
type result struct {
	kind, mode, db, label string
	n, fulfilled          int
	lost, duplicates      int
	multiNonce            int

	bcastP50, bcastP95, bcastP99 float64 // ms, request log to fulfilment broadcast
	minedP50, minedP95, minedP99 float64 // ms, request log to fulfilment mined
	blkP50, blkP95, blkP99       float64 // blocks, request to fulfilment
	rps                          float64
	elapsed                      time.Duration

	cpu                time.Duration
	chainCPU, dbCPU    time.Duration // anvil's and PostgreSQL's; -1: not measured
	peakRSS, steadyRSS int64
	rowsPerReq         float64
	bytesPerReq        float64
	dbBytesAfter       int64
	rpc                map[string]int64
	err                string
}

// sendOrdered sends txs with one goroutine per sender key, each in nonce
// order, so anvil never holds a nonce gap for long.
func (s *stack) sendOrdered(ctx context.Context, txs []*types.Transaction) error {
	bySender := map[[20]byte][]*types.Transaction{}
	signer := types.LatestSignerForChainID(s.a.chain)
	var order [][20]byte
	for _, tx := range txs {
		from, err := types.Sender(signer, tx)
		if err != nil {
			return err
		}
		if _, ok := bySender[from]; !ok {
			order = append(order, from)
		}
		bySender[from] = append(bySender[from], tx)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(order))
	for _, k := range order {
		wg.Add(1)
		go func(list []*types.Transaction) {
			defer wg.Done()
			if err := s.a.sendRaw(ctx, list); err != nil {
				errs <- err
			}
		}(bySender[k])
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// measure wraps a workload: it reads the process, database and RPC figures
// before and after and the chain's truth at the end.
func (s *stack) measure(ctx context.Context, label string, n int, work func() (time.Time, error)) result {
	r := result{kind: s.kind, mode: s.mode, db: s.db, label: label, n: n}
	if s.kind == "baseline" {
		r.db = "-"
	}
	st0, _ := s.stats()
	chain0, dbCPU0 := s.sideCPU()
	db0, _ := s.measureDB(ctx)
	rpc0 := s.proxy.Counts()
	nonce0, _ := s.answererNonce(ctx)
	sampler := sampleRSS(s.pid, 100*time.Millisecond)
	since := time.Now()
	start, err := work()
	r.peakRSS = sampler.Stop()
	if err != nil {
		r.err = err.Error()
	}
	lat := s.w.snapshot(since)
	r.fulfilled = len(lat.minedMS)
	r.multiNonce = lat.multiNonce
	r.bcastP50, r.bcastP95, r.bcastP99 = quantile(lat.broadcastMS, .5), quantile(lat.broadcastMS, .95), quantile(lat.broadcastMS, .99)
	r.minedP50, r.minedP95, r.minedP99 = quantile(lat.minedMS, .5), quantile(lat.minedMS, .95), quantile(lat.minedMS, .99)
	r.blkP50, r.blkP95, r.blkP99 = quantile(lat.blocks, .5), quantile(lat.blocks, .95), quantile(lat.blocks, .99)
	if !lat.lastMined.IsZero() && lat.lastMined.After(start) {
		r.elapsed = lat.lastMined.Sub(start)
		r.rps = float64(r.fulfilled) / r.elapsed.Seconds()
	}
	if st1, err := s.stats(); err == nil {
		r.cpu = st1.CPU - st0.CPU
	}
	r.chainCPU, r.dbCPU = -1, -1
	chain1, dbCPU1 := s.sideCPU()
	if chain0 >= 0 && chain1 >= 0 {
		r.chainCPU = chain1 - chain0
	}
	if dbCPU0 >= 0 && dbCPU1 >= 0 {
		r.dbCPU = dbCPU1 - dbCPU0
	}
	if t, err := truth(ctx, s.a, s.h.c, s.oracle, s.consumer, s.answerer, nonce0); err == nil {
		r.lost = t.lost
		r.duplicates = t.duplicates
	} else if r.err == "" {
		r.err = err.Error()
	}
	// Steady RSS: what the process keeps once the work is over.
	time.Sleep(s.h.settle) // letting the process go idle; there is nothing to wait on
	if st, err := s.stats(); err == nil {
		r.steadyRSS = st.RSS
	}
	// Calls and rows are counted once the node has also confirmed the
	// answers (a pass after the last one is mined reads their receipts,
	// marks the txs final and completes the runs): they are part of each
	// request's cost, and counting them inside the window made the figure
	// depend on how far the confirmations had got by the last answer.
	r.rpc = diffCounts(rpc0, s.proxy.Counts())
	if db1, err := s.measureDB(ctx); err == nil && n > 0 {
		r.rowsPerReq = float64(db1.rows-db0.rows) / float64(n)
		r.bytesPerReq = float64(db1.bytes-db0.bytes) / float64(n)
		r.dbBytesAfter = db1.bytes
	}
	return r
}

func (s *stack) measureDB(ctx context.Context) (dbSize, error) {
	if s.kind != "pythia" {
		return dbSize{}, nil
	}
	return measureDB(ctx, s.dbURL, s.node.root)
}

// sequential sends n requests one at a time, each after the previous one's
// fulfilment is mined.
func (s *stack) sequential(ctx context.Context, n int) result {
	return s.measure(ctx, fmt.Sprintf("sequential %d", n), n, func() (time.Time, error) {
		start := time.Now()
		_, base := s.w.counts()
		for i := 0; i < n; i++ {
			txs, err := s.req.sign(1)
			if err != nil {
				return start, err
			}
			if err := s.a.sendRaw(ctx, txs); err != nil {
				return start, err
			}
			if err := s.w.waitFulfilled(ctx, base+i+1, 60*time.Second); err != nil {
				return start, err
			}
		}
		return start, nil
	})
}

// burst sends n requests at once and waits for every fulfilment.
func (s *stack) burst(ctx context.Context, n int) result {
	return s.measure(ctx, fmt.Sprintf("burst %d", n), n, func() (time.Time, error) {
		txs, err := s.req.sign(n)
		if err != nil {
			return time.Now(), err
		}
		_, base := s.w.counts()
		start := time.Now()
		if err := s.sendOrdered(ctx, txs); err != nil {
			return start, err
		}
		return start, s.w.waitFulfilled(ctx, base+n, burstTimeout(n))
	})
}

func burstTimeout(n int) time.Duration { return 2*time.Minute + time.Duration(n)*60*time.Millisecond }
