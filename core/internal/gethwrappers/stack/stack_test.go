package stack_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/consumer"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/linktoken"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/stack"
	"github.com/pythia-oracle/pythia/core/internal/simchain"
)

var (
	_ stack.Backend = simulated.Client(nil)
	_ stack.Backend = (*ethclient.Client)(nil)
)

// env is a simulated chain with the stack deployed by owner, node
// authorized on the Oracle, and stranger funded but trusted by nobody.
type env struct {
	sim      *simulated.Backend
	client   simulated.Client
	owner    *bind.TransactOpts
	node     *bind.TransactOpts
	stranger *bind.TransactOpts
	addrs    *stack.Addresses
	commit   stack.Option
}

func newKey(t *testing.T) (*ecdsa.PrivateKey, common.Address) {
	t.Helper()
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	return key, crypto.PubkeyToAddress(key.PublicKey)
}

func setup(t *testing.T) *env {
	t.Helper()
	ownerKey, ownerAddr := newKey(t)
	nodeKey, nodeAddr := newKey(t)
	strangerKey, strangerAddr := newKey(t)
	sim := simchain.New(types.GenesisAlloc{
		ownerAddr:    {Balance: simchain.Ether(100)},
		nodeAddr:     {Balance: simchain.Ether(100)},
		strangerAddr: {Balance: simchain.Ether(100)},
	})
	t.Cleanup(func() { _ = sim.Close() })
	e := &env{
		sim:      sim,
		client:   sim.Client(),
		owner:    bind.NewKeyedTransactor(ownerKey, simchain.ChainID),
		node:     bind.NewKeyedTransactor(nodeKey, simchain.ChainID),
		stranger: bind.NewKeyedTransactor(strangerKey, simchain.ChainID),
		commit:   stack.WithCommit(sim.Commit),
	}
	addrs, err := stack.Deploy(t.Context(), e.client, e.owner, []common.Address{nodeAddr}, e.commit)
	require.NoError(t, err)
	e.addrs = addrs
	return e
}

var (
	linkABI     = linktoken.NewLinkToken()
	oracleABI   = oracle.NewOracle()
	consumerABI = consumer.NewExampleConsumer()
	specID      = [32]byte([]byte("4c7b7ffb66b344fbaa64995af81e355a"))
)

func (e *env) price(payment *big.Int) stack.PriceRequest {
	return stack.PriceRequest{
		SpecID:  specID,
		URL:     "https://example.com/price?sym=ETH",
		Path:    "data.price",
		Times:   big.NewInt(100),
		Payment: payment,
	}
}

func (e *env) request(t *testing.T, payment *big.Int) *oracle.OracleOracleRequest {
	t.Helper()
	req, err := stack.RequestPrice(t.Context(), e.client, e.owner, e.addrs.Consumer, e.price(payment), e.commit)
	require.NoError(t, err)
	return req
}

// send sends calldata to addr from opts, commits and returns the receipt;
// gas is fixed so that reverting calls are mined instead of failing
// estimation.
func (e *env) send(t *testing.T, opts *bind.TransactOpts, addr common.Address, calldata []byte, gas uint64) *types.Receipt {
	t.Helper()
	o := *opts
	o.GasLimit = gas
	inst := bind.NewBoundContract(addr, oracleABI.GetABI(), e.client, e.client, e.client)
	tx, err := inst.RawTransact(&o, calldata)
	require.NoError(t, err)
	// Committed until mined: the simulated chain now and then leaves a
	// tx just sent for the next block, and bind.WaitMined alone would
	// wait for it until the test binary's timeout.
	receipt, err := stack.WaitMined(t.Context(), e.client, tx.Hash(), e.commit)
	if !errors.Is(err, stack.ErrTxFailed) {
		require.NoError(t, err)
	}
	return receipt
}

func call[T any](t *testing.T, e *env, addr common.Address, calldata []byte, unpack func([]byte) (T, error)) T {
	t.Helper()
	inst := bind.NewBoundContract(addr, oracleABI.GetABI(), e.client, e.client, e.client)
	v, err := bind.Call(inst, &bind.CallOpts{Context: t.Context()}, calldata, unpack)
	require.NoError(t, err)
	return v
}

func (e *env) linkBalance(t *testing.T, holder common.Address) *big.Int {
	t.Helper()
	b, err := stack.LinkBalance(t.Context(), e.client, e.addrs.LinkToken, holder)
	require.NoError(t, err)
	return b
}

func (e *env) withdrawable(t *testing.T) *big.Int {
	t.Helper()
	w, err := stack.Withdrawable(t.Context(), e.client, e.addrs.Oracle)
	require.NoError(t, err)
	return w
}

func (e *env) isOpen(t *testing.T, id [32]byte) bool {
	t.Helper()
	open, err := stack.IsOpen(t.Context(), e.client, e.addrs.Oracle, id)
	require.NoError(t, err)
	return open
}

func TestDeploy(t *testing.T) {
	e := setup(t)
	ctx := t.Context()

	assert.Equal(t, "ChainLink Token", call(t, e, e.addrs.LinkToken, linkABI.PackName(), linkABI.UnpackName))
	assert.Equal(t, "LINK", call(t, e, e.addrs.LinkToken, linkABI.PackSymbol(), linkABI.UnpackSymbol))
	assert.Equal(t, uint8(18), call(t, e, e.addrs.LinkToken, linkABI.PackDecimals(), linkABI.UnpackDecimals))
	supply := new(big.Int).Exp(big.NewInt(10), big.NewInt(27), nil)
	assert.Equal(t, supply, call(t, e, e.addrs.LinkToken, linkABI.PackTotalSupply(), linkABI.UnpackTotalSupply))

	assert.Equal(t, stack.Link(1000), e.linkBalance(t, e.addrs.Consumer))
	assert.Equal(t, new(big.Int).Sub(supply, stack.Link(1000)), e.linkBalance(t, e.owner.From))

	assert.True(t, call(t, e, e.addrs.Oracle, oracleABI.PackGetAuthorizationStatus(e.node.From), oracleABI.UnpackGetAuthorizationStatus))
	assert.False(t, call(t, e, e.addrs.Oracle, oracleABI.PackGetAuthorizationStatus(e.stranger.From), oracleABI.UnpackGetAuthorizationStatus))
	assert.Equal(t, e.owner.From, call(t, e, e.addrs.Oracle, oracleABI.PackOwner(), oracleABI.UnpackOwner))
	assert.Equal(t, e.addrs.LinkToken, call(t, e, e.addrs.Oracle, oracleABI.PackGetChainlinkToken(), oracleABI.UnpackGetChainlinkToken))
	assert.Equal(t, e.owner.From, call(t, e, e.addrs.Consumer, consumerABI.PackOwner(), consumerABI.UnpackOwner))
	assert.Zero(t, e.withdrawable(t).Sign())

	n, err := stack.FulfilmentCount(ctx, e.client, e.addrs.Consumer)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestDeployBadInput(t *testing.T) {
	e := setup(t)
	_, err := stack.Deploy(t.Context(), e.client, nil, nil, e.commit)
	assert.ErrorContains(t, err, "transact options are nil")
	_, err = stack.Deploy(t.Context(), e.client, e.owner, nil, e.commit, stack.WithConsumerFunding(big.NewInt(-1)))
	assert.ErrorContains(t, err, "non-negative")
}

// TestDeployOverRPC deploys through a real ethclient over WebSocket with no
// commit hook, the way the stack is used against anvil: the package polls
// for receipts while the chain mines on its own.
func TestDeployOverRPC(t *testing.T) {
	key, addr := newKey(t)
	port, err := simchain.FreePort()
	require.NoError(t, err)
	sim := simchain.New(types.GenesisAlloc{addr: {Balance: simchain.Ether(10)}}, simchain.WithRPC(port))
	t.Cleanup(func() { _ = sim.Close() })

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a chain that mines on its own, like anvil with --block-time
		defer close(done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sim.Commit()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	client, err := ethclient.DialContext(ctx, "ws://127.0.0.1:"+itoa(port))
	require.NoError(t, err)
	t.Cleanup(client.Close)

	addrs, err := stack.Deploy(ctx, client, bind.NewKeyedTransactor(key, simchain.ChainID), []common.Address{addr})
	require.NoError(t, err)
	bal, err := stack.LinkBalance(ctx, client, addrs.LinkToken, addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, stack.Link(1000), bal)
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func TestTransferAndCall(t *testing.T) {
	e := setup(t)
	_, eoa := newKey(t)
	amount := stack.Link(2)
	fakeSender := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	request := oracleABI.PackOracleRequest(fakeSender, stack.Link(999), specID, e.owner.From, [4]byte{1, 2, 3, 4},
		big.NewInt(7), big.NewInt(1), []byte{0x63, 'g', 'e', 't', 0x61, 'x'})
	toLink := oracleABI.PackOracleRequest(fakeSender, amount, specID, e.addrs.LinkToken, [4]byte{1, 2, 3, 4},
		big.NewInt(8), big.NewInt(1), nil)
	wrongSelector := append([]byte{0xde, 0xad, 0xbe, 0xef}, request[4:]...)

	tests := []struct {
		name        string
		to          common.Address
		data        []byte
		wantOK      bool
		wantRequest bool
	}{
		{"to an account holding no code", eoa, []byte("hello"), true, false},
		{"to the oracle with a request", e.addrs.Oracle, request, true, true},
		{"to the oracle with another call", e.addrs.Oracle, wrongSelector, false, false},
		{"to the oracle with too short data", e.addrs.Oracle, request[:40], false, false},
		{"to the oracle asking a callback to LINK", e.addrs.Oracle, toLink, false, false},
		{"to the zero address", common.Address{}, nil, false, false},
		{"to the token itself", e.addrs.LinkToken, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.linkBalance(t, e.owner.From)
			receipt := e.send(t, e.owner, e.addrs.LinkToken, linkABI.PackTransferAndCall(tt.to, amount, tt.data), 300_000)
			if !tt.wantOK {
				assert.Equal(t, types.ReceiptStatusFailed, receipt.Status)
				assert.Equal(t, before, e.linkBalance(t, e.owner.From), "a failed transferAndCall must move no LINK")
				return
			}
			require.Equal(t, types.ReceiptStatusSuccessful, receipt.Status)
			assert.Equal(t, new(big.Int).Sub(before, amount), e.linkBalance(t, e.owner.From))

			var erc20, erc677 int
			for _, l := range receipt.Logs {
				if ev, err := linkABI.UnpackTransferEvent(l); err == nil {
					erc20++
					assert.Equal(t, []any{e.owner.From, tt.to, amount}, []any{ev.From, ev.To, ev.Value})
				}
				if ev, err := linkABI.UnpackTransfer0Event(l); err == nil {
					erc677++
					assert.Equal(t, []any{e.owner.From, tt.to, amount, tt.data}, []any{ev.From, ev.To, ev.Value, ev.Data})
				}
			}
			assert.Equal(t, 1, erc20, "ERC-20 Transfer events")
			assert.Equal(t, 1, erc677, "ERC-677 Transfer events")

			reqs, err := stack.OracleRequests(receipt.Logs)
			require.NoError(t, err)
			if !tt.wantRequest {
				assert.Empty(t, reqs)
				return
			}
			require.Len(t, reqs, 1)
			// onTokenTransfer replaced the claimed sender and payment.
			assert.Equal(t, e.owner.From, reqs[0].Requester)
			assert.Equal(t, amount, reqs[0].Payment)
			wantID := crypto.Keccak256Hash(e.owner.From.Bytes(), common.LeftPadBytes(big.NewInt(7).Bytes(), 32))
			assert.Equal(t, wantID, common.Hash(reqs[0].RequestId))
			assert.Equal(t, []byte{0x63, 'g', 'e', 't', 0x61, 'x'}, reqs[0].Data)
			assert.True(t, e.isOpen(t, reqs[0].RequestId))
		})
	}
}

func TestOracleRefusesDirectCalls(t *testing.T) {
	e := setup(t)
	request := oracleABI.PackOracleRequest(e.owner.From, stack.Link(1), specID, e.owner.From, [4]byte{1, 2, 3, 4},
		big.NewInt(1), big.NewInt(1), nil)
	tests := []struct {
		name     string
		calldata []byte
	}{
		{"onTokenTransfer not from LINK", oracleABI.PackOnTokenTransfer(e.owner.From, stack.Link(1), request)},
		{"oracleRequest not from LINK", request},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receipt := e.send(t, e.owner, e.addrs.Oracle, tt.calldata, 300_000)
			assert.Equal(t, types.ReceiptStatusFailed, receipt.Status)
			assert.Empty(t, receipt.Logs)
		})
	}
}

// requestParams is the CBOR the ExampleConsumer sends, decoded the way the
// node decodes it: wrapped into an indefinite-length map.
type requestParams struct {
	Get   string  `cbor:"get"`
	Path  string  `cbor:"path"`
	Times big.Int `cbor:"times"`
}

func decodeParams(t *testing.T, data []byte) requestParams {
	t.Helper()
	wrapped := append(append([]byte{0xbf}, data...), 0xff)
	var p requestParams
	require.NoError(t, cbor.Unmarshal(wrapped, &p), "decoding %x", wrapped)
	return p
}

func TestRequestPrice(t *testing.T) {
	e := setup(t)
	ctx := t.Context()
	payment := stack.Link(1)

	tx, err := stack.SendPriceRequest(ctx, e.client, e.owner, e.addrs.Consumer, e.price(payment))
	require.NoError(t, err)
	receipt, err := stack.WaitMined(ctx, e.client, tx.Hash(), e.commit)
	require.NoError(t, err)
	header, err := e.client.HeaderByHash(ctx, receipt.BlockHash)
	require.NoError(t, err)

	reqs, err := stack.OracleRequests(receipt.Logs)
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	req := reqs[0]
	wantID := crypto.Keccak256Hash(e.addrs.Consumer.Bytes(), common.LeftPadBytes([]byte{1}, 32))
	fulfill := [4]byte(consumerABI.GetABI().Methods["fulfill"].ID)

	assert.Equal(t, specID, req.SpecId)
	assert.Equal(t, e.addrs.Consumer, req.Requester)
	assert.Equal(t, wantID, common.Hash(req.RequestId))
	assert.Equal(t, payment, req.Payment)
	assert.Equal(t, e.addrs.Consumer, req.CallbackAddr)
	assert.Equal(t, fulfill, req.CallbackFunctionId)
	assert.Equal(t, new(big.Int).SetUint64(header.Time+300), req.CancelExpiration)
	assert.Equal(t, big.NewInt(1), req.DataVersion)
	assert.Equal(t, specID, [32]byte(req.Raw.Topics[1].Bytes()), "specId is the indexed topic")

	p := decodeParams(t, req.Data)
	assert.Equal(t, "https://example.com/price?sym=ETH", p.Get)
	assert.Equal(t, "data.price", p.Path)
	assert.Equal(t, big.NewInt(100), &p.Times)
	assert.Equal(t, byte(0x63), req.Data[0], "data starts with the first key, no map header")

	var requested bool
	for _, l := range receipt.Logs {
		if ev, err := consumerABI.UnpackChainlinkRequestedEvent(l); err == nil {
			requested = true
			assert.Equal(t, req.RequestId, ev.Id)
		}
	}
	assert.True(t, requested, "consumer emitted ChainlinkRequested")
	assert.True(t, e.isOpen(t, req.RequestId))
	assert.Equal(t, new(big.Int).Sub(stack.Link(1000), payment), e.linkBalance(t, e.addrs.Consumer))
	assert.Zero(t, e.withdrawable(t).Sign(), "payment is not withdrawable before fulfilment")

	// The next request uses the next nonce.
	second := e.request(t, payment)
	assert.Equal(t, crypto.Keccak256Hash(e.addrs.Consumer.Bytes(), common.LeftPadBytes([]byte{2}, 32)), common.Hash(second.RequestId))
}

func TestRequestPriceBadInput(t *testing.T) {
	e := setup(t)
	tests := []struct {
		name string
		from *bind.TransactOpts
		req  stack.PriceRequest
		want string
	}{
		{"nil times", e.owner, stack.PriceRequest{Payment: big.NewInt(1)}, "times is nil"},
		{"nil payment", e.owner, stack.PriceRequest{Times: big.NewInt(1)}, "payment"},
		{"negative payment", e.owner, stack.PriceRequest{Times: big.NewInt(1), Payment: big.NewInt(-1)}, "payment"},
		{"nil sender", nil, e.price(big.NewInt(1)), "transact options are nil"},
		{"more LINK than the consumer holds", e.owner, e.price(stack.Link(1001)), "balance too low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stack.RequestPrice(t.Context(), e.client, tt.from, e.addrs.Consumer, tt.req, e.commit)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestRequestIntegerEncoding checks the client's CBOR integers: shortest
// heads up to 64 bits, bignums beyond, all decoding to the value sent.
func TestRequestIntegerEncoding(t *testing.T) {
	e := setup(t)
	pow := func(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }
	neg := func(v *big.Int) *big.Int { return new(big.Int).Neg(v) }
	sub := func(a *big.Int, b int64) *big.Int { return new(big.Int).Sub(a, big.NewInt(b)) }
	tests := []struct {
		name    string
		times   *big.Int
		wantEnc []byte // the value's encoding, when a short head
	}{
		{"zero", big.NewInt(0), []byte{0x00}},
		{"23", big.NewInt(23), []byte{0x17}},
		{"24", big.NewInt(24), []byte{0x18, 0x18}},
		{"255", big.NewInt(255), []byte{0x18, 0xff}},
		{"256", big.NewInt(256), []byte{0x19, 0x01, 0x00}},
		{"65536", big.NewInt(65536), []byte{0x1a, 0x00, 0x01, 0x00, 0x00}},
		{"2^32", pow(32), []byte{0x1b, 0, 0, 0, 1, 0, 0, 0, 0}},
		{"2^64-1", sub(pow(64), 1), []byte{0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"2^64 as bignum", pow(64), nil},
		{"2^255-1 as bignum", sub(pow(255), 1), nil},
		{"-1", big.NewInt(-1), []byte{0x20}},
		{"-24", big.NewInt(-24), []byte{0x37}},
		{"-25", big.NewInt(-25), []byte{0x38, 0x18}},
		{"-1000", big.NewInt(-1000), []byte{0x39, 0x03, 0xe7}},
		{"-2^64", neg(pow(64)), []byte{0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"-2^64-1 as bignum", sub(neg(pow(64)), 1), nil},
		{"-2^255 as bignum", neg(pow(255)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.price(big.NewInt(1))
			r.Times = tt.times
			req, err := stack.RequestPrice(t.Context(), e.client, e.owner, e.addrs.Consumer, r, e.commit)
			require.NoError(t, err)
			p := decodeParams(t, req.Data)
			assert.Equal(t, 0, tt.times.Cmp(&p.Times), "times decoded as %s, want %s", &p.Times, tt.times)
			timesKey := []byte{0x65, 't', 'i', 'm', 'e', 's'}
			if tt.wantEnc != nil {
				assert.Equal(t, append(timesKey, tt.wantEnc...), req.Data[len(req.Data)-len(timesKey)-len(tt.wantEnc):])
			}
		})
	}
}

func TestFulfill(t *testing.T) {
	e := setup(t)
	ctx := t.Context()
	payment := stack.Link(1)
	req := e.request(t, payment)
	answer := common.BigToHash(big.NewInt(123456))

	for name, tc := range map[string]struct {
		from *bind.TransactOpts
		gas  uint64
		edit func(r oracle.OracleOracleRequest) *oracle.OracleOracleRequest
	}{
		"by an unauthorized account":      {from: e.stranger},
		"by the owner, who is not a node": {from: e.owner},
		"with another payment": {from: e.node, edit: func(r oracle.OracleOracleRequest) *oracle.OracleOracleRequest {
			r.Payment = stack.Link(2)
			return &r
		}},
		"with another expiration": {from: e.node, edit: func(r oracle.OracleOracleRequest) *oracle.OracleOracleRequest {
			r.CancelExpiration = new(big.Int).Add(r.CancelExpiration, big.NewInt(1))
			return &r
		}},
		"of an unknown request": {from: e.node, edit: func(r oracle.OracleOracleRequest) *oracle.OracleOracleRequest {
			r.RequestId[0] ^= 0xff
			return &r
		}},
		"with too little gas for the callback": {from: e.node, gas: 380_000},
	} {
		t.Run(name, func(t *testing.T) {
			opts := *tc.from
			opts.GasLimit = tc.gas
			r := req
			if tc.edit != nil {
				r = tc.edit(*req)
			}
			receipt, err := stack.Fulfill(ctx, e.client, &opts, e.addrs.Oracle, r, answer, e.commit)
			require.ErrorIs(t, err, stack.ErrTxFailed)
			assert.Equal(t, types.ReceiptStatusFailed, receipt.Status)
			assert.True(t, e.isOpen(t, req.RequestId), "a refused fulfilment leaves the request open")
		})
	}
	assert.Zero(t, e.withdrawable(t).Sign())

	receipt, err := stack.Fulfill(ctx, e.client, e.node, e.addrs.Oracle, req, answer, e.commit)
	require.NoError(t, err)
	t.Logf("fulfilment used %d gas", receipt.GasUsed)

	var fulfilled, priced bool
	for _, l := range receipt.Logs {
		if ev, err := consumerABI.UnpackChainlinkFulfilledEvent(l); err == nil {
			fulfilled = true
			assert.Equal(t, req.RequestId, ev.Id)
		}
		if ev, err := consumerABI.UnpackPriceFulfilledEvent(l); err == nil {
			priced = true
			assert.Equal(t, req.RequestId, ev.RequestId)
			assert.Equal(t, big.NewInt(123456), ev.Price)
		}
	}
	assert.True(t, fulfilled, "ChainlinkFulfilled emitted")
	assert.True(t, priced, "PriceFulfilled emitted")
	price, err := stack.CurrentPrice(ctx, e.client, e.addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(123456), price)
	n, err := stack.FulfilmentCount(ctx, e.client, e.addrs.Consumer)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), n)
	assert.Equal(t, payment, e.withdrawable(t))
	assert.False(t, e.isOpen(t, req.RequestId))
	pending := call(t, e, e.addrs.Consumer, consumerABI.PackIsPending(req.RequestId), consumerABI.UnpackIsPending)
	assert.False(t, pending)

	receipt, err = stack.Fulfill(ctx, e.client, e.node, e.addrs.Oracle, req, answer, e.commit)
	require.ErrorIs(t, err, stack.ErrTxFailed, "a second fulfilment must revert")
	assert.Equal(t, types.ReceiptStatusFailed, receipt.Status)
	assert.Equal(t, payment, e.withdrawable(t), "a second fulfilment pays nothing")
}

// TestFulfillFailingCallback shows that the Oracle is paid and the request
// closed even when the consumer refuses the callback: here the consumer
// never made the request, a stranger did in its name.
func TestFulfillFailingCallback(t *testing.T) {
	e := setup(t)
	ctx := t.Context()
	require.NoError(t, stack.TransferLink(ctx, e.client, e.owner, e.addrs.LinkToken, e.stranger.From, stack.Link(5), e.commit))
	fulfill := [4]byte(consumerABI.GetABI().Methods["fulfill"].ID)
	data := oracleABI.PackOracleRequest(common.Address{}, big.NewInt(0), specID, e.addrs.Consumer, fulfill, big.NewInt(1), big.NewInt(1), nil)
	receipt := e.send(t, e.stranger, e.addrs.LinkToken, linkABI.PackTransferAndCall(e.addrs.Oracle, stack.Link(1), data), 300_000)
	require.Equal(t, types.ReceiptStatusSuccessful, receipt.Status)
	reqs, err := stack.OracleRequests(receipt.Logs)
	require.NoError(t, err)
	require.Len(t, reqs, 1)

	receipt, err = stack.Fulfill(ctx, e.client, e.node, e.addrs.Oracle, reqs[0], common.BigToHash(big.NewInt(9)), e.commit)
	require.NoError(t, err)
	for _, l := range receipt.Logs {
		_, err := consumerABI.UnpackPriceFulfilledEvent(l)
		assert.Error(t, err, "the consumer must not accept a request it did not make")
	}
	n, err := stack.FulfilmentCount(ctx, e.client, e.addrs.Consumer)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, stack.Link(1), e.withdrawable(t))
	assert.False(t, e.isOpen(t, reqs[0].RequestId))
}

func TestCancel(t *testing.T) {
	e := setup(t)
	ctx := t.Context()
	payment := stack.Link(3)
	req := e.request(t, payment)
	balance := e.linkBalance(t, e.addrs.Consumer)
	cancel := consumerABI.PackCancelRequest(req.RequestId, req.Payment, req.CallbackFunctionId, req.CancelExpiration)

	receipt := e.send(t, e.owner, e.addrs.Consumer, cancel, 300_000)
	assert.Equal(t, types.ReceiptStatusFailed, receipt.Status, "cancel before expiration must revert")

	// The cancel just mined stays in the pool's pending set until the pool
	// has handled the new head, and AdjustTime refuses a non-empty pending
	// set (CI saw it under load): try again until the pool caught up.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.NoError(c, e.sim.AdjustTime(301*time.Second))
	}, 10*time.Second, 10*time.Millisecond)

	direct := oracleABI.PackCancelOracleRequest(req.RequestId, req.Payment, req.CallbackFunctionId, req.CancelExpiration)
	receipt = e.send(t, e.stranger, e.addrs.Oracle, direct, 300_000)
	assert.Equal(t, types.ReceiptStatusFailed, receipt.Status, "only the requester may cancel")
	receipt = e.send(t, e.stranger, e.addrs.Consumer, cancel, 300_000)
	assert.Equal(t, types.ReceiptStatusFailed, receipt.Status, "only the consumer's owner may cancel through it")
	require.True(t, e.isOpen(t, req.RequestId))

	receipt = e.send(t, e.owner, e.addrs.Consumer, cancel, 300_000)
	require.Equal(t, types.ReceiptStatusSuccessful, receipt.Status)
	var cancelled bool
	for _, l := range receipt.Logs {
		if ev, err := oracleABI.UnpackCancelOracleRequestEvent(l); err == nil {
			cancelled = true
			assert.Equal(t, req.RequestId, ev.RequestId)
		}
	}
	assert.True(t, cancelled, "CancelOracleRequest emitted")
	assert.Equal(t, new(big.Int).Add(balance, payment), e.linkBalance(t, e.addrs.Consumer), "payment refunded")
	assert.False(t, e.isOpen(t, req.RequestId))
	assert.Zero(t, e.withdrawable(t).Sign())

	_, err := stack.Fulfill(ctx, e.client, e.node, e.addrs.Oracle, req, common.Hash{}, e.commit)
	assert.ErrorIs(t, err, stack.ErrTxFailed, "a cancelled request cannot be fulfilled")
}

func TestWithdraw(t *testing.T) {
	e := setup(t)
	ctx := t.Context()
	payment := stack.Link(2)
	req := e.request(t, payment)
	_, err := stack.Fulfill(ctx, e.client, e.node, e.addrs.Oracle, req, common.Hash{}, e.commit)
	require.NoError(t, err)
	_, recipient := newKey(t)

	tests := []struct {
		name   string
		from   *bind.TransactOpts
		amount *big.Int
		wantOK bool
	}{
		{"by a stranger", e.stranger, stack.Link(1), false},
		{"by a node", e.node, stack.Link(1), false},
		{"more than earned", e.owner, new(big.Int).Add(payment, big.NewInt(1)), false},
		{"part by the owner", e.owner, stack.Link(1), true},
		{"the rest by the owner", e.owner, stack.Link(1), true},
		{"once nothing is left", e.owner, big.NewInt(1), false},
	}
	paid := new(big.Int)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receipt := e.send(t, tt.from, e.addrs.Oracle, oracleABI.PackWithdraw(recipient, tt.amount), 200_000)
			if tt.wantOK {
				require.Equal(t, types.ReceiptStatusSuccessful, receipt.Status)
				paid.Add(paid, tt.amount)
			} else {
				assert.Equal(t, types.ReceiptStatusFailed, receipt.Status)
			}
			assert.Equal(t, paid.String(), e.linkBalance(t, recipient).String())
			assert.Equal(t, new(big.Int).Sub(payment, paid).String(), e.withdrawable(t).String())
		})
	}
}

func TestFulfillBadInput(t *testing.T) {
	e := setup(t)
	req := e.request(t, big.NewInt(1))
	_, err := stack.Fulfill(t.Context(), e.client, nil, e.addrs.Oracle, req, common.Hash{}, e.commit)
	assert.ErrorContains(t, err, "transact options are nil")
	_, err = stack.Fulfill(t.Context(), e.client, e.node, e.addrs.Oracle, nil, common.Hash{}, e.commit)
	assert.ErrorContains(t, err, "request is nil")
	err = stack.TransferLink(t.Context(), e.client, e.owner, e.addrs.LinkToken, e.stranger.From, nil, e.commit)
	assert.ErrorContains(t, err, "non-negative")
}
