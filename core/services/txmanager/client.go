package txmanager

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Client is what the TxManager needs of a chain connection. go-ethereum's
// *ethclient.Client, the simulated backend's Client and the node's chain
// client satisfy it.
type Client interface {
	ChainID(ctx context.Context) (*big.Int, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
}

// Keys is what the TxManager needs of the key store; *keystore.KeyStore
// satisfies it.
type Keys interface {
	SignTx(addr common.Address, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error)
	Addresses() []common.Address
	HasAddress(addr common.Address) bool
}

// BatchClient is a Client that can send several JSON-RPC calls in one
// request; the node's *chain.Client is one. The TxManager uses it, when its Client is one, to fetch a head's
// receipts in one round trip; otherwise it makes one call per receipt.
type BatchClient interface {
	Client
	BatchCallContext(ctx context.Context, batch []rpc.BatchElem) error
}

// connectionReporter is a Client that knows whether it is connected now;
// the node's *chain.Client is one. CreateTx refuses to create a
// transaction it could not send while it is not.
type connectionReporter interface {
	Connected() bool
}
