package cmd

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
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
Oracle and sends it --fund ETH for gas, funds the consumer with LINK, and prints the addresses as shell
variables.
Never use the default key on a chain with real funds: it is public.

Example:
   eval "$(pythia dev deploy --url ws://127.0.0.1:8545 --node 0x71DdbC3AE596e0266aeE422D5fF1EBB9c95eb9EC)"`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "url", Usage: "WebSocket `URL` of the chain", Required: true},
					&cli.StringFlag{Name: "key", Usage: "deployer's private key in `HEX` (default: anvil's account 0)", Value: anvilAccount0Key, DefaultText: "anvil account 0"},
					&cli.StringSliceFlag{Name: "node", Usage: "an oracle node `ADDRESS` to authorize on the Oracle (repeatable)"},
					&cli.StringFlag{Name: "fund", Usage: "`WEI` of ETH sent to each --node for gas", Value: "10000000000000000000"},
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
	fund, ok := new(big.Int).SetString(c.String("fund"), 10)
	if !ok || fund.Sign() < 0 {
		return exitf("--fund %q is not a whole number of wei", c.String("fund"))
	}
	deployer := bind.NewKeyedTransactor(key, chainID)
	addrs, err := stack.Deploy(ctx, client, deployer, nodes)
	if err != nil {
		return exitf("deploying: %v", err)
	}
	if fund.Sign() > 0 {
		for _, node := range nodes {
			if err := sendETH(ctx, client, key, chainID, node, fund); err != nil {
				return exitf("funding %s: %v", node.Hex(), err)
			}
		}
	}
	fmt.Fprintf(c.App.Writer, "LINK_CONTRACT_ADDRESS=%s\nORACLE_CONTRACT_ADDRESS=%s\nCONSUMER_CONTRACT_ADDRESS=%s\n",
		addrs.LinkToken.Hex(), addrs.Oracle.Hex(), addrs.Consumer.Hex())
	return nil
}

// sendETH sends value wei from key to to and waits for it to be mined.
func sendETH(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, chainID *big.Int, to common.Address, value *big.Int) error {
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		return err
	}
	price, err := client.SuggestGasPrice(ctx)
	if err != nil {
		return err
	}
	tx, err := types.SignTx(types.NewTx(&types.LegacyTx{Nonce: nonce, To: &to, Value: value, Gas: 21000, GasPrice: price}),
		types.LatestSignerForChainID(chainID), key)
	if err != nil {
		return err
	}
	if err := client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	_, err = stack.WaitMined(ctx, client, tx.Hash())
	return err
}
