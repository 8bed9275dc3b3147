package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// EthUint256 ABI-encodes data.result as a uint256 word; a fraction is dropped toward zero and a
// negative or too large value is an error. The result becomes "0x" and 64
// hex digits, ready for ethtx.
type EthUint256 struct{}

var _ Adapter = EthUint256{}

// Validate accepts any params: EthUint256 takes none.
func (EthUint256) Validate(models.JSON) error { return nil }

// Perform encodes the result.
func (EthUint256) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	w, err := uint256Word(input.Result())
	return wordResult(input, w, err)
}
