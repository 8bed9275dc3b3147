// Command pythia is the Pythia oracle node and its command-line client.
package main

import (
	"os"

	"github.com/pythia-oracle/pythia/core/cmd"
)

func main() {
	os.Exit(cmd.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
