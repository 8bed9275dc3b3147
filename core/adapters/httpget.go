package adapters

import (
	"context"
	"errors"
	"net/http"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// HTTPGet fetches a URL and sets data.result to the body as text. Params:
// "get" or "url" (http or https), "queryParams" (object, query string, or
// [key, value, ...]), "extPath" (string or array of path segments, escaped
// and appended), "headers" (object), "timeout" ("10s" or seconds; default
// Deps.HTTPTimeout). A body over Deps.HTTPLimit and a non-2xx answer are
// errors; 5xx, 408, 429 and transport faults are retryable.
type HTTPGet struct {
	deps Deps
}

var _ Adapter = (*HTTPGet)(nil)

var httpGetURLKeys = []string{"get", "url"}

// Validate checks the params that are set; the URL may come from a request.
func (*HTTPGet) Validate(params models.JSON) error {
	_, err := readHTTPTask(params, httpGetURLKeys, false, false)
	return err
}

// Perform fetches.
func (h *HTTPGet) Perform(ctx context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	t, err := readHTTPTask(params, httpGetURLKeys, false, true)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	if t.url == nil {
		return models.NewRunOutputError(errors.New("httpget: no url"))
	}
	return performHTTP(ctx, h.deps, input, http.MethodGet, t, nil)
}
