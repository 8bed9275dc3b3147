package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestResultCollect(t *testing.T) {
	out := perform(t, "resultcollect", `{"result":"1"}`, `{}`)
	require.Equal(t, models.RunStatusCompleted, out.Status)
	assert.JSONEq(t, `{"result":"1","`+adapters.ResultCollectionKey+`":["1"]}`, string(out.Data))

	out = perform(t, "resultcollect", `{"result":2,"`+adapters.ResultCollectionKey+`":["1"]}`, `{}`)
	require.Equal(t, models.RunStatusCompleted, out.Status)
	assert.JSONEq(t, `{"result":2,"`+adapters.ResultCollectionKey+`":["1",2]}`, string(out.Data))

	out = perform(t, "resultcollect", `{"result":2,"`+adapters.ResultCollectionKey+`":"x"}`, `{}`)
	assert.Equal(t, models.RunStatusErrored, out.Status)
}
