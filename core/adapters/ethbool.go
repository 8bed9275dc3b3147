package adapters

import (
	"context"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// EthBool ABI-encodes data.result as a bool word: true, a non-zero number, or a non-empty
// string other than "false" and "0" is true. The result becomes "0x" and 64
// hex digits, ready for ethtx.
type EthBool struct{}

var _ Adapter = EthBool{}

// Validate accepts any params: EthBool takes none.
func (EthBool) Validate(models.JSON) error { return nil }

// Perform encodes the result.
func (EthBool) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	w, err := boolWord(input.Result())
	return wordResult(input, w, err)
}
