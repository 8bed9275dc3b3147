package services_test

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestNewValidatorLooksUpBridgesAndKeys(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	bt := &models.BridgeType{Name: "coinprice", URL: "http://adapter.example", OutgoingToken: "out"}
	bt.SetIncomingToken("in")
	require.NoError(t, st.CreateBridgeType(ctx, bt))
	key := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	v := services.NewValidator(adapters.NewRegistry(adapters.Deps{}), st, func(a common.Address) bool { return a == key })

	tests := []struct {
		name string
		spec string
		ok   bool
	}{
		{"existing bridge", `{"initiators":[{"type":"web"}],"tasks":[{"type":"CoinPrice"}]}`, true},
		{"unknown bridge", `{"initiators":[{"type":"web"}],"tasks":[{"type":"nosuch"}]}`, false},
		{"node key", `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000bb","fromAddress":"` + key.Hex() + `"}}]}`, true},
		{"foreign key", `{"initiators":[{"type":"web"}],"tasks":[{"type":"ethtx","params":{"address":"0x00000000000000000000000000000000000000bb","fromAddress":"0x00000000000000000000000000000000000000cc"}}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job, err := models.ParseJobSpec([]byte(tt.spec))
			require.NoError(t, err)
			err = services.ValidateJob(ctx, job, v)
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}
