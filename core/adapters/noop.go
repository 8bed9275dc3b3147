package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// NoOp completes at once and passes its input on unchanged.
type NoOp struct{}

var _ Adapter = NoOp{}

// Validate accepts any params.
func (NoOp) Validate(models.JSON) error { return nil }

// Perform passes the input on.
func (NoOp) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	return models.NewRunOutputComplete(input.Data)
}
