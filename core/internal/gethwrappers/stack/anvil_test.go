package stack_test

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

// anvilKey is the private key of anvil's first default account, funded by
// every anvil started with the standard test mnemonic.
const anvilKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

// TestStackOnAnvil runs a request and its fulfilment on anvil with
// automine, where the package polls for receipts instead of committing.
// It runs when PYTHIA_ANVIL names the anvil binary
// (npm install @foundry-rs/anvil-linux-amd64@1.7.1 provides one).
func TestStackOnAnvil(t *testing.T) {
	bin := os.Getenv("PYTHIA_ANVIL")
	if bin == "" {
		t.Skip("set PYTHIA_ANVIL to an anvil binary to run this test")
	}
	port, err := simchain.FreePort()
	require.NoError(t, err)
	cmd := exec.Command(bin, "--host", "127.0.0.1", "--port", strconv.Itoa(port), "--quiet")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var client *ethclient.Client
	require.Eventually(t, func() bool {
		client, err = ethclient.DialContext(ctx, "ws://127.0.0.1:"+strconv.Itoa(port))
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "anvil did not accept a connection")
	t.Cleanup(client.Close)
	chainID, err := client.ChainID(ctx)
	require.NoError(t, err)

	key, err := crypto.HexToECDSA(anvilKey)
	require.NoError(t, err)
	owner := bind.NewKeyedTransactor(key, chainID)
	addrs, err := stack.Deploy(ctx, client, owner, []common.Address{owner.From})
	require.NoError(t, err)

	req, err := stack.RequestPrice(ctx, client, owner, addrs.Consumer, stack.PriceRequest{
		SpecID: specID, URL: "https://example.com", Path: "price", Times: big.NewInt(100), Payment: stack.Link(1),
	})
	require.NoError(t, err)
	receipt, err := stack.Fulfill(ctx, client, owner, addrs.Oracle, req, common.BigToHash(big.NewInt(42)))
	require.NoError(t, err)
	t.Logf("fulfilment used %d gas on anvil", receipt.GasUsed)

	n, err := stack.FulfilmentCount(ctx, client, addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), n)
	price, err := stack.CurrentPrice(ctx, client, addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, "42", price.String())
}
