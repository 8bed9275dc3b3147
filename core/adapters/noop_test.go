package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestNoOp(t *testing.T) {
	out := perform(t, "noop", `{"result":"x","a":1}`, `{"ignored":true}`)
	assert.Equal(t, models.RunStatusCompleted, out.Status)
	assert.JSONEq(t, `{"result":"x","a":1}`, string(out.Data))
	assert.Empty(t, validate(t, "noop", `{"anything":1}`))
}
