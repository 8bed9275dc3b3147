package adapters_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestCopy(t *testing.T) {
	data := `{"result":"old","price":{"usd":[1,2.50]},"name":"x"}`
	requireResult(t, perform(t, "copy", data, `{"copyPath":["price","usd",1]}`), `2.50`)
	requireResult(t, perform(t, "copy", data, `{"copyPath":"name"}`), `"x"`)
	requireResult(t, perform(t, "copy", data, `{"copyPath":["missing"]}`), `null`)
	out := perform(t, "copy", data, `{"copyPath":["missing","deeper"]}`)
	require.Equal(t, models.RunStatusErrored, out.Status)
	assert.Equal(t, []string{"copyPath: must be an array of keys or a dotted string"}, validate(t, "copy", `{"copyPath":{}}`))
}
