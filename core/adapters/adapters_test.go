package adapters_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// perform runs a built-in adapter of the default registry.
func perform(t *testing.T, taskType, data, params string) models.RunOutput {
	t.Helper()
	return performWith(t, adapters.NewRegistry(adapters.Deps{}), taskType, data, params)
}

func performWith(t *testing.T, reg *adapters.Registry, taskType, data, params string) models.RunOutput {
	t.Helper()
	a, ok := reg.Lookup(taskType)
	require.True(t, ok, "no adapter %s", taskType)
	in := models.RunInput{JobRunID: "run1", TaskRunID: "task1", Data: models.JSON(data), Status: models.RunStatusInProgress}
	return a.Perform(context.Background(), in, models.JSON(params))
}

// requireResult asserts a completed output whose data.result is want (JSON).
func requireResult(t *testing.T, out models.RunOutput, want string) {
	t.Helper()
	require.Equal(t, models.RunStatusCompleted, out.Status, "error: %s", out.Error)
	assert.JSONEq(t, want, string(out.Result()), "data: %s", out.Data)
}

// validate runs a built-in adapter's Validate and returns the error strings.
func validate(t *testing.T, taskType, params string) []string {
	t.Helper()
	a, ok := adapters.NewRegistry(adapters.Deps{}).Lookup(taskType)
	require.True(t, ok)
	err := a.Validate(models.JSON(params))
	if err == nil {
		return nil
	}
	ve, ok := err.(*models.ValidationError)
	require.True(t, ok, "Validate error %T, want *models.ValidationError", err)
	var out []string
	for _, f := range ve.Errors {
		out = append(out, f.Error())
	}
	return out
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
