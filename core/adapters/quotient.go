package adapters

import (
	"context"
	"errors"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// quotientPrecision is how many decimal places a quotient keeps.
const quotientPrecision = 18

// Quotient divides "dividend" by data.result and leaves the quotient as a
// decimal string, rounded to 18 decimal places (exact when it fits).
// Without dividend the result passes through.
type Quotient struct{}

var _ Adapter = Quotient{}

// Validate checks that dividend, if set, is a number.
func (Quotient) Validate(params models.JSON) error {
	p := readParams(params)
	p.number("dividend")
	return p.err()
}

// Perform divides.
func (Quotient) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	p := readParams(params)
	dividend, ok := p.number("dividend")
	if err := p.err(); err != nil {
		return models.NewRunOutputError(err)
	}
	x, err := resultDecimal(input)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	if !ok {
		return models.NewRunOutputCompleteWithResult(input.Data, x.String())
	}
	if x.IsZero() {
		return models.NewRunOutputError(errors.New("quotient: division by zero"))
	}
	return models.NewRunOutputCompleteWithResult(input.Data, dividend.DivRound(x, quotientPrecision).String())
}
