package adapters

import (
	"context"
	"fmt"
	"strings"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// compareOps maps every accepted spelling of an operator to its name.
var compareOps = map[string]string{
	"eq": "eq", "==": "eq", "neq": "neq", "!=": "neq",
	"gt": "gt", ">": "gt", "gte": "gte", ">=": "gte",
	"lt": "lt", "<": "lt", "lte": "lte", "<=": "lte",
}

// Compare sets data.result to the bool "result <operator> value". The
// operator is eq, neq, gt, gte, lt or lte (or ==, !=, >, >=, <, <=).
// Numbers (or strings holding them) compare by value; other values
// compare as text, for eq and neq only.
type Compare struct{}

var _ Adapter = Compare{}

// Validate checks operator and value.
func (Compare) Validate(params models.JSON) error {
	_, _, err := compareParams(params)
	return err
}

// Perform compares.
func (Compare) Perform(_ context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	op, value, err := compareParams(params)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	result := input.Result()
	a, errA := decimalFromJSON(result)
	b, errB := decimalFromJSON(value)
	var truth bool
	if errA == nil && errB == nil {
		c := a.Cmp(b)
		truth = map[string]bool{"eq": c == 0, "neq": c != 0, "gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[op]
	} else {
		left, right := models.JSONText(result), models.JSONText(value)
		switch op {
		case "eq":
			truth = left == right
		case "neq":
			truth = left != right
		default:
			return models.NewRunOutputError(fmt.Errorf("compare: %q %s %q needs two numbers", left, op, right))
		}
	}
	return models.NewRunOutputCompleteWithResult(input.Data, truth)
}

func compareParams(params models.JSON) (string, []byte, error) {
	p := readParams(params)
	opText, ok := p.str("operator")
	op := compareOps[strings.ToLower(strings.TrimSpace(opText))]
	if ok && op == "" {
		p.ve.Add("operator", "must be one of eq, neq, gt, gte, lt, lte")
	} else if !ok && p.ve.Empty() {
		p.ve.Add("operator", "is required")
	}
	value, _ := p.raw("value")
	if value == nil {
		p.ve.Add("value", "is required")
	}
	return op, value, p.err()
}
