package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// Version and Commit are set at build time with
// -ldflags "-X github.com/pythia-oracle/pythia/core/cmd.Version=v1.2.3 -X ...Commit=abc".
var (
	Version = "dev"
	Commit  = ""
)

func commit() string {
	if Commit != "" {
		return Commit
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// Run runs the CLI with args (os.Args) and returns the process exit code.
// Only main exits.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := NewApp(stdin, stdout, stderr)
	if err := app.Run(args); err != nil {
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			if msg := ec.Error(); msg != "" {
				fmt.Fprintln(stderr, msg)
			}
			return ec.ExitCode()
		}
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}

// NewApp builds the pythia command tree.
func NewApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "pythia %s (commit %s)\n", Version, commit())
	}
	return &cli.App{
		Name:    "pythia",
		Usage:   "an Ethereum oracle node that answers smart contracts' requests for off-chain data",
		Version: Version,
		Description: `Pythia watches an Ethereum chain for oracle requests, runs the matching job and answers on chain.
It reads its configuration from environment variables (see README.md); only "node start" needs a chain.

Example:
   pythia node start --dev                       # a local node with its own dev chain, no set-up
   pythia node start --password ./keystore.pwd   # against ETH_URL, keys unlocked with the password in the file`,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: false,
		ExitErrHandler:  func(*cli.Context, error) {}, // Run prints and maps exit codes
		Commands: append([]*cli.Command{
			nodeCommand(),
			devCommand(),
		}, clientCommands()...),
	}
}

func exitf(format string, args ...any) error {
	return cli.Exit(fmt.Sprintf(format, args...), 1)
}

// stdinIsTerminal reports whether a person can answer prompts. /dev/null is
// a character device too, so the mode bits are not enough.
func stdinIsTerminal() bool { return term.IsTerminal(int(os.Stdin.Fd())) }
