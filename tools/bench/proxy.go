package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/gorilla/websocket"
)

// broadcast is one eth_sendRawTransaction the proxy saw that calls
// fulfillOracleRequest.
type broadcast struct {
	RequestID common.Hash
	Nonce     uint64
	Hash      common.Hash
	At        time.Time
}

// rpcProxy is a WebSocket JSON-RPC proxy between a client (the node or the
// baseline) and anvil. It counts the client's calls by method, reports
// every fulfilment the client broadcasts with the time it passed, and can
// cut every connection (and refuse new ones) until restored: the dropped
// WebSocket fault.
type rpcProxy struct {
	target      string // ws:// URL of anvil
	fulfilSel   []byte // fulfillOracleRequest selector
	onBroadcast func(broadcast)
	// requestTopic (hex, lower case) marks OracleRequest logs pushed to the
	// client; onDelivered gets each one's request ID and the time it
	// passed.
	requestTopic []byte
	onDelivered  func(requestID common.Hash, at time.Time)

	ln  net.Listener
	srv *http.Server

	// held, while set, is the hold the client's messages wait out (Hold).
	held atomic.Pointer[hold]

	mu     sync.Mutex
	cut    bool
	conns  map[*websocket.Conn]struct{}
	counts map[string]int64
	wg     sync.WaitGroup
}

func startProxy(target string, fulfilSel []byte, onBroadcast func(broadcast)) (*rpcProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: listening: %w", err)
	}
	p := &rpcProxy{target: target, fulfilSel: fulfilSel, onBroadcast: onBroadcast, ln: ln,
		conns: make(map[*websocket.Conn]struct{}), counts: make(map[string]int64)}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's ws:// address.
func (p *rpcProxy) URL() string { return "ws://" + p.ln.Addr().String() }

var upgrader = websocket.Upgrader{ReadBufferSize: 1 << 16, WriteBufferSize: 1 << 16,
	CheckOrigin: func(*http.Request) bool { return true }}

func (p *rpcProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	cut := p.cut
	p.mu.Unlock()
	if cut {
		http.Error(w, "proxy cut by the fault harness", http.StatusServiceUnavailable)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		http.Error(w, "websocket only", http.StatusBadRequest)
		return
	}
	up, _, err := websocket.DefaultDialer.Dial(p.target, nil)
	if err != nil {
		http.Error(w, "upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	down, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		_ = up.Close()
		return
	}
	up.SetReadLimit(1 << 30)
	down.SetReadLimit(1 << 30)
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		_ = up.Close()
		_ = down.Close()
		return
	}
	p.conns[up], p.conns[down] = struct{}{}, struct{}{}
	p.wg.Add(2)
	p.mu.Unlock()
	go p.pipe(up, down, true)
	go p.pipe(down, up, false)
}

// pipe copies messages from src to dst until either closes; fromClient
// messages are counted and inspected.
func (p *rpcProxy) pipe(dst, src *websocket.Conn, fromClient bool) {
	defer p.wg.Done()
	defer func() {
		_ = dst.Close()
		_ = src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	for {
		typ, msg, err := src.ReadMessage()
		if err != nil {
			return
		}
		if fromClient {
			if h := p.held.Load(); h != nil {
				<-h.done
			}
			p.inspect(msg)
		} else {
			p.inspectPush(msg)
		}
		if err := dst.WriteMessage(typ, msg); err != nil {
			return
		}
	}
}

type rpcMessage struct {
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

func (p *rpcProxy) inspect(msg []byte) {
	msg = bytes.TrimSpace(msg)
	var calls []rpcMessage
	if len(msg) > 0 && msg[0] == '[' {
		if json.Unmarshal(msg, &calls) != nil {
			return
		}
	} else {
		var m rpcMessage
		if json.Unmarshal(msg, &m) != nil {
			return
		}
		calls = []rpcMessage{m}
	}
	now := time.Now()
	p.mu.Lock()
	for _, c := range calls {
		if c.Method != "" {
			p.counts[c.Method]++
		}
	}
	p.mu.Unlock()
	for _, c := range calls {
		if c.Method != "eth_sendRawTransaction" || len(c.Params) == 0 || p.onBroadcast == nil {
			continue
		}
		var raw hexutil.Bytes
		if json.Unmarshal(c.Params[0], &raw) != nil {
			continue
		}
		tx := new(types.Transaction)
		if tx.UnmarshalBinary(raw) != nil {
			continue
		}
		data := tx.Data()
		if len(data) >= 36 && bytes.Equal(data[:4], p.fulfilSel) {
			p.onBroadcast(broadcast{RequestID: common.BytesToHash(data[4:36]), Nonce: tx.Nonce(), Hash: tx.Hash(), At: now})
		}
	}
}

// inspectPush reports OracleRequest logs pushed to the client by a log
// subscription: the moment the answerer can first see a request.
func (p *rpcProxy) inspectPush(msg []byte) {
	if p.onDelivered == nil || !bytes.Contains(msg, []byte("eth_subscription")) || !bytes.Contains(msg, p.requestTopic) {
		return
	}
	now := time.Now()
	var n struct {
		Params struct {
			Result struct {
				Data    hexutil.Bytes `json:"data"`
				Removed bool          `json:"removed"`
			} `json:"result"`
		} `json:"params"`
	}
	if json.Unmarshal(msg, &n) != nil || n.Params.Result.Removed || len(n.Params.Result.Data) < 64 {
		return
	}
	p.onDelivered(common.BytesToHash(n.Params.Result.Data[32:64]), now)
}

// Counts returns a copy of the calls counted so far by method.
func (p *rpcProxy) Counts() map[string]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int64, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Cut closes every connection and refuses new ones until Restore.
func (p *rpcProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		_ = c.Close()
	}
}

// Hold keeps the client's messages from anvil, connections open, until
// the returned release is called: anvil sees no write from the client
// while the harness changes the chain.
func (p *rpcProxy) Hold() (release func()) {
	h := &hold{done: make(chan struct{})}
	p.held.Store(h)
	return func() {
		p.held.CompareAndSwap(h, nil)
		h.release()
	}
}

type hold struct {
	done chan struct{}
	once sync.Once
}

func (h *hold) release() { h.once.Do(func() { close(h.done) }) }

// Restore accepts connections again.
func (p *rpcProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// Close stops the proxy and waits for its pipes.
func (p *rpcProxy) Close() {
	if h := p.held.Swap(nil); h != nil {
		h.release()
	}
	_ = p.srv.Close()
	p.Cut()
	p.wg.Wait()
}

// diffCounts returns after-before per method.
func diffCounts(before, after map[string]int64) map[string]int64 {
	out := make(map[string]int64)
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// formatPerRequest renders counts divided by n, largest first, e.g.
// "eth_sendRawTransaction 1.00, eth_call 0.50".
func formatPerRequest(counts map[string]int64, n int) string {
	if n <= 0 || len(counts) == 0 {
		return "-"
	}
	type kv struct {
		k string
		v int64
	}
	var all []kv
	var total int64
	for k, v := range counts {
		all = append(all, kv{k, v})
		total += v
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].v != all[j].v {
			return all[i].v > all[j].v
		}
		return all[i].k < all[j].k
	})
	parts := []string{fmt.Sprintf("**total %.2f**", float64(total)/float64(n))}
	for _, e := range all {
		parts = append(parts, fmt.Sprintf("%s %.2f", e.k, float64(e.v)/float64(n)))
	}
	return strings.Join(parts, ", ")
}

func totalCount(counts map[string]int64) int64 {
	var t int64
	for _, v := range counts {
		t += v
	}
	return t
}

var errTimeout = errors.New("timed out")
