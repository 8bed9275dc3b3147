package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/urfave/cli/v2"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
)

// anvilAccount0Key is anvil's first default account's publicly known test
// key: the default deployer for test chains only.
const anvilAccount0Key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

func devCommand() *cli.Command {
	return &cli.Command{
		Name:  "dev",
		Usage: "helpers for development and test chains",
		Description: `Example:
   pythia dev deploy --url ws://127.0.0.1:8545 --node 0xYourNodeAddress`,
		Subcommands: []*cli.Command{
			{
				Name:  "deploy",
				Usage: "deploy LINK, the Oracle and the example consumer onto a test chain and print their addresses",
				Description: `Deploys with anvil's first test account unless --key is given, authorizes each --node on the
Oracle, funds the consumer with LINK, and prints the addresses as shell variables.
Never use the default key on a chain with real funds: it is public.

Example:
   eval "$(pythia dev deploy --url ws://127.0.0.1:8545 --node 0x71DdbC3AE596e0266aeE422D5fF1EBB9c95eb9EC)"`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "url", Usage: "WebSocket `URL` of the chain", Required: true},
					&cli.StringFlag{Name: "key", Usage: "deployer's private key in `HEX` (default: anvil's account 0)", Value: anvilAccount0Key, DefaultText: "anvil account 0"},
					&cli.StringSliceFlag{Name: "node", Usage: "an oracle node `ADDRESS` to authorize on the Oracle (repeatable)"},
					&cli.DurationFlag{Name: "timeout", Usage: "how long to wait for the deployments", Value: time.Minute},
				},
				Action: devDeploy,
			},
			devRequestCommand(),
		},
	}
}

func devDeploy(c *cli.Context) error {
	key, err := crypto.HexToECDSA(strings.TrimPrefix(c.String("key"), "0x"))
	if err != nil {
		return exitf("--key is not a private key in hex: %v", err)
	}
	var nodes []common.Address
	for _, s := range c.StringSlice("node") {
		if !common.IsHexAddress(s) {
			return exitf("--node %q is not a 20-byte hex address", s)
		}
		nodes = append(nodes, common.HexToAddress(s))
	}
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	client, err := ethclient.DialContext(ctx, c.String("url"))
	if err != nil {
		return exitf("connecting to %s: %v", c.String("url"), err)
	}
	defer client.Close()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return exitf("reading the chain ID: %v", err)
	}
	addrs, err := stack.Deploy(ctx, client, bind.NewKeyedTransactor(key, chainID), nodes)
	if err != nil {
		return exitf("deploying: %v", err)
	}
	fmt.Fprintf(c.App.Writer, "LINK_CONTRACT_ADDRESS=%s\nORACLE_CONTRACT_ADDRESS=%s\nCONSUMER_CONTRACT_ADDRESS=%s\n",
		addrs.LinkToken.Hex(), addrs.Oracle.Hex(), addrs.Consumer.Hex())
	return nil
}
