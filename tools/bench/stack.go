package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// payment is what each request pays the Oracle (0.001 LINK); the node's
// MINIMUM_CONTRACT_PAYMENT is set to it, and the consumer's 1,000 LINK pay
// for a million requests.
var payment = big.NewInt(1e15)

// stack is one chain with one answerer (the Pythia node or the baseline)
// behind a counting proxy, the contracts deployed, a watcher and a load
// generator.
type stack struct {
	h        *harness
	kind     string // "pythia" or "baseline"
	mode     string // "automine" or "interval"
	db       string // "sqlite" or "postgres" (pythia)
	dir      string
	a        *anvil
	proxy    *rpcProxy
	w        *watcher
	wp       atomic.Pointer[watcher]
	req      *requester
	oracle   common.Address
	consumer common.Address
	answerer common.Address
	jobID    string
	node     *node
	dbURL    string
	base     *child
	baseKey  *ecdsa.PrivateKey
}

type stackOpts struct {
	env    []string // extra node environment
	bridge string   // when set, the job asks this bridge URL instead of fetching
}

func (h *harness) newStack(ctx context.Context, kind, mode, db string, o stackOpts) (*stack, error) {
	h.stacks++
	dir := filepath.Join(h.work, fmt.Sprintf("%02d-%s-%s-%s", h.stacks, kind, mode, db))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &stack{h: h, kind: kind, mode: mode, db: db, dir: dir}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	var err error
	if s.a, err = startAnvil(ctx, h.repo, dir, mode); err != nil {
		return nil, err
	}
	s.proxy, err = startProxy(s.a.ws, h.c.fulfilSel, func(b broadcast) {
		if w := s.wp.Load(); w != nil {
			w.onBroadcast(b)
		}
	})
	if err != nil {
		return nil, err
	}
	s.proxy.requestTopic = []byte(strings.ToLower(h.c.requestTopic.Hex()))
	s.proxy.onDelivered = func(id common.Hash, at time.Time) {
		if w := s.wp.Load(); w != nil {
			w.onDelivered(id, at)
		}
	}
	switch kind {
	case "pythia":
		if db == "postgres" {
			if s.dbURL, err = h.pg.newDatabase(ctx); err != nil {
				return nil, err
			}
		}
		if s.node, err = startNode(ctx, h.nodeBin, dir, s.proxy.URL(), s.dbURL, o.env...); err != nil {
			return nil, err
		}
		if s.answerer, err = s.node.address(ctx); err != nil {
			return nil, err
		}
	case "baseline":
		if s.baseKey, err = crypto.GenerateKey(); err != nil {
			return nil, err
		}
		s.answerer = crypto.PubkeyToAddress(s.baseKey.PublicKey)
	}
	if s.oracle, s.consumer, err = deploy(ctx, h.nodeBin, s.a.ws, s.answerer); err != nil {
		return nil, err
	}
	switch kind {
	case "pythia":
		spec := runlogSpec(s.oracle)
		if o.bridge != "" {
			if _, err := s.node.call(ctx, "POST", "/v2/bridge_types", map[string]string{"name": "benchbridge", "url": o.bridge}); err != nil {
				return nil, err
			}
			spec = bridgeSpec(s.oracle, "benchbridge")
		}
		if s.jobID, err = s.node.createJob(ctx, spec); err != nil {
			return nil, err
		}
	case "baseline":
		s.jobID = strings.Repeat("0", 32)
		if err := s.startBaseline(ctx); err != nil {
			return nil, err
		}
	}
	if s.w, err = newWatcher(ctx, s.a, h.c, s.oracle, s.consumer); err != nil {
		return nil, err
	}
	s.wp.Store(s.w)
	keys, err := s.a.fundKeys(ctx, 8, 10000)
	if err != nil {
		return nil, err
	}
	if s.req, err = newRequester(ctx, s.a, h.c, keys, s.consumer, s.jobID, h.priceURL, payment); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

func (s *stack) startBaseline(ctx context.Context) error {
	logPath := filepath.Join(s.dir, "baseline.log")
	p, err := startChild("baseline", logPath, []string{"PATH=" + os.Getenv("PATH"), "BASELINE_KEY=" + hex.EncodeToString(crypto.FromECDSA(s.baseKey))},
		s.h.baseBin, "-url", s.proxy.URL(), "-oracle", s.oracle.Hex(), "-abi", filepath.Join(s.h.repo, "evm-contracts", "artifacts", "Oracle.abi"))
	if err != nil {
		return err
	}
	s.base = p
	err = poll(ctx, 30*time.Second, 20*time.Millisecond, func() bool {
		b, _ := os.ReadFile(logPath)
		return p.Exited() || strings.Contains(string(b), "baseline ready")
	})
	if err != nil || p.Exited() {
		return fmt.Errorf("baseline did not start (log %s): %v", logPath, err)
	}
	return nil
}

// pid is the answering process's PID.
func (s *stack) pid() int {
	if s.node != nil {
		return s.node.proc.PID()
	}
	return s.base.PID()
}

func (s *stack) stats() (procStats, error) { return readProcStats(s.pid()) }

// sideCPU is the CPU time so far of the chain (anvil) and, for a node on
// PostgreSQL, of the database server: what the answerer's work costs the
// processes it shares the cores with. db is -1 without a server.
func (s *stack) sideCPU() (chain, db time.Duration) {
	chain, db = -1, -1
	if t, err := treeCPU(s.a.proc.PID()); err == nil {
		chain = t
	}
	if s.kind == "pythia" && s.db == "postgres" && s.h.pg != nil {
		if pid, err := s.h.pg.PID(); err == nil {
			if t, err := treeCPU(pid); err == nil {
				db = t
			}
		}
	}
	return chain, db
}

func (s *stack) answererNonce(ctx context.Context) (uint64, error) {
	return s.a.eth.NonceAt(ctx, s.answerer, nil)
}

func (s *stack) Close() {
	if s.w != nil {
		s.w.Close()
	}
	if s.node != nil && s.node.proc != nil {
		s.node.Stop()
	}
	if s.base != nil {
		s.base.Stop(syscall.SIGTERM, 10*time.Second)
	}
	if s.proxy != nil {
		s.proxy.Close()
	}
	if s.a != nil {
		s.a.Close()
	}
}
