package subscriber

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

var (
	oracleAddr = common.HexToAddress("0x00000000000000000000000000000000000000aa")
	tokenAddr  = common.HexToAddress("0x00000000000000000000000000000000000000bb")
	requester  = common.HexToAddress("0x00000000000000000000000000000000000000cc")
	jobID      = "4c7b7ffb66b344fbaa64995af81e355a"
	// getPath is {"get":"https://x","path":"p"} as the consumer's CBOR
	// buffer: key/value pairs with no map header.
	getPath = cborTexts("get", "https://x", "path", "p")
)

// cborTexts encodes short strings (under 24 bytes) back to back.
func cborTexts(ss ...string) []byte {
	var out []byte
	for _, s := range ss {
		out = append(out, 0x60+byte(len(s)))
		out = append(out, s...)
	}
	return out
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// requestLog builds an OracleRequest log of the Oracle for specID with
// the given CBOR data.
func requestLog(t testing.TB, specID [32]byte, data []byte) types.Log {
	t.Helper()
	parsed, err := abi.JSON(strings.NewReader(models.OracleRequestEventABI))
	require.NoError(t, err)
	packed, err := parsed.Events["OracleRequest"].Inputs.NonIndexed().Pack(
		requester, [32]byte{1}, big.NewInt(1e18), requester, [4]byte{0xde, 0xad, 0xbe, 0xef}, big.NewInt(1700000000), big.NewInt(1), data)
	require.NoError(t, err)
	return types.Log{
		Address:     oracleAddr,
		Topics:      []common.Hash{models.OracleRequestTopic, specID},
		Data:        packed,
		BlockNumber: 7,
		BlockHash:   common.Hash{7},
		TxHash:      common.Hash{8},
		Index:       2,
	}
}

func job(t testing.TB, id string, inits ...models.Initiator) *models.JobSpec {
	t.Helper()
	for i := range inits {
		inits[i].JobSpecID = id
	}
	return &models.JobSpec{ID: id, Initiators: inits}
}

func mustEntries(t testing.TB, jobs ...*models.JobSpec) []entry {
	t.Helper()
	var out []entry
	for _, j := range jobs {
		es, err := entriesFor(j, nil)
		require.NoError(t, err)
		out = append(out, es...)
	}
	return out
}

func TestEntriesFor(t *testing.T) {
	def := common.HexToAddress("0x00000000000000000000000000000000000000dd")
	tests := []struct {
		name     string
		initr    models.Initiator
		def      *common.Address
		want     []common.Address
		wantErr  string
		errIsNoO bool
	}{
		{"runlog with address", models.Initiator{Type: "runlog", Params: models.JSON(`{"address":"` + oracleAddr.Hex() + `"}`)}, &def, []common.Address{oracleAddr}, "", false},
		{"runlog takes the default oracle", models.Initiator{Type: "runlog"}, &def, []common.Address{def}, "", false},
		{"runlog without any oracle", models.Initiator{Type: "runlog", Params: models.JSON(`{}`)}, nil, nil, "no default oracle", true},
		{"ethlog with address", models.Initiator{Type: "ethlog", Params: models.JSON(`{"address":"` + tokenAddr.Hex() + `"}`)}, nil, []common.Address{tokenAddr}, "", false},
		{"ethlog without address", models.Initiator{Type: "ethlog", Params: models.JSON(`{}`)}, &def, nil, "params.address: is required", false},
		{"bad requesters", models.Initiator{Type: "runlog", Params: models.JSON(`{"requesters":"nope"}`)}, &def, nil, "params.requesters", false},
		{"web is not watched", models.Initiator{Type: "web"}, &def, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := entriesFor(job(t, jobID, tt.initr), tt.def)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, tt.errIsNoO, errors.Is(err, ErrNoOracleAddress))
				return
			}
			require.NoError(t, err)
			var got []common.Address
			for _, e := range es {
				got = append(got, e.address)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTopicsMatch(t *testing.T) {
	a, b, c := common.Hash{1}, common.Hash{2}, common.Hash{3}
	tests := []struct {
		name   string
		filter [][]common.Hash
		topics []common.Hash
		want   bool
	}{
		{"no filter matches anything", nil, nil, true},
		{"exact first topic", [][]common.Hash{{a}}, []common.Hash{a, b}, true},
		{"other first topic", [][]common.Hash{{a}}, []common.Hash{b}, false},
		{"one of several", [][]common.Hash{{b, a}}, []common.Hash{a}, true},
		{"wildcard position", [][]common.Hash{nil, {c}}, []common.Hash{a, c}, true},
		{"wildcard then mismatch", [][]common.Hash{nil, {c}}, []common.Hash{a, b}, false},
		{"filter longer than the log", [][]common.Hash{{a}, nil}, []common.Hash{a}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := topicsMatch(tt.filter, tt.topics); got != tt.want {
				t.Errorf("topicsMatch(%v, %v) = %v, want %v", tt.filter, tt.topics, got, tt.want)
			}
		})
	}
}

func TestMatchLog(t *testing.T) {
	runlog := job(t, jobID, models.Initiator{Type: "runlog", Params: models.JSON(`{"address":"` + oracleAddr.Hex() + `"}`)})
	ethlog := job(t, "00000000000000000000000000000001", models.Initiator{Type: "ethlog",
		Params: models.JSON(`{"address":"` + oracleAddr.Hex() + `"}`)})
	es := mustEntries(t, runlog, ethlog)
	good := requestLog(t, models.SpecIDForJob(jobID), getPath)

	other := good
	other.Topics = []common.Hash{crypto.Keccak256Hash([]byte("CancelOracleRequest(bytes32)")), {1}}
	truncated := good
	truncated.Data = good.Data[:len(good.Data)-40]
	oneTopic := good
	oneTopic.Topics = good.Topics[:1]
	badCBOR := requestLog(t, models.SpecIDForJob(jobID), []byte{0x63, 'g', 'e'})
	otherJob := requestLog(t, models.SpecIDForJob("ffffffffffffffffffffffffffffffff"), getPath)

	tests := []struct {
		name string
		log  types.Log
		want []string // initiator types of the deliveries, in order
	}{
		{"request for the job, seen by both", good, []string{"runlog", "ethlog"}},
		{"another event of the oracle", other, []string{"ethlog"}},
		{"truncated data is skipped by runlog", truncated, []string{"ethlog"}},
		{"missing specId topic", oneTopic, []string{"ethlog"}},
		{"malformed CBOR parameters", badCBOR, []string{"ethlog"}},
		{"request for another job", otherJob, []string{"ethlog"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range matchLog(es, tt.log, quiet()) {
				got = append(got, d.entry.initr.Type)
			}
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("request fields and input", func(t *testing.T) {
		ds := matchLog(es, good, quiet())
		require.Len(t, ds, 2)
		rl := ds[0]
		assert.JSONEq(t, `{"get":"https://x","path":"p"}`, string(rl.input))
		require.True(t, rl.req.IsOracleRequest())
		assert.Equal(t, requester, *rl.req.Requester)
		assert.Equal(t, oracleAddr, *rl.req.OracleAddress)
		assert.Equal(t, good.BlockHash, *rl.req.BlockHash)
		assert.Equal(t, good.Index, *rl.req.LogIndex)

		el := ds[1]
		var in map[string]any
		require.NoError(t, json.Unmarshal(el.input, &in))
		assert.Equal(t, "0x7", in["blockNumber"])
		assert.Equal(t, "0x2", in["logIndex"])
		assert.Equal(t, oracleAddr.Hex(), common.HexToAddress(in["address"].(string)).Hex())
		assert.Len(t, in["topics"], 2)
		assert.False(t, el.req.IsOracleRequest())
		assert.Equal(t, good.TxHash, *el.req.TxHash)
	})

	t.Run("requesters allow-list", func(t *testing.T) {
		deny := job(t, jobID, models.Initiator{Type: "runlog", Params: models.JSON(`{"address":"` + oracleAddr.Hex() +
			`","requesters":["` + tokenAddr.Hex() + `"]}`)})
		assert.Empty(t, matchLog(mustEntries(t, deny), good, quiet()))
		allow := job(t, jobID, models.Initiator{Type: "runlog", Params: models.JSON(`{"address":"` + oracleAddr.Hex() +
			`","requesters":["` + tokenAddr.Hex() + `","` + requester.Hex() + `"]}`)})
		assert.Len(t, matchLog(mustEntries(t, allow), good, quiet()), 1)
	})
}

// FuzzMatchLog feeds arbitrary logs of the Oracle's address to a runlog
// and an ethlog job: no panic, and every delivery's input is valid JSON.
func FuzzMatchLog(f *testing.F) {
	good := requestLog(f, models.SpecIDForJob(jobID), getPath)
	f.Add(good.Data, 2, true)
	f.Add(good.Data[:100], 2, true)
	f.Add([]byte{}, 0, false)
	f.Add(requestLog(f, models.SpecIDForJob(jobID), []byte{0xbf, 0x9f}).Data, 2, true)
	es := mustEntries(f,
		job(f, jobID, models.Initiator{Type: "runlog", Params: models.JSON(`{"address":"` + oracleAddr.Hex() + `"}`)}),
		job(f, "00000000000000000000000000000001", models.Initiator{Type: "ethlog",
			Params: models.JSON(`{"address":"` + oracleAddr.Hex() + `","topics":[null,["` + common.Hash(models.SpecIDForJob(jobID)).Hex() + `"]]}`)}))
	f.Fuzz(func(t *testing.T, data []byte, nTopics int, requestTopic bool) {
		nTopics = min(max(nTopics, 0), 5)
		l := types.Log{Address: oracleAddr, Data: data, BlockNumber: 1}
		for i := range nTopics {
			l.Topics = append(l.Topics, common.Hash{byte(i)})
		}
		if nTopics > 0 && requestTopic {
			l.Topics[0] = models.OracleRequestTopic
		}
		if nTopics > 1 {
			l.Topics[1] = models.SpecIDForJob(jobID)
		}
		for _, d := range matchLog(es, l, quiet()) {
			if !json.Valid(d.input) {
				t.Fatalf("delivery input %q is not JSON", d.input)
			}
			if d.req == nil || d.req.TxHash == nil || d.req.LogIndex == nil {
				t.Fatalf("delivery without the log's key: %+v", d.req)
			}
		}
	})
}
