package adapters

import (
	"context"
	"fmt"
	"time"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Sleep pauses the run until "until" (an RFC3339 time or Unix seconds).
// Before then it returns pending_sleep with WakeAt set, and the runner
// saves the wake time so the sleep survives a restart; performed again at
// or after that time it completes and passes its input on.
type Sleep struct {
	now func() time.Time
}

var _ Adapter = (*Sleep)(nil)

// Validate checks that until is set and is a time.
func (*Sleep) Validate(params models.JSON) error {
	_, err := sleepUntil(params)
	return err
}

// Perform sleeps or wakes.
func (s *Sleep) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	until, err := sleepUntil(params)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	if !s.now().Before(until) {
		return models.NewRunOutputComplete(input.Data)
	}
	out := models.NewRunOutputPending(models.RunStatusPendingSleep, input.Data)
	out.WakeAt = &until
	return out
}

func sleepUntil(params models.JSON) (time.Time, error) {
	p := readParams(params)
	raw, _ := p.raw("until")
	if raw == nil {
		p.ve.Add("until", "is required")
		return time.Time{}, p.err()
	}
	t, err := models.ParseAnyTime(raw)
	if err != nil {
		p.ve.Add("until", "%s", err)
	}
	if err := p.err(); err != nil {
		return time.Time{}, err
	}
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("until: must be a time")
	}
	return t, nil
}
