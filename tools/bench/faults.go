package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// faultResult is one fault scenario's outcome.
type faultResult struct {
	name, db, mode string
	n              int // requests on the canonical chain at the end
	fulfilled      int
	lost           int
	duplicates     int
	resent         int // requests the harness re-sent after the chain dropped them (a reorg)
	note           string
	elapsed        time.Duration
	err            string
}

// reorgDepth is how many blocks the reorg scenario replaces.
const reorgDepth = 10

// faultNames lists the scenarios in the order they run.
var faultNames = []string{"kill", "wsdrop", "pgrestart", "reorg", "bridge"}

// runFault runs one scenario on a fresh stack: half the burst, the fault
// once the node is busy answering, the other half while it lasts, then
// waits for every request on the canonical chain to be answered.
func (h *harness) runFault(ctx context.Context, name, db string, n, incoming int) (fr faultResult) {
	fr = faultResult{name: name, db: db, mode: "automine"}
	if name == "pgrestart" && db != "postgres" {
		fr.note = "skipped: needs -db postgres"
		return fr
	}
	start := time.Now()
	defer func() { fr.elapsed = time.Since(start) }()
	opts := stackOpts{}
	var bridgeDown atomic.Bool
	if name == "bridge" {
		// The bridge hangs past the node's 2 s HTTP timeout while down.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if bridgeDown.Load() {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"data":{"result":42}}`)
		}))
		defer srv.Close()
		opts.bridge = srv.URL
		opts.env = []string{"DEFAULT_HTTP_TIMEOUT=2s"}
	}
	if incoming > 0 {
		opts.env = append(opts.env, fmt.Sprintf("MIN_INCOMING_CONFIRMATIONS=%d", incoming))
	}
	s, err := h.newStack(ctx, "pythia", fr.mode, db, opts)
	if err != nil {
		fr.err = err.Error()
		return fr
	}
	defer s.Close()
	if name == "reorg" {
		// The reorg must take requests and answers only: empty blocks
		// keep the contracts and the requesters' funding below its depth
		// (a loaded anvil may mine the whole first half in a few blocks).
		if err := s.a.rpc.CallContext(ctx, nil, "anvil_mine", hexutil.EncodeUint64(2*reorgDepth)); err != nil {
			fr.err = "mining empty blocks: " + err.Error()
			return fr
		}
	}
	nonce0, _ := s.answererNonce(ctx)
	head0, _ := s.a.eth.BlockNumber(ctx)

	first, err := s.req.sign(n / 2)
	if err != nil {
		fr.err = err.Error()
		return fr
	}
	second, err := s.req.sign(n - n/2)
	if err != nil {
		fr.err = err.Error()
		return fr
	}
	all := append(append([]*types.Transaction{}, first...), second...)
	if name == "bridge" {
		bridgeDown.Store(true)
		time.AfterFunc(5*time.Second, func() { bridgeDown.Store(false) })
	}
	if err := s.sendOrdered(ctx, first); err != nil {
		fr.err = err.Error()
		return fr
	}
	// Strike once the node is busy: a quarter of the first half answered
	// (the bridge scenario strikes from the start).
	if name != "bridge" {
		if err := s.w.waitFulfilled(ctx, max(1, n/8), 2*time.Minute); err != nil {
			fr.err = "before the fault: " + err.Error()
			return fr
		}
	}
	var faultErr error
	switch name {
	case "kill":
		s.node.Kill()
		faultErr = s.sendOrdered(ctx, second)
		if faultErr == nil {
			faultErr = s.node.start(ctx)
		}
	case "wsdrop":
		s.proxy.Cut()
		faultErr = s.sendOrdered(ctx, second)
		time.Sleep(3 * time.Second) // the outage itself
		s.proxy.Restore()
	case "pgrestart":
		faultErr = h.pg.Restart()
		if err := s.sendOrdered(ctx, second); faultErr == nil {
			faultErr = err
		}
	case "reorg":
		faultErr = s.reorg(ctx, reorgDepth)
		if faultErr == nil {
			faultErr = s.sendOrdered(ctx, second)
		}
		if faultErr == nil {
			fr.resent, faultErr = s.resendDropped(ctx, all)
		}
	case "bridge":
		faultErr = s.sendOrdered(ctx, second)
	}
	if faultErr != nil {
		fr.err = "fault: " + faultErr.Error()
		return fr
	}

	// Keep blocks coming (as a live chain would) so a node waiting for a
	// head, e.g. to re-send a transaction a reorg dropped, is not starved.
	mineCtx, stopMining := context.WithCancel(ctx)
	defer stopMining()
	go func() {
		for {
			select {
			case <-mineCtx.Done():
				return
			case <-time.After(time.Second):
				_ = s.a.rpc.CallContext(mineCtx, nil, "evm_mine")
			}
		}
	}()

	// Wait until every request tx of the harness is mined and every
	// canonical request is answered, giving up after a minute without
	// progress. A request tx the chain reverted puts no request on chain,
	// so it is counted apart, not waited for.
	var t chainTruth
	var st requestTxStates
	var terr error // the last reading of the chain's truth
	lastFulfilled, lastProgress := -1, time.Now()
	err = poll(ctx, burstTimeout(n)+time.Minute, time.Second, func() bool {
		// A reorg drops requests. In any scenario a request tx the chain
		// no longer knows is no request for the node to answer, so the
		// harness sends it again; the report's note counts them.
		if k, _ := s.resendDropped(ctx, all); k > 0 {
			fr.resent += k
		}
		var serr error
		st, serr = s.requestStates(ctx, all)
		t, terr = truth(ctx, s.a, h.c, s.oracle, s.consumer, s.answerer, nonce0)
		if terr == nil && t.fulfilled > lastFulfilled {
			lastFulfilled, lastProgress = t.fulfilled, time.Now()
		}
		settled := serr == nil && st.mined+st.reverted == len(all)
		return terr == nil && settled && t.fulfilled >= t.requests || time.Since(lastProgress) > time.Minute
	})
	switch {
	case err == nil && terr != nil:
		err = fmt.Errorf("reading the chain: %w", terr)
	case err == nil && (st.mined+st.reverted < len(all) || t.fulfilled < t.requests):
		err = fmt.Errorf("no new answer for a minute: %w", errTimeout)
	}
	if st.reverted > 0 || st.mined+st.reverted < len(all) {
		fr.note = joinNotes(fr.note, st.String())
	}
	// A few more blocks: a late duplicate would land now.
	time.Sleep(3 * time.Second) // blocks keep coming from the miner above
	if t2, terr := truth(ctx, s.a, h.c, s.oracle, s.consumer, s.answerer, nonce0); terr == nil {
		t = t2
	} else if err == nil {
		err = fmt.Errorf("reading the chain: %w", terr)
	}
	fr.n, fr.fulfilled, fr.lost = t.requests, t.fulfilled, t.requests-t.fulfilled
	dups, reverted, stale, derr := s.duplicateAnswers(ctx, head0)
	if stale > 0 || t.offChain > 0 {
		fr.note = joinNotes(fr.note, fmt.Sprintf("anvil served %d reorged-out blocks by number and %d of their logs (not counted: the head does not descend from them)", stale, t.offChain))
	}
	if derr == nil {
		fr.duplicates = dups
		if dups > 0 && s.db == "postgres" {
			s.dumpDatabase(ctx)
		}
		if reverted > 0 {
			fr.note = joinNotes(fr.note, fmt.Sprintf("%d answers reverted (sent while the request was off the chain), each answered again", reverted))
		}
	} else {
		fr.duplicates = t.duplicates
		if err == nil {
			err = fmt.Errorf("scanning the answers: %w", derr)
		}
	}
	if err != nil {
		fr.err = fmt.Sprintf("waiting for the answers: %v (canonical requests %d, fulfilled %d)", err, t.requests, t.fulfilled)
	}
	if s.node.starts > 1 {
		fr.note = joinNotes(fmt.Sprintf("node started %d times", s.node.starts), fr.note)
	}
	return fr
}

// dumpDatabase writes the node's database as SQL next to its log, so the
// runs and transactions behind a duplicate can be read after the stack is
// gone (the work folder is kept for a failed check).
func (s *stack) dumpDatabase(ctx context.Context) {
	cmd := asPostgres(filepath.Join(pgBin(), "pg_dump"), "--data-only", s.dbURL)
	out, err := cmd.Output()
	if err != nil {
		s.h.log("dumping the node's database: %v", err)
		return
	}
	_ = os.WriteFile(filepath.Join(s.dir, "node-db.sql"), out, 0o644)
}

// requestTxStates counts the harness's request txs by what the chain did
// with them.
type requestTxStates struct {
	mined, reverted, pending, unknown int
}

func (st requestTxStates) String() string {
	return fmt.Sprintf("harness request txs: %d mined, %d reverted, %d pending, %d unknown to the chain",
		st.mined, st.reverted, st.pending, st.unknown)
}

// requestStates reads the receipt of each of the harness's request txs
// and, for a tx without one, whether the chain still knows it.
func (s *stack) requestStates(ctx context.Context, txs []*types.Transaction) (requestTxStates, error) {
	var st requestTxStates
	receipts := make([]*types.Receipt, len(txs))
	elems := make([]rpc.BatchElem, len(txs))
	for i, tx := range txs {
		elems[i] = rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{tx.Hash()}, Result: &receipts[i]}
	}
	if err := s.a.batch(ctx, elems); err != nil {
		return st, err
	}
	var open []int
	for i := range txs {
		switch {
		case elems[i].Error != nil || receipts[i] == nil:
			open = append(open, i)
		case receipts[i].Status == types.ReceiptStatusSuccessful:
			st.mined++
		default:
			st.reverted++
		}
	}
	if len(open) == 0 {
		return st, nil
	}
	known := make([]map[string]any, len(open))
	elems = make([]rpc.BatchElem, len(open))
	for j, i := range open {
		elems[j] = rpc.BatchElem{Method: "eth_getTransactionByHash", Args: []any{txs[i].Hash()}, Result: &known[j]}
	}
	if err := s.a.batch(ctx, elems); err != nil {
		return st, err
	}
	for j := range open {
		if elems[j].Error == nil && known[j] != nil {
			st.pending++
		} else {
			st.unknown++
		}
	}
	return st, nil
}

// reorg replaces the last depth blocks with empty ones, with no write
// reaching anvil meanwhile. anvil_reorg is not atomic against mining: with
// transactions arriving during it (automine, even paused: a block already
// being mined), anvil 1.7.1 under load left a block whose parent it no
// longer had, and served by number reorged-out blocks with receipts, so
// that a nonce looked mined twice. A real chain switches branches at once;
// here the node's messages wait in the proxy, automine is paused and the
// chain left to settle, and the node sees the reorg as it would a real one.
func (s *stack) reorg(ctx context.Context, depth int) (err error) {
	release := s.proxy.Hold()
	defer release()
	if err := s.a.rpc.CallContext(ctx, nil, "evm_setAutomine", false); err != nil {
		return fmt.Errorf("pausing automine: %w", err)
	}
	defer func() {
		if rerr := s.a.rpc.CallContext(context.WithoutCancel(ctx), nil, "evm_setAutomine", true); rerr != nil && err == nil {
			err = fmt.Errorf("resuming automine: %w", rerr)
		}
	}()
	// Settled: the head unchanged for 300 ms (a block being mined when
	// the hold began lands first).
	var last uint64
	for still, deadline := 0, time.Now().Add(10*time.Second); still < 3; {
		if time.Now().After(deadline) {
			return fmt.Errorf("anvil still mining 10 s after the hold (head %d)", last)
		}
		head, err := s.a.eth.BlockNumber(ctx)
		if err != nil {
			return fmt.Errorf("reading the head: %w", err)
		}
		if head == last {
			still++
		} else {
			still, last = 0, head
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s.a.rpc.CallContext(ctx, nil, "anvil_reorg", depth, []any{})
}

// resendDropped re-sends the harness's own requests that are neither mined
// nor pending any more (a reorg dropped them), in nonce order.
func (s *stack) resendDropped(ctx context.Context, txs []*types.Transaction) (int, error) {
	elems := make([]rpc.BatchElem, len(txs))
	results := make([]map[string]any, len(txs))
	for i, tx := range txs {
		elems[i] = rpc.BatchElem{Method: "eth_getTransactionByHash", Args: []any{tx.Hash()}, Result: &results[i]}
	}
	if err := s.a.batch(ctx, elems); err != nil {
		return 0, err
	}
	var missing []*types.Transaction
	for i, e := range elems {
		if e.Error == nil && results[i] == nil {
			missing = append(missing, txs[i])
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	for _, tx := range missing {
		raw, _ := tx.MarshalBinary()
		var h common.Hash
		err := s.a.rpc.CallContext(ctx, &h, "eth_sendRawTransaction", hexutil.Bytes(raw))
		if err != nil && !strings.Contains(err.Error(), "already") && !strings.Contains(strings.ToLower(err.Error()), "nonce too low") {
			return 0, fmt.Errorf("re-sending a dropped request: %w", err)
		}
	}
	return len(missing), nil
}

// duplicateAnswers scans the canonical blocks after from for the
// answerer's fulfilments, in chain order, and counts answers to a request
// (request ID and expiration) after its successful one, and answers that
// reverted before it: the Oracle refuses an answer for a request it does
// not hold, here one sent while a reorg had the request off the chain.
// stale counts block numbers at which anvil served a block that is not on
// the chain its head descends from (see staleByNumber).
func (s *stack) duplicateAnswers(ctx context.Context, from uint64) (dups, reverted, stale int, err error) {
	blocks, err := s.a.canonicalChain(ctx, from)
	if err != nil {
		return 0, 0, 0, err
	}
	if stale, err = s.a.staleByNumber(ctx, blocks); err != nil {
		return 0, 0, 0, err
	}
	type answer struct {
		key   string
		hash  common.Hash
		block uint64
		nonce uint64
	}
	var answers []answer
	for _, blk := range blocks {
		for _, tx := range blk.Transactions {
			if tx.From != s.answerer || tx.To == nil || *tx.To != s.oracle || len(tx.Input) < 4+6*32 ||
				string(tx.Input[:4]) != string(s.h.c.fulfilSel) {
				continue
			}
			// requestId and expiration words.
			answers = append(answers, answer{string(tx.Input[4:36]) + string(tx.Input[4+4*32:4+5*32]), tx.Hash, uint64(blk.Number), uint64(tx.Nonce)})
		}
	}
	receipts := make([]*types.Receipt, len(answers))
	elems := make([]rpc.BatchElem, len(answers))
	for i, a := range answers {
		elems[i] = rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{a.hash}, Result: &receipts[i]}
	}
	if err := s.a.batch(ctx, elems); err != nil {
		return 0, 0, stale, err
	}
	seen := map[string]int{}
	suspect := map[string]bool{}
	for i, a := range answers {
		if elems[i].Error != nil || receipts[i] == nil {
			return 0, 0, stale, fmt.Errorf("receipt of answer %s: %v", a.hash, elems[i].Error)
		}
		ok := receipts[i].Status == types.ReceiptStatusSuccessful
		switch {
		case seen[a.key] > 0:
			dups++ // a second answer, whether the Oracle took it or not
			suspect[a.key] = true
		case !ok:
			reverted++ // before the request's answer: it was off the chain
			suspect[a.key] = true
		}
		if ok {
			seen[a.key]++
		}
	}
	if len(suspect) > 0 {
		// The evidence for a scenario's notes: every answer to a request
		// answered twice or refused, in chain order.
		var b strings.Builder
		for i, a := range answers {
			if suspect[a.key] {
				fmt.Fprintf(&b, "request %x expiration %x: block %d nonce %d tx %s status %d\n",
					a.key[:32], a.key[32:], a.block, a.nonce, a.hash, receipts[i].Status)
			}
		}
		_ = os.WriteFile(filepath.Join(s.dir, "suspect-answers.txt"), []byte(b.String()), 0o644)
	}
	return dups, reverted, stale, nil
}

type rpcBlock struct {
	Number       hexutil.Uint64 `json:"number"`
	Hash         common.Hash    `json:"hash"`
	ParentHash   common.Hash    `json:"parentHash"`
	Transactions []struct {
		Hash  common.Hash     `json:"hash"`
		From  common.Address  `json:"from"`
		To    *common.Address `json:"to"`
		Input hexutil.Bytes   `json:"input"`
		Nonce hexutil.Uint64  `json:"nonce"`
		Value *hexutil.Big    `json:"value"`
	} `json:"transactions"`
}
