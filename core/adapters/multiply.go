package adapters

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Multiply multiplies data.result (a number or a string holding one) by
// "times", exactly, and leaves the product as a decimal string: an integer
// when it is one ("15000"), else the shortest exact decimal ("1.5"). Without
// times the result passes through as a decimal string.
type Multiply struct{}

var _ Adapter = Multiply{}

// Validate checks that times, if set, is a number.
func (Multiply) Validate(params models.JSON) error {
	p := readParams(params)
	p.number("times")
	return p.err()
}

// Perform multiplies.
func (Multiply) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	p := readParams(params)
	times, hasTimes := p.number("times")
	if err := p.err(); err != nil {
		return models.NewRunOutputError(err)
	}
	x, err := resultDecimal(input)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	if hasTimes {
		x = x.Mul(times)
	}
	return models.NewRunOutputCompleteWithResult(input.Data, x.String())
}

// resultDecimal reads data.result as an exact decimal.
func resultDecimal(input models.RunInput) (decimal.Decimal, error) {
	raw := input.Result()
	if isJSONNull(raw) {
		return decimal.Decimal{}, fmt.Errorf("no result to use as a number")
	}
	d, err := decimalFromJSON(raw)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("result %s: %w", raw, err)
	}
	return d, nil
}
