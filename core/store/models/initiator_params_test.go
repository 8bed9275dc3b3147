package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestParseInitiatorParams(t *testing.T) {
	const addr = "0x9FBDa871d559710256a2502A2517b794B482Db40"
	topic := "0x0000000000000000000000000000000000000000000000000000000000000001"
	tests := []struct {
		name    string
		typ     string
		params  string
		check   func(t *testing.T, ip models.InitiatorParams)
		wantErr []string
	}{
		{"web", "web", `{"anything":1}`, nil, nil},
		{"runlog empty", "runlog", `{}`, func(t *testing.T, ip models.InitiatorParams) {
			assert.Nil(t, ip.Address)
			assert.Empty(t, ip.Requesters)
		}, nil},
		{"runlog full", "runlog", `{"Address":"` + addr + `","requesters":["` + addr + `"]}`, func(t *testing.T, ip models.InitiatorParams) {
			assert.Equal(t, common.HexToAddress(addr), *ip.Address)
			assert.Equal(t, []common.Address{common.HexToAddress(addr)}, ip.Requesters)
		}, nil},
		{"runlog bad", "runlog", `{"address":"0x12","requesters":["` + addr + `", 5]}`, nil,
			[]string{"params.address: must be a 20-byte hex address", "params.requesters[1]: must be a 20-byte hex address"}},
		{"runlog requesters not array", "runlog", `{"requesters":"` + addr + `"}`, nil,
			[]string{"params.requesters: must be an array of addresses"}},
		{"ethlog", "ethlog", `{"address":"` + addr + `","topics":[null,"` + topic + `",["` + topic + `"]]}`, func(t *testing.T, ip models.InitiatorParams) {
			require.Len(t, ip.Topics, 3)
			assert.Empty(t, ip.Topics[0])
			assert.Equal(t, []common.Hash{common.HexToHash(topic)}, ip.Topics[1])
			assert.Equal(t, []common.Hash{common.HexToHash(topic)}, ip.Topics[2])
		}, nil},
		{"ethlog missing address", "ethlog", `{"topics":["0x01"]}`, nil,
			[]string{"params.address: is required", "params.topics[0]: must be a 32-byte hex topic"}},
		{"cron seconds", "cron", `{"schedule":"*/5 * * * * *"}`, nil, nil},
		{"cron five fields", "cron", `{"schedule":"0 * * * *"}`, nil, nil},
		{"cron tz", "cron", `{"schedule":"CRON_TZ=America/New_York 0 0 9 * * MON-FRI"}`, nil, nil},
		{"cron descriptor", "cron", `{"schedule":"@every 1m"}`, nil, nil},
		{"cron bad", "cron", `{"schedule":"every minute"}`, nil, []string{"params.schedule: invalid cron schedule"}},
		{"cron bad tz", "cron", `{"schedule":"CRON_TZ=Mars/Olympus * * * * *"}`, nil, []string{"params.schedule: invalid cron schedule"}},
		{"cron missing", "cron", `{}`, nil, []string{"params.schedule: is required"}},
		{"cron zone only", "cron", `{"schedule":"TZ="}`, nil, []string{"params.schedule: invalid cron schedule"}},
		{"cron zone only, long form", "cron", `{"schedule":"CRON_TZ=UTC"}`, nil, []string{"params.schedule: invalid cron schedule"}},
		{"runat", "runat", `{"time":"2030-01-01T00:00:00Z"}`, func(t *testing.T, ip models.InitiatorParams) {
			assert.True(t, ip.Time.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
		}, nil},
		{"runat unix", "runat", `{"time":1893456000}`, func(t *testing.T, ip models.InitiatorParams) {
			assert.True(t, ip.Time.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
		}, nil},
		{"runat bad", "runat", `{"time":"tomorrow"}`, nil, []string{"params.time: must be an RFC3339 time or Unix seconds"}},
		{"external", "external", `{"name":"my-ei"}`, func(t *testing.T, ip models.InitiatorParams) {
			assert.Equal(t, "my-ei", ip.Name)
		}, nil},
		{"external missing", "external", `{"name":" "}`, nil, []string{"params.name: must be a non-empty string"}},
		{"unknown", "runlogs", `{}`, nil, []string{`type: unknown initiator type "runlogs"`}},
		{"no type", "", `{}`, nil, []string{"type: is required"}},
		{"params not object", "web", `[]`, nil, []string{"params: must be an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, err := models.ParseInitiatorParams(tt.typ, models.JSON(tt.params))
			if len(tt.wantErr) == 0 {
				require.NoError(t, err)
				if tt.check != nil {
					tt.check(t, ip)
				}
				return
			}
			var ve *models.ValidationError
			require.True(t, errors.As(err, &ve), "ParseInitiatorParams(%s, %s) = %v", tt.typ, tt.params, err)
			require.Len(t, ve.Errors, len(tt.wantErr), "%v", ve)
			for i, w := range tt.wantErr {
				assert.Contains(t, ve.Errors[i].Error(), w)
			}
		})
	}
}

func TestParseCronScheduleTimeZone(t *testing.T) {
	utc, err := models.ParseCronSchedule("0 0 12 * * *")
	require.NoError(t, err)
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), utc.Next(from).UTC(), "UTC by default")

	berlin, err := models.ParseCronSchedule("CRON_TZ=Europe/Berlin 0 0 12 * * *")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC), berlin.Next(from).UTC(), "noon in Berlin in summer")
}
