package devchain

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

// Config describes the dev chain. Zero fields take the defaults.
type Config struct {
	// Port is the WebSocket (and HTTP) port on 127.0.0.1 (default 8546).
	Port int
	// BlockTime is how often a block is mined (default 1s).
	BlockTime time.Duration
	// Fund are the node's key addresses: funded with ETH and LINK and
	// authorized to fulfil requests on the Oracle.
	Fund []common.Address
	// RootDir, when set, receives devchain.json with the addresses.
	RootDir string
}

// Defaults and amounts.
const (
	DefaultPort      = 8546
	DefaultBlockTime = time.Second
	// FileName is the file written into RootDir.
	FileName = "devchain.json"
)

var (
	// FundETH is the ETH each Fund address starts with.
	FundETH = simchain.Ether(100)
	// FundLINK is the LINK (smallest unit) sent to each Fund address.
	FundLINK = stack.Link(1000)
	// deployerSeed makes the deployer key, and so the contract addresses,
	// the same on every start. Development only: the key is public.
	deployerSeed = []byte("pythia devchain deployer")
)

// Info is what devchain.json holds.
type Info struct {
	URL       string           `json:"url"`
	ChainID   int64            `json:"chainId"`
	Deployer  common.Address   `json:"deployer"`
	LinkToken common.Address   `json:"linkToken"`
	Oracle    common.Address   `json:"oracle"`
	Consumer  common.Address   `json:"consumer"`
	Funded    []common.Address `json:"funded"`
}

// DevChain is a running dev chain. Close it when done.
type DevChain struct {
	backend  *simulated.Backend
	url      string
	addrs    stack.Addresses
	deployer *ecdsa.PrivateKey
	funded   []common.Address
	lggr     *slog.Logger

	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// DeployerKey returns the fixed, public development key that deployed the
// contracts and holds the remaining ETH and LINK. Never use it elsewhere.
func DeployerKey() *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256(deployerSeed))
	if err != nil {
		panic(fmt.Sprintf("devchain: deployer key: %v", err)) // a constant seed: cannot fail
	}
	return k
}

// Start makes a new chain, serves it, deploys and funds the contracts,
// writes RootDir/devchain.json and starts mining. It returns once the
// chain is ready.
func Start(ctx context.Context, cfg Config, lggr *slog.Logger) (*DevChain, error) {
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("dev chain: port %d out of range", cfg.Port)
	}
	if cfg.BlockTime <= 0 {
		cfg.BlockTime = DefaultBlockTime
	}
	lggr = lggr.With("service", "DevChain")
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	// The simulated node panics when its port is taken: check first.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dev chain: port %d is not free: %w", cfg.Port, err)
	}
	_ = l.Close()

	key := DeployerKey()
	deployer := crypto.PubkeyToAddress(key.PublicKey)
	alloc := types.GenesisAlloc{deployer: {Balance: simchain.Ether(1_000_000)}}
	for _, a := range cfg.Fund {
		alloc[a] = types.Account{Balance: new(big.Int).Set(FundETH)}
	}
	backend, err := newBackend(alloc, cfg.Port)
	if err != nil {
		return nil, err
	}
	d := &DevChain{
		backend:  backend,
		url:      "ws://" + addr,
		deployer: key,
		funded:   append([]common.Address{}, cfg.Fund...),
		lggr:     lggr,
		stop:     make(chan struct{}),
	}
	if err := d.deploy(ctx, cfg.Fund); err != nil {
		_ = backend.Close()
		return nil, err
	}
	info := d.Info()
	lggr.Info("dev chain ready", "url", d.url, "chain_id", info.ChainID, "deployer", deployer.Hex(),
		"link_token", info.LinkToken.Hex(), "oracle", info.Oracle.Hex(), "consumer", info.Consumer.Hex(),
		"funded", len(cfg.Fund), "block_time", cfg.BlockTime.String())
	if cfg.RootDir != "" {
		if err := writeInfo(cfg.RootDir, info); err != nil {
			_ = backend.Close()
			return nil, err
		}
	}
	d.wg.Add(1)
	go d.mine(cfg.BlockTime)
	return d, nil
}

// newBackend starts the simulated chain, turning its panic on a failed
// node start into an error.
func newBackend(alloc types.GenesisAlloc, port int) (b *simulated.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dev chain: starting the simulated chain: %v", r)
		}
	}()
	return simchain.New(alloc, simchain.WithRPC(port)), nil
}

func (d *DevChain) deploy(ctx context.Context, fund []common.Address) error {
	client := d.backend.Client()
	auth := bind.NewKeyedTransactor(d.deployer, simchain.ChainID)
	auth.Context = ctx
	commit := stack.WithCommit(d.backend.Commit)
	addrs, err := stack.Deploy(ctx, client, auth, fund, commit)
	if err != nil {
		return fmt.Errorf("dev chain: %w", err)
	}
	d.addrs = *addrs
	for _, a := range fund {
		if err := stack.TransferLink(ctx, client, auth, addrs.LinkToken, a, FundLINK, commit); err != nil {
			return fmt.Errorf("dev chain: funding %s with LINK: %w", a.Hex(), err)
		}
	}
	return nil
}

func (d *DevChain) mine(every time.Duration) {
	defer d.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			d.backend.Commit()
		}
	}
}

// URL is the chain's WebSocket endpoint, ws://127.0.0.1:port.
func (d *DevChain) URL() string { return d.url }

// ChainID is the dev chain's chain ID (1337).
func (d *DevChain) ChainID() *big.Int { return new(big.Int).Set(simchain.ChainID) }

// Addresses returns where the contracts are.
func (d *DevChain) Addresses() stack.Addresses { return d.addrs }

// Info returns what devchain.json holds.
func (d *DevChain) Info() Info {
	return Info{
		URL:       d.url,
		ChainID:   simchain.ChainID.Int64(),
		Deployer:  crypto.PubkeyToAddress(d.deployer.PublicKey),
		LinkToken: d.addrs.LinkToken,
		Oracle:    d.addrs.Oracle,
		Consumer:  d.addrs.Consumer,
		Funded:    append([]common.Address{}, d.funded...),
	}
}

// Close stops mining and the chain. It is idempotent.
func (d *DevChain) Close() error {
	d.closeOnce.Do(func() {
		close(d.stop)
		d.wg.Wait()
		d.closeErr = d.backend.Close()
	})
	return d.closeErr
}

func writeInfo(dir string, info Info) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("dev chain: encoding %s: %w", FileName, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("dev chain: creating %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("dev chain: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("dev chain: writing %s: %w", path, err), os.Remove(tmp))
	}
	return nil
}

// ReadInfo reads RootDir/devchain.json.
func ReadInfo(dir string) (*Info, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("reading dev chain info: %w", err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", FileName, err)
	}
	return &info, nil
}
