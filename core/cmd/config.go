package cmd

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/logging"
	"github.com/pythia-oracle/pythia/core/store"
)

// Config is the node's whole configuration, read once from the environment
// by LoadConfig. Services never read it: core/cmd builds each service's own
// config struct from it.
type Config struct {
	RootDir     string
	DatabaseURL string
	LogLevel    slog.Level
	LogFormat   logging.Format

	Port           uint16
	ClientNodeURL  string
	AllowOrigins   []string
	SessionTimeout time.Duration
	SecureCookies  bool

	EthURL             string
	EthChainID         *big.Int // nil: accept the chain the node reports
	LinkContract       *common.Address
	OracleContract     *common.Address
	HeadHistoryDepth   uint64
	BlockBackfillDepth uint64

	MinIncomingConfirmations uint64
	MinOutgoingConfirmations uint64
	MinimumContractPayment   *big.Int

	GasPriceDefault  *big.Int
	MaxGasPriceWei   *big.Int
	GasBumpThreshold uint64
	GasBumpMinAge    time.Duration
	GasBumpWei       *big.Int
	GasBumpPercent   uint64
	GasLimitDefault  uint64

	BridgeResponseURL  string
	DefaultHTTPTimeout time.Duration
	DefaultHTTPLimit   uint64

	DevBlockTime time.Duration
	DevEthPort   uint16 // 0: any free port

	settings []setting
}

// ConfigError lists every bad variable, one per line.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return strings.Join(e.Problems, "\n")
}

func gwei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.GWei)) }

// LoadConfig reads the configuration from lookup (os.LookupEnv when nil).
// Names follow the classic Chainlink node so an operator's env file works
// unchanged. It returns a *ConfigError naming every bad variable at once.
func LoadConfig(lookup func(string) (string, bool)) (*Config, error) {
	r := newEnvReader(lookup)
	c := &Config{}
	c.RootDir = r.path("ROOT", "~/.pythia")
	c.DatabaseURL = r.url("DATABASE_URL", "", store.RedactURL, "postgres", "postgresql")
	level := r.str("LOG_LEVEL", "info")
	if lv, err := logging.ParseLevel(level); err != nil {
		r.bad("LOG_LEVEL", level, "one of debug, info, warn, error")
	} else {
		c.LogLevel = lv
	}
	format := r.str("LOG_FORMAT", "auto")
	switch strings.ToLower(format) {
	case "auto":
		c.LogFormat = logging.FormatAuto
	case "text":
		c.LogFormat = logging.FormatText
	case "json":
		c.LogFormat = logging.FormatJSON
	default:
		r.bad("LOG_FORMAT", format, "one of auto, text, json")
	}

	c.Port = r.port("CHAINLINK_PORT", 6688, false)
	c.ClientNodeURL = r.url("CLIENT_NODE_URL", fmt.Sprintf("http://localhost:%d", c.Port), nil, "http", "https")
	c.AllowOrigins = r.list("ALLOW_ORIGINS", "http://localhost:3000,http://localhost:6688")
	c.SessionTimeout = r.duration("SESSION_TIMEOUT", 15*time.Minute)
	c.SecureCookies = r.bool("SECURE_COOKIES", true)

	c.EthURL = r.url("ETH_URL", "", chain.RedactURL, "ws", "wss")
	if id := r.bigInt("ETH_CHAIN_ID", nil); id != nil {
		if id.Sign() == 0 {
			r.bad("ETH_CHAIN_ID", "0", "a positive chain ID such as 1 (mainnet) or 11155111 (Sepolia)")
		} else {
			c.EthChainID = id
		}
	}
	c.LinkContract = r.address("LINK_CONTRACT_ADDRESS")
	c.OracleContract = r.address("ORACLE_CONTRACT_ADDRESS")
	c.HeadHistoryDepth = r.uint("ETH_HEAD_TRACKER_HISTORY_DEPTH", 100, 100_000)
	c.BlockBackfillDepth = r.uint("BLOCK_BACKFILL_DEPTH", 1000, 100_000)

	c.MinIncomingConfirmations = r.uint("MIN_INCOMING_CONFIRMATIONS", 3, 10_000)
	c.MinOutgoingConfirmations = r.uint("MIN_OUTGOING_CONFIRMATIONS", 12, 10_000)
	c.MinimumContractPayment = r.bigInt("MINIMUM_CONTRACT_PAYMENT", new(big.Int).Exp(big.NewInt(10), big.NewInt(17), nil))

	c.GasPriceDefault = r.bigInt("ETH_GAS_PRICE_DEFAULT", gwei(20))
	c.MaxGasPriceWei = r.bigInt("ETH_MAX_GAS_PRICE_WEI", gwei(1500))
	c.GasBumpThreshold = r.uint("ETH_GAS_BUMP_THRESHOLD", 3, 10_000)
	c.GasBumpMinAge = r.duration("ETH_GAS_BUMP_MIN_AGE", 10*time.Second)
	c.GasBumpWei = r.bigInt("ETH_GAS_BUMP_WEI", gwei(5))
	c.GasBumpPercent = r.uint("ETH_GAS_BUMP_PERCENT", 20, 1000)
	c.GasLimitDefault = r.uint("ETH_GAS_LIMIT_DEFAULT", 500_000, 30_000_000)
	if c.GasPriceDefault != nil && c.MaxGasPriceWei != nil && c.GasPriceDefault.Cmp(c.MaxGasPriceWei) > 0 {
		r.bad("ETH_GAS_PRICE_DEFAULT", c.GasPriceDefault.String(), "at most ETH_MAX_GAS_PRICE_WEI ("+c.MaxGasPriceWei.String()+")")
	}

	c.BridgeResponseURL = r.url("BRIDGE_RESPONSE_URL", fmt.Sprintf("http://localhost:%d", c.Port), nil, "http", "https")
	c.DefaultHTTPTimeout = r.duration("DEFAULT_HTTP_TIMEOUT", 15*time.Second)
	c.DefaultHTTPLimit = r.uint("DEFAULT_HTTP_LIMIT", 32768, 1<<30)

	c.DevBlockTime = r.duration("DEV_BLOCK_TIME", time.Second)
	c.DevEthPort = r.port("DEV_ETH_PORT", 8546, true)

	c.settings = r.settings
	if len(r.errs) > 0 {
		return nil, &ConfigError{Problems: r.errs}
	}
	return c, nil
}

// IsConfigError reports whether err came from a bad variable.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// Settings returns each variable's effective value, secrets redacted, in
// the order they are documented.
func (c *Config) Settings() []setting { return c.settings }

// Print writes the effective configuration as an aligned table.
func (c *Config) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tVALUE\tSOURCE")
	for _, s := range c.settings {
		src := "default"
		if s.FromEnv {
			src = "env"
		}
		v := s.Value
		if v == "" {
			v = "(unset)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, v, src)
	}
	return tw.Flush()
}
