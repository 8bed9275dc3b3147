package adapters

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Bridge calls an external adapter with the classic protocol. It POSTs
//
//	{"id": runID, "data": input data merged with the task's params,
//	 "responseURL": BridgeResponseURL/v2/runs/runID}
//
// with Content-Type exactly application/json (the common npm adapter
// framework refuses a charset) and the bridge's outgoing token as a bearer
// token. The answer {"data": {...}, "error": ..., "pending": bool} is read
// as: an error (a string, or an object with a message) errors the task; an
// HTTP status of 400 or more errors it even without one (retryably for
// 5xx, 408 and 429); "pending": true pauses it in pending_bridge until the
// bridge PATCHes the run; otherwise the answer's data is merged into the
// input and the task completes. Performed again while pending_bridge (the
// runner resumed it with the PATCHed data), it completes without calling.
type Bridge struct {
	bridge models.BridgeType
	deps   Deps
}

var _ Adapter = (*Bridge)(nil)

// bridgeAnswer is the external adapter's answer.
type bridgeAnswer struct {
	Data    json.RawMessage `json:"data"`
	Error   json.RawMessage `json:"error"`
	Pending bool            `json:"pending"`
}

// Validate accepts any params object: they are sent to the bridge.
func (*Bridge) Validate(params models.JSON) error {
	return readParams(params).err()
}

// Perform calls the bridge.
func (b *Bridge) Perform(ctx context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	if input.Status == models.RunStatusPendingBridge {
		return models.NewRunOutputComplete(input.Data)
	}
	data, err := models.MergeJSON(input.Data, params)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("bridge %s: %w", b.bridge.Name, err))
	}
	u, err := parseWebURL(b.bridge.URL)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("bridge %s url: %w", b.bridge.Name, err))
	}
	payload := map[string]any{"id": input.JobRunID, "data": json.RawMessage(data)}
	if b.deps.BridgeResponseURL != nil {
		payload["responseURL"] = b.deps.BridgeResponseURL.JoinPath("v2", "runs", input.JobRunID).String()
	}
	if !input.Meta.IsNull() {
		payload["meta"] = json.RawMessage(input.Meta)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("bridge %s: encoding request: %w", b.bridge.Name, err))
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return models.NewRunOutputError(fmt.Errorf("bridge %s: %w", b.bridge.Name, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if b.bridge.OutgoingToken != "" {
		req.Header.Set("Authorization", "Bearer "+string(b.bridge.OutgoingToken))
	}
	code, answer, fault := exchange(ctx, b.deps.HTTPClient, req, b.deps.HTTPTimeout, b.deps.HTTPLimit)
	if fault != nil {
		fault.err = fmt.Errorf("bridge %s: %w", b.bridge.Name, fault.err)
		return fault.output()
	}
	return b.judge(input, "POST "+urlForErrors(u), code, answer)
}

func (b *Bridge) judge(input models.RunInput, what string, code int, body []byte) models.RunOutput {
	var ans bridgeAnswer
	decodeErr := json.Unmarshal(body, &ans)
	if msg := bridgeErrorMessage(ans.Error); decodeErr == nil && msg != "" {
		err := fmt.Errorf("bridge %s: %s", b.bridge.Name, msg)
		if code >= 400 && transientStatus(code) {
			return models.NewRunOutputRetryableError(err)
		}
		return models.NewRunOutputError(err)
	}
	if code >= 400 {
		fault := statusFault(what, code, body)
		fault.err = fmt.Errorf("bridge %s: %w", b.bridge.Name, fault.err)
		return fault.output()
	}
	if decodeErr != nil {
		return models.NewRunOutputError(fmt.Errorf("bridge %s: answer is not a JSON object: %w", b.bridge.Name, decodeErr))
	}
	data := input.Data
	if !isJSONNull(ans.Data) {
		if t := bytes.TrimSpace(ans.Data); len(t) == 0 || t[0] != '{' {
			return models.NewRunOutputError(fmt.Errorf("bridge %s: answer's data is not an object", b.bridge.Name))
		}
		merged, err := models.MergeJSON(input.Data, models.JSON(ans.Data))
		if err != nil {
			return models.NewRunOutputError(fmt.Errorf("bridge %s: %w", b.bridge.Name, err))
		}
		data = merged
	}
	if ans.Pending {
		return models.NewRunOutputPending(models.RunStatusPendingBridge, data)
	}
	return models.NewRunOutputComplete(data)
}

// bridgeErrorMessage reads an answer's error: a string, an object with a
// message, or any other non-null value as JSON text. Empty means none.
func bridgeErrorMessage(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if isJSONNull(t) || bytes.Equal(t, []byte("false")) || bytes.Equal(t, []byte(`""`)) {
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(t, &obj) == nil && obj != nil {
		for k, v := range obj {
			if strings.EqualFold(k, "message") {
				if msg := models.JSONText(v); msg != "" {
					return msg
				}
			}
		}
	}
	if msg := models.JSONText(t); msg != "" {
		return msg
	}
	return "error"
}
