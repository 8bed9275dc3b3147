package stack

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/pythia-oracle/pythia/core/chain"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/consumer"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/linktoken"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
)

// FulfillGasLimit is the gas limit Fulfill uses when the sender sets none.
// The Oracle demands 400,000 gas left before it calls the consumer back,
// so a fulfilment needs about this much although it uses far less.
const FulfillGasLimit = 500_000

// ErrTxFailed is returned (wrapped) when a transaction was mined but
// reverted; the receipt, when returned too, has status 0.
var ErrTxFailed = errors.New("transaction reverted")

// Backend is what the stack needs of a chain client. Both the simulated
// backend's Client and *ethclient.Client satisfy it.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
}

// Addresses are where Deploy put the contracts.
type Addresses struct {
	LinkToken common.Address
	Oracle    common.Address
	Consumer  common.Address
}

type config struct {
	commit  func() common.Hash
	funding *big.Int
}

// Option changes how the package sends and waits.
type Option func(*config)

// WithCommit makes the package call commit after sending transactions, for
// chains that mine only on demand: pass the simulated backend's Commit.
func WithCommit(commit func() common.Hash) Option {
	return func(c *config) { c.commit = commit }
}

// WithConsumerFunding sets how much LINK (in its smallest unit) Deploy sends
// to the consumer; the default is 1000 LINK.
func WithConsumerFunding(amount *big.Int) Option {
	return func(c *config) { c.funding = amount }
}

func newConfig(opts []Option) *config {
	c := &config{funding: Link(1000)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Link returns n LINK in the token's smallest unit (18 decimals).
func Link(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether))
}

// Deploy deploys the LINK token, an Oracle that lets each of nodes fulfil
// requests, and an ExampleConsumer funded with LINK, all from deployer (who
// keeps the rest of the LINK and owns the Oracle and the consumer). It
// returns once every transaction is mined.
func Deploy(ctx context.Context, backend Backend, deployer *bind.TransactOpts, nodes []common.Address, opts ...Option) (*Addresses, error) {
	if deployer == nil {
		return nil, fmt.Errorf("deploying the stack: %w", errNoSender)
	}
	cfg := newConfig(opts)
	if cfg.funding == nil || cfg.funding.Sign() < 0 {
		return nil, errors.New("deploying the stack: consumer funding must be a non-negative amount")
	}
	s, err := newSender(ctx, backend, deployer)
	if err != nil {
		return nil, fmt.Errorf("deploying the stack: %w", err)
	}

	// The three deployments do not depend on each other's code, only on
	// addresses known before mining, so they go out together.
	var addrs Addresses
	var hashes [3]common.Hash
	deploys := []struct {
		name string
		bin  string
		args func() []byte
		addr *common.Address
	}{
		{"LinkToken", linktoken.LinkTokenMetaData.Bin, func() []byte { return nil }, &addrs.LinkToken},
		{"Oracle", oracle.OracleMetaData.Bin, func() []byte { return oracle.NewOracle().PackConstructor(addrs.LinkToken) }, &addrs.Oracle},
		{"ExampleConsumer", consumer.ExampleConsumerMetaData.Bin, func() []byte {
			return consumer.NewExampleConsumer().PackConstructor(addrs.LinkToken, addrs.Oracle)
		}, &addrs.Consumer},
	}
	for i, d := range deploys {
		addr, tx, err := bind.DeployContract(s.opts(), common.FromHex(d.bin), backend, d.args())
		if err != nil {
			return nil, fmt.Errorf("deploying %s: %w", d.name, err)
		}
		s.sent()
		*d.addr, hashes[i] = addr, tx.Hash()
	}
	cfg.mine()
	for i, d := range deploys {
		if _, err := cfg.waitSuccess(ctx, backend, hashes[i]); err != nil {
			return nil, fmt.Errorf("waiting for %s deployment %s: %w", d.name, hashes[i], err)
		}
		if _, err := bind.WaitDeployed(ctx, backend, hashes[i]); err != nil {
			return nil, fmt.Errorf("waiting for %s deployment %s: %w", d.name, hashes[i], err)
		}
	}

	orc := oracle.NewOracle()
	orcInst := orc.Instance(backend, addrs.Oracle)
	var pending []common.Hash
	for _, node := range nodes {
		tx, err := bind.Transact(orcInst, s.opts(), orc.PackSetFulfillmentPermission(node, true))
		if err != nil {
			return nil, fmt.Errorf("authorizing node %s: %w", node, err)
		}
		s.sent()
		pending = append(pending, tx.Hash())
	}
	if cfg.funding.Sign() > 0 {
		link := linktoken.NewLinkToken()
		tx, err := bind.Transact(link.Instance(backend, addrs.LinkToken), s.opts(), link.PackTransfer(addrs.Consumer, cfg.funding))
		if err != nil {
			return nil, fmt.Errorf("funding consumer %s: %w", addrs.Consumer, err)
		}
		s.sent()
		pending = append(pending, tx.Hash())
	}
	cfg.mine()
	for _, h := range pending {
		if _, err := cfg.waitSuccess(ctx, backend, h); err != nil {
			return nil, fmt.Errorf("setting up the stack: %w", err)
		}
	}
	return &addrs, nil
}

// PriceRequest is one ExampleConsumer.requestPrice call.
type PriceRequest struct {
	SpecID  [32]byte // the job to run: its ID as 32 ASCII hex characters
	URL     string   // sent as the "get" parameter
	Path    string   // sent as the "path" parameter
	Times   *big.Int // sent as the "times" parameter (int256)
	Payment *big.Int // LINK paid to the Oracle, in its smallest unit
}

func (r PriceRequest) validate() error {
	if r.Times == nil {
		return errors.New("times is nil")
	}
	if r.Payment == nil || r.Payment.Sign() < 0 {
		return errors.New("payment must be a non-negative amount")
	}
	return nil
}

// SendPriceRequest sends consumerAddr.requestPrice(req) from from and
// returns without waiting for it to be mined.
func SendPriceRequest(ctx context.Context, backend Backend, from *bind.TransactOpts, consumerAddr common.Address, req PriceRequest) (*types.Transaction, error) {
	if err := req.validate(); err != nil {
		return nil, fmt.Errorf("requesting a price: %w", err)
	}
	txOpts, err := withContext(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("requesting a price: %w", err)
	}
	c := consumer.NewExampleConsumer()
	tx, err := bind.Transact(c.Instance(backend, consumerAddr), txOpts,
		c.PackRequestPrice(req.SpecID, req.URL, req.Path, req.Times, req.Payment))
	if err != nil {
		return nil, fmt.Errorf("requesting a price from consumer %s: %w", consumerAddr, err)
	}
	return tx, nil
}

// RequestPrice sends a price request, waits for it to be mined and returns
// the OracleRequest event it caused, which holds everything a fulfilment
// needs.
func RequestPrice(ctx context.Context, backend Backend, from *bind.TransactOpts, consumerAddr common.Address, req PriceRequest, opts ...Option) (*oracle.OracleOracleRequest, error) {
	tx, err := SendPriceRequest(ctx, backend, from, consumerAddr, req)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	cfg.mine()
	receipt, err := cfg.waitSuccess(ctx, backend, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("requesting a price: %w", err)
	}
	reqs, err := OracleRequests(receipt.Logs)
	if err != nil {
		return nil, fmt.Errorf("requesting a price: %w", err)
	}
	if len(reqs) != 1 {
		return nil, fmt.Errorf("requesting a price: tx %s logged %d OracleRequest events, want 1", tx.Hash(), len(reqs))
	}
	return reqs[0], nil
}

// OracleRequests decodes the OracleRequest events among logs, in order, and
// skips every other log.
func OracleRequests(logs []*types.Log) ([]*oracle.OracleOracleRequest, error) {
	o := oracle.NewOracle()
	id := o.GetABI().Events[oracle.OracleOracleRequestEventName].ID
	var out []*oracle.OracleOracleRequest
	for _, l := range logs {
		if len(l.Topics) == 0 || l.Topics[0] != id {
			continue
		}
		ev, err := o.UnpackOracleRequestEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decoding OracleRequest log %d of tx %s: %w", l.Index, l.TxHash, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// Fulfill answers req on the Oracle at oracleAddr from node, with gas limit
// FulfillGasLimit unless node sets one, and waits for it. A reverted
// fulfilment returns its receipt and an error wrapping ErrTxFailed. The
// Oracle does not revert when the consumer's callback fails: check the
// consumer's events to tell.
func Fulfill(ctx context.Context, backend Backend, node *bind.TransactOpts, oracleAddr common.Address, req *oracle.OracleOracleRequest, answer [32]byte, opts ...Option) (*types.Receipt, error) {
	if req == nil {
		return nil, errors.New("fulfilling a request: request is nil")
	}
	txOpts, err := withContext(ctx, node)
	if err != nil {
		return nil, fmt.Errorf("fulfilling request %x: %w", req.RequestId, err)
	}
	o := oracle.NewOracle()
	if txOpts.GasLimit == 0 {
		txOpts.GasLimit = FulfillGasLimit
	}
	tx, err := bind.Transact(o.Instance(backend, oracleAddr), txOpts,
		o.PackFulfillOracleRequest(req.RequestId, req.Payment, req.CallbackAddr, req.CallbackFunctionId, req.CancelExpiration, answer))
	if err != nil {
		return nil, fmt.Errorf("fulfilling request %x: %w", req.RequestId, err)
	}
	cfg := newConfig(opts)
	cfg.mine()
	receipt, err := cfg.waitSuccess(ctx, backend, tx.Hash())
	if err != nil {
		return receipt, fmt.Errorf("fulfilling request %x: %w", req.RequestId, err)
	}
	return receipt, nil
}

// FulfilmentCount returns how many fulfilments the consumer has accepted.
func FulfilmentCount(ctx context.Context, backend Backend, consumerAddr common.Address) (uint64, error) {
	c := consumer.NewExampleConsumer()
	n, err := bind.Call(c.Instance(backend, consumerAddr), &bind.CallOpts{Context: ctx}, c.PackFulfilledCount(), c.UnpackFulfilledCount)
	if err != nil {
		return 0, fmt.Errorf("reading fulfilledCount of consumer %s: %w", consumerAddr, err)
	}
	if !n.IsUint64() {
		return 0, fmt.Errorf("reading fulfilledCount of consumer %s: %s does not fit in 64 bits", consumerAddr, n)
	}
	return n.Uint64(), nil
}

// CurrentPrice returns the consumer's latest answer.
func CurrentPrice(ctx context.Context, backend Backend, consumerAddr common.Address) (*big.Int, error) {
	c := consumer.NewExampleConsumer()
	p, err := bind.Call(c.Instance(backend, consumerAddr), &bind.CallOpts{Context: ctx}, c.PackCurrentPrice(), c.UnpackCurrentPrice)
	if err != nil {
		return nil, fmt.Errorf("reading currentPrice of consumer %s: %w", consumerAddr, err)
	}
	return p, nil
}

// IsOpen tells whether the Oracle still holds a commitment for requestID,
// that is, the request was made and neither fulfilled nor cancelled.
func IsOpen(ctx context.Context, backend Backend, oracleAddr common.Address, requestID [32]byte) (bool, error) {
	o := oracle.NewOracle()
	c, err := bind.Call(o.Instance(backend, oracleAddr), &bind.CallOpts{Context: ctx}, o.PackCommitments(requestID), o.UnpackCommitments)
	if err != nil {
		return false, fmt.Errorf("reading commitment %x of oracle %s: %w", requestID, oracleAddr, err)
	}
	return c != [32]byte{}, nil
}

// Withdrawable returns the LINK the Oracle has earned and not paid out.
func Withdrawable(ctx context.Context, backend Backend, oracleAddr common.Address) (*big.Int, error) {
	o := oracle.NewOracle()
	w, err := bind.Call(o.Instance(backend, oracleAddr), &bind.CallOpts{Context: ctx}, o.PackWithdrawable(), o.UnpackWithdrawable)
	if err != nil {
		return nil, fmt.Errorf("reading withdrawable of oracle %s: %w", oracleAddr, err)
	}
	return w, nil
}

// LinkBalance returns holder's LINK balance in the token's smallest unit.
func LinkBalance(ctx context.Context, backend Backend, linkAddr, holder common.Address) (*big.Int, error) {
	l := linktoken.NewLinkToken()
	b, err := bind.Call(l.Instance(backend, linkAddr), &bind.CallOpts{Context: ctx}, l.PackBalanceOf(holder), l.UnpackBalanceOf)
	if err != nil {
		return nil, fmt.Errorf("reading LINK balance of %s: %w", holder, err)
	}
	return b, nil
}

// TransferLink sends amount LINK from from to to and waits for it.
func TransferLink(ctx context.Context, backend Backend, from *bind.TransactOpts, linkAddr, to common.Address, amount *big.Int, opts ...Option) error {
	if amount == nil || amount.Sign() < 0 {
		return errors.New("transferring LINK: amount must be a non-negative amount")
	}
	txOpts, err := withContext(ctx, from)
	if err != nil {
		return fmt.Errorf("transferring LINK: %w", err)
	}
	l := linktoken.NewLinkToken()
	tx, err := bind.Transact(l.Instance(backend, linkAddr), txOpts, l.PackTransfer(to, amount))
	if err != nil {
		return fmt.Errorf("transferring %s LINK units to %s: %w", amount, to, err)
	}
	cfg := newConfig(opts)
	cfg.mine()
	if _, err := cfg.waitSuccess(ctx, backend, tx.Hash()); err != nil {
		return fmt.Errorf("transferring %s LINK units to %s: %w", amount, to, err)
	}
	return nil
}

// WaitMined waits for the transaction hash to be mined (committing first
// when WithCommit is given) and returns its receipt; a reverted
// transaction returns its receipt and an error wrapping ErrTxFailed.
func WaitMined(ctx context.Context, backend Backend, hash common.Hash, opts ...Option) (*types.Receipt, error) {
	cfg := newConfig(opts)
	cfg.mine()
	return cfg.waitSuccess(ctx, backend, hash)
}

func (c *config) mine() {
	if c.commit != nil {
		c.commit()
	}
}

// waitSuccess waits for hash to be mined and to succeed. With a commit hook
// (the simulated chain, which mines only on Commit) it commits again while
// the receipt is missing: a transaction sent just before a Commit may not
// have reached the pool's pending set in time, and would otherwise never be
// mined.
func (c *config) waitSuccess(ctx context.Context, backend bind.DeployBackend, hash common.Hash) (*types.Receipt, error) {
	if c.commit == nil {
		return waitSuccess(ctx, backend, hash)
	}
	for {
		receipt, err := backend.TransactionReceipt(ctx, hash)
		switch {
		case err == nil && receipt.Status != types.ReceiptStatusSuccessful:
			return receipt, fmt.Errorf("tx %s: %w", hash, ErrTxFailed)
		case err == nil:
			return receipt, nil
		case !errors.Is(err, ethereum.NotFound) && !chain.IsTxIndexing(err):
			return nil, fmt.Errorf("waiting for tx %s: %w", hash, err)
		}
		c.commit()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for tx %s: %w", hash, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func waitSuccess(ctx context.Context, backend bind.DeployBackend, hash common.Hash) (*types.Receipt, error) {
	receipt, err := bind.WaitMined(ctx, backend, hash)
	if err != nil {
		return nil, fmt.Errorf("waiting for tx %s: %w", hash, err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		return receipt, fmt.Errorf("tx %s: %w", hash, ErrTxFailed)
	}
	return receipt, nil
}

// errNoSender is returned (wrapped) when a function that sends a
// transaction is given nil transact options.
var errNoSender = errors.New("transact options are nil")

// withContext returns a copy of opts that uses ctx, so callers' options are
// never modified.
func withContext(ctx context.Context, opts *bind.TransactOpts) (*bind.TransactOpts, error) {
	if opts == nil {
		return nil, errNoSender
	}
	o := *opts
	o.Context = ctx
	return &o, nil
}

// sender hands out consecutive nonces so that several transactions can be
// sent before any is mined.
type sender struct {
	base  *bind.TransactOpts
	nonce uint64
}

func newSender(ctx context.Context, backend bind.ContractTransactor, from *bind.TransactOpts) (*sender, error) {
	nonce, err := backend.PendingNonceAt(ctx, from.From)
	if err != nil {
		return nil, fmt.Errorf("reading nonce of %s: %w", from.From, err)
	}
	base, err := withContext(ctx, from)
	if err != nil {
		return nil, err
	}
	return &sender{base: base, nonce: nonce}, nil
}

// opts returns options for the next transaction; call sent once it is sent.
func (s *sender) opts() *bind.TransactOpts {
	o := *s.base
	o.Nonce = new(big.Int).SetUint64(s.nonce)
	return &o
}

func (s *sender) sent() { s.nonce++ }
