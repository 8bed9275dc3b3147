package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/pythia-oracle/pythia/core/services/lifecycle"
)

// Config says where the node is and how patient the client is with it.
// Zero durations take the defaults below.
type Config struct {
	// URL is the node's WebSocket endpoint (ws:// or wss://).
	URL string
	// ChainID, when set, is the chain ID the node must report.
	ChainID *big.Int
	// CallTimeout bounds every RPC call (default 30s).
	CallTimeout time.Duration
	// DialTimeout bounds one connection attempt, chain ID check included
	// (default 10s).
	DialTimeout time.Duration
	// ReconnectMinBackoff is the wait before the first reconnection
	// attempt (default 1s); each failure doubles it up to
	// ReconnectMaxBackoff (default 30s), with ±20% jitter.
	ReconnectMinBackoff time.Duration
	ReconnectMaxBackoff time.Duration
}

// Defaults for Config's zero fields.
const (
	DefaultCallTimeout         = 30 * time.Second
	DefaultDialTimeout         = 10 * time.Second
	DefaultReconnectMinBackoff = 1 * time.Second
	DefaultReconnectMaxBackoff = 30 * time.Second
	minBackoffFloor            = 10 * time.Millisecond
)

func (c Config) withDefaults() Config {
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.ReconnectMinBackoff <= 0 {
		c.ReconnectMinBackoff = DefaultReconnectMinBackoff
	}
	if c.ReconnectMinBackoff < minBackoffFloor {
		c.ReconnectMinBackoff = minBackoffFloor
	}
	if c.ReconnectMaxBackoff <= 0 {
		c.ReconnectMaxBackoff = DefaultReconnectMaxBackoff
	}
	if c.ReconnectMaxBackoff < c.ReconnectMinBackoff {
		c.ReconnectMaxBackoff = c.ReconnectMinBackoff
	}
	return c
}

// EventKind says what happened to the connection.
type EventKind int

// The connection events a Client publishes.
const (
	Connected EventKind = iota + 1
	Disconnected
)

func (k EventKind) String() string {
	switch k {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	default:
		return fmt.Sprintf("EventKind(%d)", int(k))
	}
}

// Event is one change of the connection's state. Err says why a
// connection was lost; it is nil for Connected.
type Event struct {
	Kind EventKind
	Err  error
}

// conn is one live connection; it is replaced whole on reconnect.
type conn struct {
	rpc  *rpc.Client
	eth  *ethclient.Client
	live *rpc.ClientSubscription // newHeads; its Err fires when the socket dies
}

// close closes the socket without a round trip: the live subscription
// then ends with a nil error.
func (c *conn) close() {
	c.rpc.Close()
}

// Client is the chain client. Build it with New; the zero value is not
// usable.
type Client struct {
	lifecycle.Base
	cfg      Config
	redacted string
	lggr     *slog.Logger

	mu      sync.RWMutex
	cur     *conn
	chainID *big.Int
	lost    chan error // the live subscription's error, forwarded once per conn

	subMu  sync.Mutex
	nextID int
	subs   map[int]chan Event
}

var _ lifecycle.Service = (*Client)(nil)
var _ lifecycle.HealthChecker = (*Client)(nil)

// New returns a client for cfg.URL. It does not connect: call Dial.
func New(cfg Config, lggr *slog.Logger) (*Client, error) {
	if cfg.URL == "" {
		return nil, errors.New("chain client: empty URL")
	}
	cfg = cfg.withDefaults()
	c := &Client{
		cfg:      cfg,
		redacted: RedactURL(cfg.URL),
		lost:     make(chan error, 1),
		subs:     make(map[int]chan Event),
	}
	c.lggr = lggr.With("service", c.Name(), "url", c.redacted)
	return c, nil
}

// Name names the service in logs and /health.
func (c *Client) Name() string { return "ChainClient" }

// URL returns the node URL with secrets hidden, for logs and messages.
func (c *Client) URL() string { return c.redacted }

// Dial connects once and checks the chain ID. A *ChainIDMismatchError or
// an unreachable node is returned as is; the node exits with it.
func (c *Client) Dial(ctx context.Context) error {
	c.mu.RLock()
	already := c.cur != nil
	c.mu.RUnlock()
	if already {
		return nil
	}
	if err := c.connect(ctx); err != nil {
		return fmt.Errorf("dialing %s: %w", c.redacted, err)
	}
	return nil
}

// Start watches the connection and reconnects after a drop; if Dial was
// not called or failed, it starts connecting in the background. It never
// blocks on the network.
func (c *Client) Start(_ context.Context) error {
	return c.StartOnce(func() error {
		c.Go(c.run)
		return nil
	})
}

// Close stops reconnecting and closes the connection. Safe before Start.
func (c *Client) Close() error {
	return c.CloseOnce(func() error {
		c.mu.Lock()
		cur := c.cur
		c.cur = nil
		c.mu.Unlock()
		if cur != nil {
			cur.close()
		}
		return nil
	})
}

// Connected reports whether the client has a live connection.
func (c *Client) Connected() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.cur != nil
}

// Healthy is nil while connected.
func (c *Client) Healthy() error {
	if !c.Connected() {
		return fmt.Errorf("not connected to %s", c.redacted)
	}
	return nil
}

// Subscribe returns a channel of connection events and a function that
// ends the subscription. The channel is buffered; when a reader falls
// far behind, the oldest undelivered event is dropped so the newest state
// always arrives. Check Connected for the state at subscription time.
func (c *Client) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 8)
	c.subMu.Lock()
	id := c.nextID
	c.nextID++
	c.subs[id] = ch
	c.subMu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			c.subMu.Lock()
			delete(c.subs, id)
			c.subMu.Unlock()
		})
	}
}

func (c *Client) publish(ev Event) {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	for _, ch := range c.subs {
		for {
			select {
			case ch <- ev:
			default:
				select {
				case <-ch: // drop the oldest, retry
				default:
				}
				continue
			}
			break
		}
	}
}

// connect dials, checks the chain ID, opens the liveness subscription and
// installs the new connection.
func (c *Client) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	rc, err := rpc.DialContext(ctx, c.cfg.URL)
	if err != nil {
		return err
	}
	nc := &conn{rpc: rc, eth: ethclient.NewClient(rc)}
	id, err := nc.eth.ChainID(ctx)
	if err != nil {
		nc.close()
		return fmt.Errorf("reading chain ID: %w", err)
	}
	if c.cfg.ChainID != nil && id.Cmp(c.cfg.ChainID) != 0 {
		nc.close()
		return &ChainIDMismatchError{URL: c.redacted, Want: new(big.Int).Set(c.cfg.ChainID), Got: id}
	}
	heads := make(chan *types.Header, 16)
	sub, err := rc.EthSubscribe(ctx, heads, "newHeads")
	if err != nil {
		nc.close()
		return fmt.Errorf("subscribing to new heads: %w", err)
	}
	nc.live = sub
	// Drain the liveness heads; forward the subscription's end.
	go func() {
		for {
			select {
			case <-heads:
			case err := <-sub.Err():
				if err == nil {
					return // closed by us
				}
				c.mu.RLock()
				mine := c.cur == nc
				c.mu.RUnlock()
				if mine {
					select {
					case c.lost <- err:
					default:
					}
				}
				return
			}
		}
	}()

	c.mu.Lock()
	if c.isClosed() {
		c.mu.Unlock()
		nc.close()
		return lifecycle.ErrClosed
	}
	c.cur = nc
	c.chainID = id
	c.mu.Unlock()
	c.lggr.Info("connected to ethereum node", "chain_id", id.String())
	c.publish(Event{Kind: Connected})
	return nil
}

func (c *Client) isClosed() bool {
	select {
	case <-c.Stopped():
		return true
	default:
		return false
	}
}

// disconnect drops the current connection and tells subscribers why.
func (c *Client) disconnect(cause error) {
	c.mu.Lock()
	cur := c.cur
	c.cur = nil
	c.mu.Unlock()
	if cur == nil {
		return
	}
	cur.close()
	c.lggr.Warn("lost connection to ethereum node", "err", cause)
	c.publish(Event{Kind: Disconnected, Err: cause})
}

// run is the watch-and-reconnect loop.
func (c *Client) run(ctx context.Context) {
	attempt := 0
	for {
		if c.Connected() {
			attempt = 0
			select {
			case <-ctx.Done():
				return
			case err := <-c.lost:
				c.disconnect(err)
			}
			continue
		}
		wait := c.backoff(attempt)
		attempt++
		c.lggr.Info("reconnecting to ethereum node", "attempt", attempt, "wait", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if err := c.connect(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			c.lggr.Warn("reconnection attempt failed", "attempt", attempt, "err", err)
		}
	}
}

// backoff returns min*2^attempt capped at max, with ±20% jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.ReconnectMinBackoff
	for i := 0; i < attempt && d < c.cfg.ReconnectMaxBackoff; i++ {
		d *= 2
	}
	if d > c.cfg.ReconnectMaxBackoff {
		d = c.cfg.ReconnectMaxBackoff
	}
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(d))
	return d + jitter
}

// conn returns the live connection or ErrNotConnected.
func (c *Client) conn() (*conn, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.cur == nil {
		return nil, ErrNotConnected
	}
	return c.cur, nil
}

// callCtx applies CallTimeout to ctx.
func (c *Client) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.cfg.CallTimeout)
}
