package adapters

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// EthTx sends data.result on chain through the TxManager (Deps.TxSender)
// and pauses the run in pending_outgoing_confirmations; the TxManager
// resumes it (RunManager.ResumeConfirmingTasks) once the transaction is confirmed.
//
// In a run started by an OracleRequest it answers that request: the call
// goes to the Oracle that emitted the log with models.FulfillmentData, the
// answer being data.result as one 32-byte word. Otherwise it calls
// "address" with "functionSelector" (0x and 8 hex digits, or a Solidity
// signature), then "dataPrefix" (0x hex), then data.result encoded by
// "format" (bytes32, uint256, int256, bool, none; unset: the result is
// already 0x hex, as the eth* tasks leave it). "fromAddress" picks the
// node's key (unset: the TxManager's default) and "gasLimit" overrides
// Deps.GasLimit. data.result becomes the transaction hash.
//
// A TxSender error wrapping ErrTxRejected errors the task for good; one
// wrapping ErrTxUnavailable (the chain or the database could not be
// reached) pauses it in pending_connection, to be performed again once
// the connection is back, without counting as an attempt; any other error
// is a transient fault retried with backoff.
type EthTx struct {
	deps Deps
}

// ErrTxRejected marks a TxSender error no retry can fix: a bad request, no
// key to send from.
var ErrTxRejected = errors.New("transaction rejected")

// ErrTxUnavailable marks a TxSender error from a chain or database
// connection that was lost, refused or timed out.
var ErrTxUnavailable = errors.New("chain or database unavailable")

var _ Adapter = (*EthTx)(nil)

// ethTxTask is ethtx's decoded params.
type ethTxTask struct {
	to          *common.Address
	selector    *models.FunctionSelector
	dataPrefix  []byte
	format      string
	fromAddress *common.Address
	gasLimit    uint64
}

// EthTxFormats lists the accepted values of format.
var EthTxFormats = []string{FormatBytes32, FormatUint256, FormatInt256, FormatBool, FormatNone}

func readEthTx(params models.JSON) (ethTxTask, error) {
	var t ethTxTask
	p := readParams(params)
	t.to = p.address("address")
	t.fromAddress = p.address("fromAddress")
	if s, ok := p.str("functionSelector"); ok {
		fs, err := models.ParseFunctionSelector(s)
		if err != nil {
			p.ve.Add("functionSelector", "must be 0x and 8 hex digits or a signature like fulfill(bytes32,uint256)")
		} else {
			t.selector = &fs
		}
	}
	if s, ok := p.str("dataPrefix"); ok {
		b, err := hexutil.Decode(strings.TrimSpace(s))
		if err != nil {
			p.ve.Add("dataPrefix", "must be 0x hex bytes")
		}
		t.dataPrefix = b
	}
	if s, ok := p.str("format"); ok {
		t.format = strings.ToLower(strings.TrimSpace(s))
		known := t.format == ""
		for _, f := range EthTxFormats {
			known = known || f == t.format
		}
		if !known {
			p.ve.Add("format", "must be one of %s", strings.Join(EthTxFormats, ", "))
		}
	}
	if n, ok := p.number("gasLimit"); ok {
		if !n.IsInteger() || n.Sign() <= 0 || n.BigInt().BitLen() > 63 {
			p.ve.Add("gasLimit", "must be a positive integer")
		} else {
			t.gasLimit = n.BigInt().Uint64()
		}
	}
	return t, p.err()
}

func (p *taskParams) address(key string) *common.Address {
	s, ok := p.str(key)
	if !ok {
		return nil
	}
	s = strings.TrimSpace(s)
	if !common.IsHexAddress(s) {
		p.ve.Add(key, "must be a 20-byte hex address")
		return nil
	}
	a := common.HexToAddress(s)
	return &a
}

// Validate checks the params that are set.
func (*EthTx) Validate(params models.JSON) error {
	_, err := readEthTx(params)
	return err
}

// EthTxParamsSet returns which of address, functionSelector and fromAddress
// a task's params set, for the runlog job rules of validation.
func EthTxParamsSet(params models.JSON) (address, functionSelector bool, fromAddress *common.Address) {
	p := readParams(params)
	a, _ := p.raw("address")
	f, _ := p.raw("functionSelector")
	return a != nil, f != nil, p.address("fromAddress")
}

// Perform builds the call data and hands it to the TxSender.
func (e *EthTx) Perform(ctx context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	if input.Status == models.RunStatusPendingOutgoingConfirmations {
		// Sent already; the TxManager resumes the run when it confirms.
		return models.NewRunOutputPending(models.RunStatusPendingOutgoingConfirmations, input.Data)
	}
	t, err := readEthTx(params)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	to, data, err := e.callData(input, t)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("ethtx: %w", err))
	}
	if e.deps.TxSender == nil {
		return models.NewRunOutputError(errors.New("ethtx: no transaction manager"))
	}
	if input.TaskRunID == "" {
		return models.NewRunOutputError(errors.New("ethtx: no task run ID to send under"))
	}
	var from common.Address
	if t.fromAddress != nil {
		from = *t.fromAddress
	}
	gas := t.gasLimit
	if gas == 0 {
		gas = e.deps.GasLimit
	}
	hash, err := e.deps.TxSender.CreateTx(ctx, input.TaskRunID, from, to, data, gas)
	if err != nil {
		err = fmt.Errorf("ethtx: sending to %s: %w", to, err)
		switch {
		case errors.Is(err, ErrTxRejected):
			return models.NewRunOutputError(err)
		case errors.Is(err, ErrTxUnavailable):
			out := models.NewRunOutputPending(models.RunStatusPendingConnection, input.Data)
			out.Error = err.Error()
			return out
		}
		return models.NewRunOutputRetryableError(err)
	}
	out, err := models.SetJSONKey(input.Data, "result", hash.Hex())
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("ethtx: %w", err))
	}
	return models.NewRunOutputPending(models.RunStatusPendingOutgoingConfirmations, out)
}

// callData returns the transaction's recipient and data.
func (e *EthTx) callData(input models.RunInput, t ethTxTask) (common.Address, []byte, error) {
	encoded, err := encodeResult(t.format, input.Result())
	if err != nil {
		return common.Address{}, nil, err
	}
	if req, ok := input.Request.OracleRequest(); ok {
		if len(encoded) != 32 {
			return common.Address{}, nil, fmt.Errorf("fulfilment answer must be one 32-byte word, got %d bytes (encode the result with an eth* task or format)", len(encoded))
		}
		return req.Address, models.FulfillmentData(req, [32]byte(encoded)), nil
	}
	if t.to == nil {
		return common.Address{}, nil, errors.New("no address to send to")
	}
	var data []byte
	if t.selector != nil {
		data = append(data, t.selector[:]...)
	}
	data = append(data, t.dataPrefix...)
	data = append(data, encoded...)
	return *t.to, data, nil
}
