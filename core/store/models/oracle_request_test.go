package models_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// oracleABI is the ABI of the Oracle contract as compiled from
// evm-contracts, so these tests check models against the real contract.
func oracleABI(t *testing.T) abi.ABI {
	t.Helper()
	parsed, err := abi.JSON(strings.NewReader(oracle.OracleMetaData.ABI))
	require.NoError(t, err)
	return parsed
}

func TestOracleRequestTopicMatchesContract(t *testing.T) {
	ev := oracleABI(t).Events["OracleRequest"]
	assert.Equal(t, ev.ID, models.OracleRequestTopic)
	assert.Equal(t, models.OracleRequestEventSignature, ev.Sig)
	assert.Equal(t, oracleABI(t).Methods["fulfillOracleRequest"].ID, models.FulfillOracleRequestSelector[:])
}

func requestLog(t *testing.T, payment *big.Int, data []byte) (types.Log, *models.OracleRequest) {
	t.Helper()
	want := &models.OracleRequest{
		Address:            common.HexToAddress("0x00000000000000000000000000000000000000aa"),
		SpecID:             models.SpecIDForJob("0123456789abcdef0123456789abcdef"),
		Requester:          common.HexToAddress("0x00000000000000000000000000000000000000bb"),
		RequestID:          common.HexToHash("0x1111111111111111111111111111111111111111111111111111111111111111"),
		Payment:            payment,
		CallbackAddr:       common.HexToAddress("0x00000000000000000000000000000000000000cc"),
		CallbackFunctionID: [4]byte{0xde, 0xad, 0xbe, 0xef},
		CancelExpiration:   big.NewInt(1_800_000_300),
		DataVersion:        big.NewInt(1),
		Data:               data,
		BlockNumber:        42,
		BlockHash:          common.HexToHash("0x4242"),
		TxHash:             common.HexToHash("0x7777"),
		LogIndex:           3,
	}
	ev := oracleABI(t).Events["OracleRequest"]
	packed, err := ev.Inputs.NonIndexed().Pack(want.Requester, want.RequestID, want.Payment, want.CallbackAddr,
		want.CallbackFunctionID, want.CancelExpiration, want.DataVersion, want.Data)
	require.NoError(t, err)
	log := types.Log{
		Address:     want.Address,
		Topics:      []common.Hash{ev.ID, want.SpecID},
		Data:        packed,
		BlockNumber: want.BlockNumber,
		BlockHash:   want.BlockHash,
		TxHash:      want.TxHash,
		Index:       want.LogIndex,
	}
	return log, want
}

func TestDecodeOracleRequest(t *testing.T) {
	oneLink, _ := new(big.Int).SetString("1000000000000000000", 10)
	maxUint, _ := new(big.Int).SetString(strings.Repeat("f", 64), 16)
	for _, payment := range []*big.Int{oneLink, big.NewInt(0), maxUint} {
		log, want := requestLog(t, payment, []byte{0x63, 'g', 'e', 't', 0x61, 'x'})
		got, err := models.DecodeOracleRequest(log)
		require.NoError(t, err)
		assert.Equal(t, want.Payment.String(), got.Payment.String())
		want.Payment, got.Payment = nil, nil // big.Int zero has two representations
		assert.Equal(t, want, got)
	}
}

func TestDecodeOracleRequestRejects(t *testing.T) {
	good, _ := requestLog(t, big.NewInt(1), []byte{1, 2, 3})
	tests := []struct {
		name      string
		mutate    func(l *types.Log)
		notOracle bool
	}{
		{"no topics", func(l *types.Log) { l.Topics = nil }, true},
		{"other event", func(l *types.Log) { l.Topics[0] = common.HexToHash("0x01") }, true},
		{"missing specId", func(l *types.Log) { l.Topics = l.Topics[:1] }, true},
		{"extra topic", func(l *types.Log) { l.Topics = append(l.Topics, common.Hash{}) }, true},
		{"short data", func(l *types.Log) { l.Data = l.Data[:100] }, false},
		{"empty data", func(l *types.Log) { l.Data = nil }, false},
		{"bytes offset out of range", func(l *types.Log) { l.Data[7*32+31] = 0xff }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := good
			l.Topics = append([]common.Hash(nil), good.Topics...)
			l.Data = append([]byte(nil), good.Data...)
			tt.mutate(&l)
			got, err := models.DecodeOracleRequest(l)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Equal(t, tt.notOracle, errors.Is(err, models.ErrNotOracleRequest), "errors.Is(%v, ErrNotOracleRequest)", err)
		})
	}
}

func TestFulfillmentDataMatchesContractABI(t *testing.T) {
	log, _ := requestLog(t, big.NewInt(5e17), nil)
	req, err := models.DecodeOracleRequest(log)
	require.NoError(t, err)
	answer := common.HexToHash("0x00000000000000000000000000000000000000000000000000000000000f4240")

	got := models.FulfillmentData(req, answer)
	want := oracle.NewOracle().PackFulfillOracleRequest(req.RequestID, req.Payment, req.CallbackAddr,
		req.CallbackFunctionID, req.CancelExpiration, answer)
	assert.Equal(t, want, got)
	assert.Len(t, got, 4+6*32)

	// The same data from the stored form of the request.
	rr := models.NewRunRequest(req, models.JSON(`{}`))
	back, ok := rr.OracleRequest()
	require.True(t, ok)
	assert.Equal(t, got, models.FulfillmentData(back, answer))

	empty := models.RunRequest{}
	_, ok = empty.OracleRequest()
	assert.False(t, ok, "a run request without a log is not an oracle request")
}
