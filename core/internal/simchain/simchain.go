package simchain

import (
	"fmt"
	"math/big"
	"net"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
)

// ChainID is the simulated chain's fixed chain ID.
var ChainID = big.NewInt(1337)

// Option configures the simulated node and its chain.
type Option = func(*node.Config, *ethconfig.Config)

// New returns a simulated chain whose genesis funds alloc. Forks after
// Osaka (Bogota, Amsterdam) are turned off: their state-gas pricing makes a
// small storing transaction cost about three times what it costs on
// mainnet or anvil, which would make gas figures meaningless.
func New(alloc types.GenesisAlloc, opts ...Option) *simulated.Backend {
	all := append([]Option{mainnetLikeGas}, opts...)
	return simulated.NewBackend(alloc, all...)
}

func mainnetLikeGas(_ *node.Config, ec *ethconfig.Config) {
	if ec.Genesis == nil || ec.Genesis.Config == nil {
		return
	}
	c := *ec.Genesis.Config
	c.BogotaTime = nil
	c.AmsterdamTime = nil
	ec.Genesis.Config = &c
}

// WithRPC serves the chain's eth, net and web3 APIs over HTTP and
// WebSocket on 127.0.0.1:port (both on the same port).
func WithRPC(port int) Option {
	return func(nc *node.Config, _ *ethconfig.Config) {
		mods := []string{"eth", "net", "web3"}
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules, nc.HTTPVirtualHosts = "127.0.0.1", port, mods, []string{"*"}
		nc.WSHost, nc.WSPort, nc.WSModules, nc.WSOrigins = "127.0.0.1", port, mods, []string{"*"}
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Ether returns n ether in wei.
func Ether(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether))
}
