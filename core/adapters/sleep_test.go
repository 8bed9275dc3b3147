package adapters_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestSleep(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	reg := adapters.NewRegistry(adapters.Deps{Now: func() time.Time { return now }})
	sleep, _ := reg.Lookup("sleep")
	in := models.RunInput{Data: models.JSON(`{"result":"x"}`)}

	tests := []struct {
		name   string
		params string
		wake   *time.Time
	}{
		{"future RFC3339", `{"until":"2026-03-01T12:00:30Z"}`, ptr(now.Add(30 * time.Second))},
		{"future unix", `{"until":` + jsonInt(now.Add(time.Hour).Unix()) + `}`, ptr(now.Add(time.Hour))},
		{"now", `{"until":"2026-03-01T12:00:00Z"}`, nil},
		{"past", `{"until":"2020-01-01T00:00:00Z"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := sleep.Perform(context.Background(), in, models.JSON(tt.params))
			assert.JSONEq(t, `{"result":"x"}`, string(out.Data))
			if tt.wake == nil {
				assert.Equal(t, models.RunStatusCompleted, out.Status)
				assert.Nil(t, out.WakeAt)
				return
			}
			assert.Equal(t, models.RunStatusPendingSleep, out.Status)
			require.NotNil(t, out.WakeAt)
			assert.True(t, out.WakeAt.Equal(*tt.wake), "WakeAt %s, want %s", out.WakeAt, tt.wake)
		})
	}
	assert.Equal(t, []string{"until: is required"}, validate(t, "sleep", `{}`))
	assert.Equal(t, []string{"until: must be an RFC3339 time or Unix seconds"}, validate(t, "sleep", `{"until":"soon"}`))
}

func ptr[T any](v T) *T { return &v }

func jsonInt(n int64) string { return strconv.FormatInt(n, 10) }
