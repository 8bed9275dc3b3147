package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Copy sets data.result to the value at "copyPath" in the run's data, a
// path in the form jsonparse takes.
type Copy struct{}

var _ Adapter = Copy{}

// Validate checks that copyPath, if set, is an array or a string.
func (Copy) Validate(params models.JSON) error {
	p := readParams(params)
	p.path("copyPath")
	return p.err()
}

// Perform copies the value.
func (Copy) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	p := readParams(params)
	path, _ := p.path("copyPath")
	if err := p.err(); err != nil {
		return models.NewRunOutputError(err)
	}
	data := input.Data
	if data.IsNull() {
		data = models.JSON("{}")
	}
	v, err := walkJSON([]byte(data), path)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	return models.NewRunOutputCompleteWithResult(input.Data, v)
}
