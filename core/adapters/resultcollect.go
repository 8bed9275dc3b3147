package adapters

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// ResultCollectionKey is the member of a run's data in which ResultCollect
// gathers results (the classic node's name).
const ResultCollectionKey = "__chainlink_result_collection__"

// ResultCollect appends data.result to the array in data's
// ResultCollectionKey member, so a later task can use several results.
// data.result is left as it was.
type ResultCollect struct{}

var _ Adapter = ResultCollect{}

// Validate accepts any params.
func (ResultCollect) Validate(models.JSON) error { return nil }

// Perform appends the result.
func (ResultCollect) Perform(_ context.Context, input models.RunInput, _ models.JSON) models.RunOutput {
	var collection []json.RawMessage
	if raw := models.JSONKey(input.Data, ResultCollectionKey); !isJSONNull(raw) {
		if err := json.Unmarshal(raw, &collection); err != nil {
			return models.NewRunOutputError(fmt.Errorf("resultcollect: %s is not an array", ResultCollectionKey))
		}
	}
	result := input.Result()
	if result == nil {
		result = json.RawMessage("null")
	}
	collection = append(collection, result)
	data, err := models.SetJSONKey(input.Data, ResultCollectionKey, collection)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("resultcollect: %w", err))
	}
	return models.NewRunOutputComplete(data)
}
