package adapters_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// sentTx is one CreateTx call.
type sentTx struct {
	taskRunID string
	from, to  common.Address
	data      []byte
	gasLimit  uint64
}

// recordingTxSender records what ethtx hands the TxManager. It is a fake
// for a part that does not exist yet (the TxManager of the transactions
// issue); the end-to-end tests of issue 6 use the real one.
type recordingTxSender struct {
	sent []sentTx
	err  error
}

func (r *recordingTxSender) CreateTx(_ context.Context, taskRunID string, from, to common.Address, data []byte, gasLimit uint64) (common.Hash, error) {
	if r.err != nil {
		return common.Hash{}, r.err
	}
	r.sent = append(r.sent, sentTx{taskRunID, from, to, data, gasLimit})
	return common.HexToHash("0xabc"), nil
}

func performEthTx(t *testing.T, sender adapters.TxSender, in models.RunInput, params string) models.RunOutput {
	t.Helper()
	deps := adapters.Deps{}
	if sender != nil {
		deps.TxSender = sender
	}
	a, ok := adapters.NewRegistry(deps).Lookup("ethtx")
	require.True(t, ok)
	if in.TaskRunID == "" {
		in.TaskRunID = "task-7"
	}
	return a.Perform(context.Background(), in, models.JSON(params))
}

func word(hexDigits string) string { return strings.Repeat("0", 64-len(hexDigits)) + hexDigits }

func TestEthTxFulfilsOracleRequest(t *testing.T) {
	req := &models.OracleRequest{
		Address:            common.HexToAddress("0x00000000000000000000000000000000000000aa"),
		RequestID:          common.HexToHash("0x11"),
		Payment:            big.NewInt(1e18),
		CallbackAddr:       common.HexToAddress("0x00000000000000000000000000000000000000cc"),
		CallbackFunctionID: [4]byte{1, 2, 3, 4},
		CancelExpiration:   big.NewInt(1_800_000_000),
		DataVersion:        big.NewInt(1),
	}
	rr := models.NewRunRequest(req, models.JSON(`{}`))
	answer := "0x" + word("49c41")
	sender := &recordingTxSender{}
	out := performEthTx(t, sender, models.RunInput{Data: models.JSON(`{"result":"` + answer + `"}`), Request: &rr}, `{}`)

	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, out.Status, out.Error)
	assert.JSONEq(t, `"`+common.HexToHash("0xabc").Hex()+`"`, string(out.Result()))
	require.Len(t, sender.sent, 1)
	got := sender.sent[0]
	assert.Equal(t, "task-7", got.taskRunID)
	assert.Equal(t, req.Address, got.to, "the fulfilment goes to the Oracle that emitted the request")
	assert.Equal(t, common.Address{}, got.from, "no fromAddress: the TxManager picks the key")
	assert.Equal(t, uint64(adapters.DefaultGasLimit), got.gasLimit)
	assert.Equal(t, models.FulfillmentData(req, common.HexToHash(answer)), got.data)

	// With format, the raw result is encoded first.
	sender = &recordingTxSender{}
	out = performEthTx(t, sender, models.RunInput{Data: models.JSON(`{"result":"302145"}`), Request: &rr}, `{"format":"uint256","gasLimit":600000}`)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, out.Status, out.Error)
	assert.Equal(t, models.FulfillmentData(req, common.HexToHash(answer)), sender.sent[0].data)
	assert.Equal(t, uint64(600000), sender.sent[0].gasLimit)

	// The answer must be exactly one word.
	out = performEthTx(t, &recordingTxSender{}, models.RunInput{Data: models.JSON(`{"result":"0x1234"}`), Request: &rr}, `{}`)
	assert.Equal(t, models.RunStatusErrored, out.Status)
	assert.Contains(t, out.Error, "one 32-byte word")
}

func TestEthTxCallData(t *testing.T) {
	const to = "0x00000000000000000000000000000000000000dd"
	const from = "0x00000000000000000000000000000000000000ee"
	transfer := hexutil.Encode(models.SelectorFor("setValue(bytes32,uint256)").Bytes())
	tests := []struct {
		name, result, params, wantData string
	}{
		{"signature, prefix, uint256", `"302145"`,
			`{"address":"` + to + `","functionSelector":"setValue(bytes32,uint256)","dataPrefix":"0x` + word("01") + `","format":"uint256"}`,
			transfer + word("01") + word("49c41")},
		{"hex selector, result already encoded", `"0x` + word("2a") + `"`,
			`{"address":"` + to + `","functionSelector":"0x12345678"}`, "0x12345678" + word("2a")},
		{"bool", `true`, `{"address":"` + to + `","functionSelector":"0x12345678","format":"bool"}`, "0x12345678" + word("1")},
		{"bytes32", `"ETH"`, `{"address":"` + to + `","functionSelector":"0x12345678","format":"bytes32"}`, "0x12345678455448" + strings.Repeat("0", 58)},
		{"int256", `-1`, `{"address":"` + to + `","functionSelector":"0x12345678","format":"int256"}`, "0x12345678" + strings.Repeat("f", 64)},
		{"none", `"ignored"`, `{"address":"` + to + `","functionSelector":"0x12345678","format":"none"}`, "0x12345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sender := &recordingTxSender{}
			out := performEthTx(t, sender, models.RunInput{Data: models.JSON(`{"result":` + tt.result + `}`)}, tt.params)
			require.Equal(t, models.RunStatusPendingOutgoingConfirmations, out.Status, out.Error)
			require.Len(t, sender.sent, 1)
			assert.Equal(t, tt.wantData, hexutil.Encode(sender.sent[0].data))
			assert.Equal(t, common.HexToAddress(to), sender.sent[0].to)
		})
	}
	sender := &recordingTxSender{}
	out := performEthTx(t, sender, models.RunInput{Data: models.JSON(`{"result":"0x"}`)}, `{"address":"`+to+`","fromAddress":"`+from+`"}`)
	require.Equal(t, models.RunStatusPendingOutgoingConfirmations, out.Status, out.Error)
	assert.Equal(t, common.HexToAddress(from), sender.sent[0].from)
}

func TestEthTxFaults(t *testing.T) {
	const to = "0x00000000000000000000000000000000000000dd"
	tests := []struct {
		name   string
		sender adapters.TxSender
		data   string
		params string
		want   string
	}{
		{"no address", &recordingTxSender{}, `{"result":"0x01"}`, `{}`, "no address to send to"},
		{"result not hex", &recordingTxSender{}, `{"result":"302145"}`, `{"address":"` + to + `"}`, "is not 0x hex bytes"},
		{"no tx manager", nil, `{"result":"0x01"}`, `{"address":"` + to + `"}`, "no transaction manager"},
		{"tx manager fails", &recordingTxSender{err: errors.New("nonce trouble")}, `{"result":"0x01"}`, `{"address":"` + to + `"}`, "nonce trouble"},
		{"bad params", &recordingTxSender{}, `{"result":"0x01"}`, `{"address":"0x12"}`, "address: must be a 20-byte hex address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := performEthTx(t, tt.sender, models.RunInput{Data: models.JSON(tt.data)}, tt.params)
			require.Equal(t, models.RunStatusErrored, out.Status)
			assert.Contains(t, out.Error, tt.want)
		})
	}
}

// TestEthTxSenderErrorKinds: a rejection errors the task for good, an
// unreachable chain or database pauses it in pending_connection with its
// input, anything else is a transient fault to retry.
func TestEthTxSenderErrorKinds(t *testing.T) {
	const to = "0x00000000000000000000000000000000000000dd"
	tests := []struct {
		name      string
		err       error
		status    models.RunStatus
		retryable bool
	}{
		{"rejected", fmt.Errorf("creating tx: %w: to address is required", adapters.ErrTxRejected), models.RunStatusErrored, false},
		{"unavailable", fmt.Errorf("%w: reading latest header: not connected", adapters.ErrTxUnavailable), models.RunStatusPendingConnection, false},
		{"other", errors.New("nonce trouble"), models.RunStatusErrored, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := models.RunInput{TaskRunID: "tr1", Data: models.JSON(`{"result":"0x01"}`)}
			out := performEthTx(t, &recordingTxSender{err: tt.err}, in, `{"address":"`+to+`"}`)
			require.Equal(t, tt.status, out.Status)
			require.Equal(t, tt.retryable, out.Retryable)
			assert.Contains(t, out.Error, tt.err.Error())
			if tt.status == models.RunStatusPendingConnection {
				require.JSONEq(t, string(in.Data), string(out.Data), "paused with its input, to be performed again")
			}
		})
	}
}

func TestEthTxResumedDoesNotResend(t *testing.T) {
	sender := &recordingTxSender{}
	out := performEthTx(t, sender, models.RunInput{Data: models.JSON(`{"result":"0xabc"}`), Status: models.RunStatusPendingOutgoingConfirmations},
		`{"address":"0x00000000000000000000000000000000000000dd"}`)
	assert.Equal(t, models.RunStatusPendingOutgoingConfirmations, out.Status)
	assert.Empty(t, sender.sent)
}

func TestEthTxValidate(t *testing.T) {
	assert.Empty(t, validate(t, "ethtx", `{}`))
	assert.Empty(t, validate(t, "ethtx", `{"address":"0x00000000000000000000000000000000000000dd","functionSelector":"fulfill(bytes32,uint256)","dataPrefix":"0x01","format":"Uint256","gasLimit":"500000"}`))
	assert.Equal(t, []string{
		"address: must be a 20-byte hex address",
		"fromAddress: must be a 20-byte hex address",
		"functionSelector: must be 0x and 8 hex digits or a signature like fulfill(bytes32,uint256)",
		"dataPrefix: must be 0x hex bytes",
		"format: must be one of bytes32, uint256, int256, bool, none",
		"gasLimit: must be a positive integer",
	}, validate(t, "ethtx", `{"address":"x","fromAddress":"0x1","functionSelector":"0x123","dataPrefix":"zz","format":"string","gasLimit":0}`))
}
