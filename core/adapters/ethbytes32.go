package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// EthBytes32 ABI-encodes data.result as the text of the result right-padded with zeros and cut to 32
// bytes, as the classic node did. The result becomes "0x" and 64
// hex digits, ready for ethtx.
type EthBytes32 struct{}

var _ Adapter = EthBytes32{}

// Validate accepts any params: EthBytes32 takes none.
func (EthBytes32) Validate(models.JSON) error { return nil }

// Perform encodes the result.
func (EthBytes32) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	return wordResult(input, bytes32Word(input.Result()), nil)
}
