package chain

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Compile-time guards: bindings and deploy helpers work through Client.
var (
	_ bind.ContractBackend = (*Client)(nil)
	_ bind.DeployBackend   = (*Client)(nil)
)

// ChainID asks the node for its chain ID.
func (c *Client) ChainID(ctx context.Context) (*big.Int, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.ChainID(ctx)
}

// BlockNumber returns the number of the node's latest block.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) {
	cn, err := c.conn()
	if err != nil {
		return 0, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.BlockNumber(ctx)
}

// HeaderByNumber returns the canonical header at number, or the latest
// when number is nil.
func (c *Client) HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.HeaderByNumber(ctx, number)
}

// HeaderByHash returns the header with the given hash.
func (c *Client) HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.HeaderByHash(ctx, hash)
}

// SubscribeNewHead subscribes to new canonical heads. CallTimeout bounds
// only the subscribe call; the subscription ends (Err fires) when the
// connection drops.
func (c *Client) SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.SubscribeNewHead(ctx, ch)
}

// FilterLogs returns the logs matching q.
func (c *Client) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.FilterLogs(ctx, q)
}

// SubscribeFilterLogs subscribes to new logs matching q. CallTimeout
// bounds only the subscribe call.
func (c *Client) SubscribeFilterLogs(ctx context.Context, q ethereum.FilterQuery, ch chan<- types.Log) (ethereum.Subscription, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.SubscribeFilterLogs(ctx, q, ch)
}

// SendTransaction broadcasts a signed transaction.
func (c *Client) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	cn, err := c.conn()
	if err != nil {
		return err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.SendTransaction(ctx, tx)
}

// TransactionReceipt returns a mined transaction's receipt, or
// ethereum.NotFound.
func (c *Client) TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.TransactionReceipt(ctx, hash)
}

// TransactionByHash returns a transaction and whether it is still pending.
func (c *Client) TransactionByHash(ctx context.Context, hash common.Hash) (*types.Transaction, bool, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, false, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.TransactionByHash(ctx, hash)
}

// NonceAt returns the account's nonce at a block (nil: latest).
func (c *Client) NonceAt(ctx context.Context, account common.Address, block *big.Int) (uint64, error) {
	cn, err := c.conn()
	if err != nil {
		return 0, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.NonceAt(ctx, account, block)
}

// PendingNonceAt returns the account's nonce including pending transactions.
func (c *Client) PendingNonceAt(ctx context.Context, account common.Address) (uint64, error) {
	cn, err := c.conn()
	if err != nil {
		return 0, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.PendingNonceAt(ctx, account)
}

// BalanceAt returns the account's balance in wei at a block (nil: latest).
func (c *Client) BalanceAt(ctx context.Context, account common.Address, block *big.Int) (*big.Int, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.BalanceAt(ctx, account, block)
}

// CallContract runs a read-only call at a block (nil: latest).
func (c *Client) CallContract(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.CallContract(ctx, msg, block)
}

// EstimateGas estimates the gas msg needs.
func (c *Client) EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error) {
	cn, err := c.conn()
	if err != nil {
		return 0, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.EstimateGas(ctx, msg)
}

// SuggestGasPrice returns the node's legacy gas price suggestion.
func (c *Client) SuggestGasPrice(ctx context.Context) (*big.Int, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.SuggestGasPrice(ctx)
}

// SuggestGasTipCap returns the node's EIP-1559 tip suggestion.
func (c *Client) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.SuggestGasTipCap(ctx)
}

// CodeAt returns the contract code at an address and block (nil: latest).
func (c *Client) CodeAt(ctx context.Context, account common.Address, block *big.Int) ([]byte, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.CodeAt(ctx, account, block)
}

// PendingCodeAt returns the contract code at an address in the pending state.
func (c *Client) PendingCodeAt(ctx context.Context, account common.Address) ([]byte, error) {
	cn, err := c.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.eth.PendingCodeAt(ctx, account)
}

// CallContext makes a raw JSON-RPC call, for methods ethclient lacks
// (evm_mine, anvil_*, debug_*).
func (c *Client) CallContext(ctx context.Context, result any, method string, args ...any) error {
	cn, err := c.conn()
	if err != nil {
		return err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.rpc.CallContext(ctx, result, method, args...)
}

// BatchCallContext sends several raw JSON-RPC calls in one request; each
// element's Error holds its own failure.
func (c *Client) BatchCallContext(ctx context.Context, batch []rpc.BatchElem) error {
	cn, err := c.conn()
	if err != nil {
		return err
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	return cn.rpc.BatchCallContext(ctx, batch)
}
