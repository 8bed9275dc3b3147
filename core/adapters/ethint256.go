package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// EthInt256 ABI-encodes data.result as a two's complement int256 word; a fraction is dropped
// toward zero and a value out of range is an error. The result becomes "0x" and 64
// hex digits, ready for ethtx.
type EthInt256 struct{}

var _ Adapter = EthInt256{}

// Validate accepts any params: EthInt256 takes none.
func (EthInt256) Validate(models.JSON) error { return nil }

// Perform encodes the result.
func (EthInt256) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	w, err := int256Word(input.Result())
	return wordResult(input, w, err)
}
