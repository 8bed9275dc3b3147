package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pythia-oracle/pythia/core/internal/exepages"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/logging"
	"github.com/pythia-oracle/pythia/core/secretbox"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func nodeCommand() *cli.Command {
	return &cli.Command{
		Name:  "node",
		Usage: "run the node or inspect its configuration",
		Description: `Examples:
   pythia node start --dev
   pythia node config`,
		Subcommands: []*cli.Command{
			{
				Name:  "start",
				Usage: "run the node until SIGINT or SIGTERM",
				Description: `Opens the database, unlocks the keys, connects to ETH_URL and serves the API on CHAINLINK_PORT.
On the first start it creates one Ethereum key and the API user.

Examples:
   pythia node start --dev
   ETH_URL=wss://node.example/ws ETH_CHAIN_ID=11155111 pythia node start --password ./keystore.pwd --api ./api.txt`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "`FILE` holding the keystore password on its first line"},
					&cli.StringFlag{Name: "api", Aliases: []string{"a"}, Usage: "`FILE` holding the API user's email and password on two lines (first start only)"},
					&cli.BoolFlag{Name: "dev", Usage: "development mode: generated passwords in ROOT and, without ETH_URL, an in-process dev chain"},
				},
				Action: func(c *cli.Context) error { return runNode(c) },
			},
			{
				Name:  "config",
				Usage: "print the effective configuration, secrets redacted",
				Description: `Reads the same environment variables as "node start" and prints each value and where it came from.

Example:
   CHAINLINK_PORT=7000 pythia node config`,
				Action: func(c *cli.Context) error {
					cfg, err := LoadConfig(nil)
					if err != nil {
						return cli.Exit(err.Error(), 1)
					}
					return cfg.Print(c.App.Writer)
				},
			},
		},
	}
}

// nodeOptions are node start's flags.
type nodeOptions struct {
	passwordFile string
	apiFile      string
	dev          bool
}

func runNode(c *cli.Context) error {
	cfg, err := LoadConfig(nil)
	if err != nil {
		return cli.Exit(err.Error(), 1)
	}
	opts := nodeOptions{passwordFile: c.String("password"), apiFile: c.String("api"), dev: c.Bool("dev")}
	lggr := logging.New(c.App.ErrWriter, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	n := &node{cfg: cfg, opts: opts, lggr: lggr, stdin: c.App.Reader, stdout: c.App.Writer}
	if err := n.run(ctx); err != nil {
		if ctx.Err() != nil {
			// A signal during start-up: what failed was only cut short.
			lggr.Info("stopped during start-up", "reason", err)
			return nil
		}
		return cli.Exit(err.Error(), 1)
	}
	return nil
}

// node is one run of `node start`: what it opened, so it can close it.
type node struct {
	cfg    *Config
	opts   nodeOptions
	lggr   *slog.Logger
	stdin  io.Reader
	stdout io.Writer
}

func (n *node) run(ctx context.Context) error {
	cfg, lggr := n.cfg, n.lggr
	// Before start-up touches most of the binary: see exepages.
	if res, err := exepages.MapSmall(); err != nil {
		lggr.Warn("could not map the executable in small pages; RSS counts more of it", "err", err)
	} else {
		lggr.Debug("executable mapped in small pages", "ranges", res.Ranges, "bytes", res.Bytes)
	}
	if n.opts.dev {
		lggr.Warn("DEVELOPMENT MODE: passwords are generated and kept in plain text in ROOT; never use --dev with real funds", "root", cfg.RootDir)
		// Dev defaults, where the operator did not choose: plain-HTTP
		// cookies on localhost and answers after one block, not twelve.
		if !n.envSet("SECURE_COOKIES") {
			cfg.SecureCookies = false
		}
		if !n.envSet("MIN_INCOMING_CONFIRMATIONS") {
			cfg.MinIncomingConfirmations = 0
		}
		if !n.envSet("MIN_OUTGOING_CONFIRMATIONS") {
			cfg.MinOutgoingConfirmations = 1
		}
	}
	if cfg.EthURL == "" && !n.opts.dev {
		return errors.New("ETH_URL is not set: point it at an Ethereum node's WebSocket endpoint (ws:// or wss://), or run `pythia node start --dev` for a local dev chain")
	}
	if err := os.MkdirAll(cfg.RootDir, 0o700); err != nil {
		return fmt.Errorf("creating ROOT %s: %w", cfg.RootDir, err)
	}

	pw, ksCfg, err := n.keystorePassword()
	if err != nil {
		return err
	}
	// Outgoing tokens are sealed under the keystore password: a copy of the
	// database alone reveals neither keys nor tokens.
	box, err := secretbox.New(pw)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, RootDir: cfg.RootDir, Secrets: box}, lggr)
	if err != nil {
		return fmt.Errorf("opening the database: %w", err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			lggr.Error("closing the database", "err", err)
		}
	}()
	where := store.RedactURL(cfg.DatabaseURL)
	if where == "" {
		where = filepath.Join(cfg.RootDir, store.SQLiteFileName)
	}
	lggr.Info("database ready", "dialect", st.Dialect(), "at", where)

	ks, err := n.unlockKeys(ctx, st, pw, ksCfg)
	if err != nil {
		return err
	}
	if err := n.ensureAPIUser(ctx, st); err != nil {
		return err
	}
	// Unlocking ran scrypt (256 MiB per key at the standard cost) and
	// bcrypt; hand that memory back now rather than carry it for the
	// node's whole life.
	debug.FreeOSMemory()

	ethURL := cfg.EthURL
	dc, err := n.startDevChain(ctx, ks)
	if err != nil {
		return err
	}
	if dc != nil {
		// Closed last, after every service that talks to it.
		defer dc.Close()
		ethURL = dc.URL()
		if err := n.resetDevChainState(ctx, st); err != nil {
			return err
		}
	}
	cs, err := n.newChainServices(ctx, ethURL, st)
	if err != nil {
		return err
	}
	ns, err := n.buildServices(ctx, st, ks, cs)
	if err != nil {
		return err
	}
	if dc != nil {
		// Before the services start: the subscriber loads it with the others.
		if err := n.ensureDevJob(ctx, st, dc); err != nil {
			return err
		}
	}
	app := ns.app
	if err := app.Start(ctx); err != nil {
		return err
	}
	lggr.Info("node started", "port", cfg.Port, "keys", len(ks.Addresses()))
	<-ctx.Done()
	lggr.Info("stopping: signal received")
	closeErr := app.Close()
	if closeErr != nil {
		lggr.Error("stopping services", "err", closeErr)
	}
	lggr.Info("node stopped")
	return nil
}

// envSet reports whether the operator set a variable (rather than taking
// its default).
func (n *node) envSet(name string) bool {
	for _, s := range n.cfg.Settings() {
		if s.Name == name {
			return s.FromEnv
		}
	}
	return false
}

// keystorePassword returns the keystore password, from --password, the
// dev password file, or a terminal prompt, in that order, and the scrypt
// cost of keys created with it.
func (n *node) keystorePassword() (string, keystore.Config, error) {
	switch {
	case n.opts.passwordFile != "":
		pw, err := readPasswordFile(n.opts.passwordFile)
		return pw, keystore.Config{}, err
	case n.opts.dev:
		pw, created, err := devKeystorePassword(n.cfg.RootDir)
		if err != nil {
			return "", keystore.Config{}, err
		}
		if created {
			n.lggr.Warn("dev keystore password generated", "file", filepath.Join(n.cfg.RootDir, devPasswordFile))
		}
		return pw, keystore.LightConfig(), nil
	case stdinIsTerminal():
		pw, err := prompter{in: os.Stdin, out: n.stdout}.secret("Keystore password: ")
		return pw, keystore.Config{}, err
	}
	return "", keystore.Config{}, errors.New("no keystore password: pass --password FILE (the password on its first line), or run in a terminal to be prompted")
}

// unlockKeys unlocks the keystore, creating the first key on the first
// start.
func (n *node) unlockKeys(ctx context.Context, st *store.Store, pw string, ksCfg keystore.Config) (*keystore.KeyStore, error) {
	ks := keystore.New(st, ksCfg, n.lggr)
	if err := ks.Unlock(ctx, pw); err != nil {
		if errors.Is(err, keystore.ErrWrongPassword) {
			return nil, errors.New("wrong keystore password: it does not decrypt the node's keys; start with the password the keys were created with (--password FILE)")
		}
		return nil, fmt.Errorf("unlocking keys: %w", err)
	}
	for _, a := range ks.Addresses() {
		n.lggr.Info("key unlocked", "address", a.Hex())
	}
	return ks, nil
}

// ensureAPIUser creates the operator's API user on the first start.
func (n *node) ensureAPIUser(ctx context.Context, st *store.Store) error {
	count, err := st.CountUsers(ctx)
	if err != nil {
		return fmt.Errorf("looking up the API user: %w", err)
	}
	if count > 0 {
		return nil
	}
	var email, password string
	printed := false
	switch {
	case n.opts.apiFile != "":
		if email, password, err = readAPIFile(n.opts.apiFile); err != nil {
			return err
		}
	case n.opts.dev:
		email = devAPIEmail
		if password, err = randomSecret(18); err != nil {
			return err
		}
		path := filepath.Join(n.cfg.RootDir, devCredentialsFile)
		if err := os.WriteFile(path, []byte(email+"\n"+password+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing dev API credentials: %w", err)
		}
		printed = true
	case stdinIsTerminal():
		p := prompter{in: os.Stdin, out: n.stdout}
		if email, err = p.line("API user email: "); err != nil {
			return err
		}
		if password, err = p.newSecret("API user password: "); err != nil {
			return err
		}
	default:
		return errors.New("no API user yet: pass --api FILE (email and password on two lines), or run in a terminal to be prompted")
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		return fmt.Errorf("API user password: %w", err)
	}
	if err := st.CreateUser(ctx, &models.User{Email: email, HashedPassword: hash}); err != nil {
		return fmt.Errorf("creating the API user: %w", err)
	}
	n.lggr.Info("API user created", "email", email)
	if printed {
		// Printed to stdout, never to the log: log files are shipped and kept.
		fmt.Fprintf(n.stdout, "\nDev API user (shown once; also in %s):\n  email:    %s\n  password: %s\n\n",
			filepath.Join(n.cfg.RootDir, devCredentialsFile), email, password)
	}
	return nil
}

// storeHealth reports whether the database answers.
type storeHealth struct{ st *store.Store }

func (storeHealth) Name() string { return "database" }
func (h storeHealth) Healthy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return h.st.Ping(ctx)
}
