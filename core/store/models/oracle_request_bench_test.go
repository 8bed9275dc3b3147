package models_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/fxamacker/cbor/v2"

	"github.com/pythia-oracle/pythia/core/internal/gethwrappers/oracle"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// benchRequestLog is an OracleRequest log as ExampleConsumer.requestPrice
// emits it: get, path and times as CBOR pairs without a map header.
func benchRequestLog(b *testing.B, jobID string) types.Log {
	b.Helper()
	parsed, err := abi.JSON(strings.NewReader(oracle.OracleMetaData.ABI))
	if err != nil {
		b.Fatal(err)
	}
	var params []byte
	for _, kv := range []struct {
		k string
		v any
	}{{"get", "http://127.0.0.1:8080/price?symbol=ETH"}, {"path", "USD"}, {"times", 100}} {
		for _, x := range []any{kv.k, kv.v} {
			enc, err := cbor.Marshal(x)
			if err != nil {
				b.Fatal(err)
			}
			params = append(params, enc...)
		}
	}
	ev := parsed.Events["OracleRequest"]
	data, err := ev.Inputs.NonIndexed().Pack(common.HexToAddress("0xbb"), common.HexToHash("0x11"), big.NewInt(1e15),
		common.HexToAddress("0xcc"), [4]byte{0xde, 0xad, 0xbe, 0xef}, big.NewInt(1_800_000_300), big.NewInt(1), params)
	if err != nil {
		b.Fatal(err)
	}
	return types.Log{Address: common.HexToAddress("0xaa"), Topics: []common.Hash{ev.ID, models.SpecIDForJob(jobID)},
		Data: data, BlockNumber: 42, BlockHash: common.HexToHash("0x4242"), TxHash: common.HexToHash("0x7777"), Index: 3}
}

// BenchmarkDecodeAndMatchOracleRequest is the per-log cost before a run
// is created: decode the OracleRequest, match its specId against the job,
// and decode its CBOR parameters into the run's JSON input.
func BenchmarkDecodeAndMatchOracleRequest(b *testing.B) {
	const jobID = "0123456789abcdef0123456789abcdef"
	log := benchRequestLog(b, jobID)
	b.ReportAllocs()
	for b.Loop() {
		req, err := models.DecodeOracleRequest(log)
		if err != nil {
			b.Fatal(err)
		}
		if !models.SpecIDMatches(jobID, req.SpecID) {
			b.Fatal("the job does not match its own specId")
		}
		if _, err := models.DecodeRequestParamsJSON(req.Data); err != nil {
			b.Fatal(err)
		}
	}
}
