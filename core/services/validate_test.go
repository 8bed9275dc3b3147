package services_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store/models"
)

const (
	oracleAddr = "0x9FBDa871d559710256a2502A2517b794B482Db40"
	nodeKey    = "0x00000000000000000000000000000000000000ee"
)

// validator looks bridges and keys up in fixed sets, standing in for the
// store's queries, which are not written yet (issue 6).
func validator() services.Validator {
	return services.Validator{
		Adapters: adapters.NewRegistry(adapters.Deps{}),
		BridgeExists: func(_ context.Context, name string) (bool, error) {
			if name == "flaky" {
				return false, errors.New("database is gone")
			}
			return name == "coinprice", nil
		},
		KeyExists: func(_ context.Context, addr common.Address) (bool, error) {
			return addr == common.HexToAddress(nodeKey), nil
		},
	}
}

func validateSpec(t *testing.T, doc string) []string {
	t.Helper()
	spec, err := models.ParseJobSpec([]byte(doc))
	require.NoError(t, err, "ParseJobSpec(%s)", doc)
	err = services.ValidateJob(context.Background(), spec, validator())
	if err == nil {
		return nil
	}
	var ve *models.ValidationError
	require.True(t, errors.As(err, &ve), "ValidateJob error %T %v, want *models.ValidationError", err, err)
	var out []string
	for _, f := range ve.Errors {
		out = append(out, f.Error())
	}
	return out
}

func TestValidateJobAccepts(t *testing.T) {
	tests := map[string]string{
		"classic runlog": `{"initiators":[{"type":"RunLog","params":{"address":"` + oracleAddr + `"}}],
			"tasks":[{"type":"HttpGet"},{"type":"JsonParse"},{"type":"Multiply","params":{"times":100}},{"type":"EthUint256"},{"type":"EthTx"}],
			"minPayment":"1000000000000000000"}`,
		"runlog with fromAddress and bridge": `{"initiators":[{"type":"runlog","params":{"requesters":["` + nodeKey + `"]}}],
			"tasks":[{"type":"CoinPrice","params":{"coin":"ETH"}},{"type":"ethtx","params":{"fromAddress":"` + nodeKey + `","format":"uint256"}}]}`,
		"web to a contract": `{"initiators":[{"type":"web"}],"tasks":[{"type":"random"},
			{"type":"ethtx","params":{"address":"` + oracleAddr + `","functionSelector":"setRandom(uint256)","format":"uint256"}}]}`,
		"cron and runat": `{"initiators":[{"type":"cron","params":{"schedule":"CRON_TZ=UTC 0 */5 * * * *"}},
			{"type":"runat","params":{"time":"2030-01-01T00:00:00Z"}}],
			"tasks":[{"type":"httppost","params":{"url":"https://example.com","body":{"a":1}}},{"type":"sleep","params":{"until":"2030-01-02T00:00:00Z"}}],
			"startAt":"2029-01-01T00:00:00Z","endAt":"2031-01-01T00:00:00Z","minPayment":0}`,
		"ethlog and external": `{"initiators":[{"type":"ethlog","params":{"address":"` + oracleAddr + `"}},{"type":"external","params":{"name":"ei"}}],
			"tasks":[{"type":"noop"}]}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, validateSpec(t, doc))
		})
	}
}

func TestValidateJobReportsEveryProblem(t *testing.T) {
	doc := `{"initiators":[{"type":"runlog","params":{"address":"0x12"}},{"type":"ethlog"},{"type":"cron","params":{"schedule":"often"}},{"type":"bogus"}],
		"tasks":[{"type":"httpget","params":{"get":"ftp://x"}},{"type":"nosuch"},{"type":"multiply","params":{"times":"ten"}},
			{"type":"ethtx","params":{"address":"` + oracleAddr + `","functionSelector":"0x12345678","fromAddress":"` + oracleAddr + `"}},
			{"type":"ethtx"},{"type":""}],
		"startAt":"2030-01-01T00:00:00Z","endAt":"2029-01-01T00:00:00Z","minPayment":"-5"}`
	assert.Equal(t, []string{
		"initiators[0].params.address: must be a 20-byte hex address",
		"initiators[1].params.address: is required",
		"initiators[2].params.schedule: invalid cron schedule: expected 5 to 6 fields, found 1: [often]",
		`initiators[3].type: unknown initiator type "bogus", want one of web, runlog, ethlog, cron, runat, external`,
		"tasks[0].params.get: must be an http or https URL",
		`tasks[1].type: unknown task type "nosuch": not a built-in adapter or a bridge`,
		"tasks[2].params.times: must be a number",
		"tasks[3].params.address: may not be set in a runlog job: the answer goes to the requesting Oracle",
		"tasks[3].params.functionSelector: may not be set in a runlog job: the answer is a fulfillOracleRequest call",
		"tasks[3].params.fromAddress: " + common.HexToAddress(oracleAddr).Hex() + " is not one of the node's keys",
		"tasks[4].type: a runlog job may have at most one ethtx task",
		"tasks[5].type: is required",
		"endAt: must be after startAt",
		`minPayment: must be a non-negative integer amount of juels, like "1000000000000000000"`,
	}, validateSpec(t, doc))
}

func TestValidateJobSmallCases(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"empty", `{}`, []string{"initiators: at least one initiator is required", "tasks: at least one task is required"}},
		{"fractional minPayment", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}],"minPayment":"1.5"}`,
			[]string{`minPayment: must be a non-negative integer amount of juels, like "1000000000000000000"`}},
		{"equal start and end", `{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}],"startAt":"2030-01-01T00:00:00Z","endAt":"2030-01-01T00:00:00Z"}`,
			[]string{"endAt: must be after startAt"}},
		{"two ethtx outside runlog", `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx"},{"type":"ethtx"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validateSpec(t, tt.doc))
		})
	}
}

func TestValidateJobLookupFailure(t *testing.T) {
	spec, err := models.ParseJobSpec([]byte(`{"initiators":[{"type":"web"}],"tasks":[{"type":"flaky"}]}`))
	require.NoError(t, err)
	err = services.ValidateJob(context.Background(), spec, validator())
	require.Error(t, err)
	var ve *models.ValidationError
	assert.False(t, errors.As(err, &ve), "a failed lookup is not the spec's fault")
	assert.Contains(t, err.Error(), "database is gone")
}

func TestValidateJobNilAndBareValidator(t *testing.T) {
	assert.Error(t, services.ValidateJob(context.Background(), nil, services.Validator{}))
	spec, err := models.ParseJobSpec([]byte(`{"initiators":[{"type":"web"}],"tasks":[{"type":"coinprice"},{"type":"ethtx","params":{"fromAddress":"` + nodeKey + `"}}]}`))
	require.NoError(t, err)
	err = services.ValidateJob(context.Background(), spec, services.Validator{})
	require.Error(t, err, "without lookups there are no bridges and no keys")
	assert.Contains(t, err.Error(), `unknown task type "coinprice"`)
	assert.Contains(t, err.Error(), "is not one of the node's keys")
}

func TestValidateInitiator(t *testing.T) {
	assert.NoError(t, services.ValidateInitiator(models.Initiator{Type: "web"}))
	err := services.ValidateInitiator(models.Initiator{Type: "runat", Params: models.JSON(`{"time":"noon"}`)})
	assert.EqualError(t, err, "params.time: must be an RFC3339 time or Unix seconds")
}

func TestValidateBridgeType(t *testing.T) {
	zero, neg := "0", "-1"
	tests := []struct {
		name string
		bt   *models.BridgeType
		want string
	}{
		{"ok", &models.BridgeType{Name: "coin_price-2", URL: "https://adapter.example:8080/path", MinimumContractPayment: &zero}, ""},
		{"nil", nil, "no bridge"},
		{"missing all", &models.BridgeType{}, "name: is required; url: is required"},
		{"upper case", &models.BridgeType{Name: "CoinPrice", URL: "http://a"}, "name: must be 1 to 64 lowercase letters, digits, '_' or '-'"},
		{"spaces", &models.BridgeType{Name: "coin price", URL: "http://a"}, "name: must be 1 to 64 lowercase letters, digits, '_' or '-'"},
		{"too long", &models.BridgeType{Name: strings.Repeat("a", 65), URL: "http://a"}, "name: must be 1 to 64 lowercase letters, digits, '_' or '-'"},
		{"adapter name", &models.BridgeType{Name: "httpget", URL: "http://a"}, `name: "httpget" is a built-in adapter`},
		{"ftp", &models.BridgeType{Name: "b", URL: "ftp://a"}, "url: must be an http or https URL"},
		{"no host", &models.BridgeType{Name: "b", URL: "http:///x"}, "url: must be a URL with a host"},
		{"relative", &models.BridgeType{Name: "b", URL: "/adapter"}, "url: must be an http or https URL"},
		{"negative payment", &models.BridgeType{Name: "b", URL: "http://a", MinimumContractPayment: &neg}, "minimumContractPayment: must be a non-negative integer amount of juels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := services.ValidateBridgeType(tt.bt, validator())
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.want)
		})
	}
}

// FuzzValidateJob checks that parsing and validating any document never
// panics.
func FuzzValidateJob(f *testing.F) {
	f.Add([]byte(`{"initiators":[{"type":"runlog"}],"tasks":[{"type":"httpget","params":{"get":"http://x","queryParams":{"a":[1]}}},{"type":"ethtx","params":{"format":"uint256"}}]}`))
	f.Add([]byte(`{"initiators":[{"type":"cron","params":{"schedule":"CRON_TZ=Asia/Tokyo @daily"}}],"tasks":[{"type":"compare","params":{"operator":"gt","value":{}}},{"type":"sleep","params":{"until":-1}}]}`))
	f.Add([]byte(`{"initiators":[{"type":"ethlog","params":{"topics":[[null]]}}],"tasks":[{"type":"jsonparse","params":{"path":[[]]}},{"type":"multiply","params":{"times":"1e999999"}}]}`))
	v := validator()
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := models.ParseJobSpec(data)
		if err != nil {
			return
		}
		_ = services.ValidateJob(context.Background(), spec, v)
	})
}
