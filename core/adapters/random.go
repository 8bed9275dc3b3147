package adapters

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Random sets data.result to a uniformly random uint256 from crypto/rand,
// as a decimal string. It is not verifiable randomness: consumers must
// trust the node.
type Random struct{}

var _ Adapter = Random{}

// Validate accepts any params.
func (Random) Validate(models.JSON) error { return nil }

// Perform draws the number.
func (Random) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 256))
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("random: %w", err))
	}
	return models.NewRunOutputCompleteWithResult(input.Data, n.String())
}
