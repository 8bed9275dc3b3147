package models

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// OracleRequestEventABI is the ABI of the classic Oracle's request event.
const OracleRequestEventABI = `[{"type":"event","name":"OracleRequest","anonymous":false,"inputs":[
{"name":"specId","type":"bytes32","indexed":true},
{"name":"requester","type":"address","indexed":false},
{"name":"requestId","type":"bytes32","indexed":false},
{"name":"payment","type":"uint256","indexed":false},
{"name":"callbackAddr","type":"address","indexed":false},
{"name":"callbackFunctionId","type":"bytes4","indexed":false},
{"name":"cancelExpiration","type":"uint256","indexed":false},
{"name":"dataVersion","type":"uint256","indexed":false},
{"name":"data","type":"bytes","indexed":false}]}]`

// Signatures of the Oracle's request event and fulfilment method.
const (
	OracleRequestEventSignature   = "OracleRequest(bytes32,address,bytes32,uint256,address,bytes4,uint256,uint256,bytes)"
	FulfillOracleRequestSignature = "fulfillOracleRequest(bytes32,uint256,address,bytes4,uint256,bytes32)"
)

var (
	// OracleRequestTopic is topic0 of an OracleRequest log.
	OracleRequestTopic = crypto.Keccak256Hash([]byte(OracleRequestEventSignature))
	// FulfillOracleRequestSelector starts a fulfilment's call data.
	FulfillOracleRequestSelector = SelectorFor(FulfillOracleRequestSignature)
)

// ErrNotOracleRequest says a log is not an OracleRequest event.
var ErrNotOracleRequest = errors.New("log is not an OracleRequest event")

var oracleRequestArgs = sync.OnceValues(func() (abi.Arguments, error) {
	parsed, err := abi.JSON(strings.NewReader(OracleRequestEventABI))
	if err != nil {
		return nil, fmt.Errorf("parsing OracleRequest ABI: %w", err)
	}
	ev, ok := parsed.Events["OracleRequest"]
	if !ok {
		return nil, errors.New("OracleRequest ABI has no OracleRequest event")
	}
	if ev.ID != OracleRequestTopic {
		return nil, fmt.Errorf("OracleRequest ABI topic %s, want %s", ev.ID, OracleRequestTopic)
	}
	return ev.Inputs.NonIndexed(), nil
})

// OracleRequest is a decoded OracleRequest log: the request's fields, the
// Oracle that emitted it (Address) and where the log sits on chain.
type OracleRequest struct {
	Address            common.Address // the Oracle contract
	SpecID             [32]byte
	Requester          common.Address
	RequestID          [32]byte
	Payment            *big.Int
	CallbackAddr       common.Address
	CallbackFunctionID [4]byte
	CancelExpiration   *big.Int
	DataVersion        *big.Int
	Data               []byte // CBOR parameters, see DecodeRequestParams

	BlockNumber uint64
	BlockHash   common.Hash
	TxHash      common.Hash
	LogIndex    uint
}

// DecodeOracleRequest decodes an OracleRequest log. It returns an error
// wrapping ErrNotOracleRequest for logs of other events, and an error for
// a malformed one; it never panics.
func DecodeOracleRequest(log types.Log) (*OracleRequest, error) {
	if len(log.Topics) == 0 || log.Topics[0] != OracleRequestTopic {
		return nil, ErrNotOracleRequest
	}
	if len(log.Topics) != 2 {
		return nil, fmt.Errorf("%w: %d topics, want 2", ErrNotOracleRequest, len(log.Topics))
	}
	args, err := oracleRequestArgs()
	if err != nil {
		return nil, err
	}
	vals, err := args.Unpack(log.Data)
	if err != nil {
		return nil, fmt.Errorf("decoding OracleRequest data: %w", err)
	}
	if len(vals) != 8 {
		return nil, fmt.Errorf("decoding OracleRequest data: %d values, want 8", len(vals))
	}
	req := &OracleRequest{
		Address:     log.Address,
		SpecID:      log.Topics[1],
		BlockNumber: log.BlockNumber,
		BlockHash:   log.BlockHash,
		TxHash:      log.TxHash,
		LogIndex:    log.Index,
	}
	var ok [8]bool
	req.Requester, ok[0] = vals[0].(common.Address)
	req.RequestID, ok[1] = vals[1].([32]byte)
	req.Payment, ok[2] = vals[2].(*big.Int)
	req.CallbackAddr, ok[3] = vals[3].(common.Address)
	req.CallbackFunctionID, ok[4] = vals[4].([4]byte)
	req.CancelExpiration, ok[5] = vals[5].(*big.Int)
	req.DataVersion, ok[6] = vals[6].(*big.Int)
	req.Data, ok[7] = vals[7].([]byte)
	for i, good := range ok {
		if !good {
			return nil, fmt.Errorf("decoding OracleRequest data: value %d has type %T", i, vals[i])
		}
	}
	return req, nil
}

// FulfillmentData returns the call data of fulfillOracleRequest answering
// req with answer: the selector, then the request's requestId, payment,
// callbackAddr, callbackFunctionId and cancelExpiration words, then the
// answer. A nil amount encodes as zero.
func FulfillmentData(req *OracleRequest, answer [32]byte) []byte {
	out := make([]byte, 0, 4+6*32)
	out = append(out, FulfillOracleRequestSelector[:]...)
	out = append(out, req.RequestID[:]...)
	out = append(out, uint256Word(req.Payment)...)
	out = append(out, common.LeftPadBytes(req.CallbackAddr[:], 32)...)
	out = append(out, common.RightPadBytes(req.CallbackFunctionID[:], 32)...)
	out = append(out, uint256Word(req.CancelExpiration)...)
	out = append(out, answer[:]...)
	return out
}

// uint256Word encodes x as a 32-byte word, two's complement modulo 2^256.
func uint256Word(x *big.Int) []byte {
	if x == nil {
		return make([]byte, 32)
	}
	return math.U256Bytes(new(big.Int).Set(x))
}
