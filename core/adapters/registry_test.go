package adapters_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// bridgeTable finds bridges in a map. It stands in for the store's bridge
// queries, which are not written yet (issue 6).
type bridgeTable map[string]models.BridgeType

func (b bridgeTable) FindBridge(_ context.Context, name string) (*models.BridgeType, error) {
	if name == "broken" {
		return nil, errors.New("database is gone")
	}
	bt, ok := b[name]
	if !ok {
		return nil, nil
	}
	return &bt, nil
}

func TestRegistryNames(t *testing.T) {
	reg := adapters.NewRegistry(adapters.Deps{})
	assert.Equal(t, []string{"compare", "copy", "ethbool", "ethbytes32", "ethint256", "ethtx", "ethuint256",
		"httpget", "httppost", "jsonparse", "multiply", "noop", "quotient", "random", "resultcollect", "sleep"}, reg.Names())
	for _, name := range reg.Names() {
		a, ok := reg.Lookup(name)
		require.True(t, ok, name)
		require.NotNil(t, a)
	}
	_, ok := reg.Lookup("HttpGet")
	assert.True(t, ok, "lookup is case-insensitive")
	_, ok = reg.Lookup("coinprice")
	assert.False(t, ok, "bridges are not built-ins")
}

func TestRegistryForTask(t *testing.T) {
	reg := adapters.NewRegistry(adapters.Deps{Bridges: bridgeTable{"coinprice": {Name: "coinprice", URL: "http://127.0.0.1:1"}}})
	ctx := context.Background()

	a, err := reg.ForTask(ctx, "JsonParse")
	require.NoError(t, err)
	assert.IsType(t, adapters.JSONParse{}, a)

	a, err = reg.ForTask(ctx, "CoinPrice")
	require.NoError(t, err)
	assert.IsType(t, &adapters.Bridge{}, a)

	_, err = reg.ForTask(ctx, "nosuch")
	assert.ErrorIs(t, err, adapters.ErrUnknownTaskType)

	_, err = reg.ForTask(ctx, "broken")
	require.Error(t, err)
	assert.NotErrorIs(t, err, adapters.ErrUnknownTaskType)

	_, err = adapters.NewRegistry(adapters.Deps{}).ForTask(ctx, "coinprice")
	assert.ErrorIs(t, err, adapters.ErrUnknownTaskType, "without a bridge finder only built-ins exist")
}
