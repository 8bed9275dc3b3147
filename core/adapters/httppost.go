package adapters

import (
	"context"
	"errors"
	"net/http"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// HTTPPost POSTs to a URL and sets data.result to the answer's body as
// text. It takes the params of HTTPGet, with "post" or "url" for the URL,
// plus "body": a string sent as is or any JSON value sent encoded; without
// body it sends the run's data. Content-Type defaults to application/json.
type HTTPPost struct {
	deps Deps
}

var _ Adapter = (*HTTPPost)(nil)

var httpPostURLKeys = []string{"post", "url"}

// Validate checks the params that are set; the URL may come from a request.
func (*HTTPPost) Validate(params models.JSON) error {
	_, err := readHTTPTask(params, httpPostURLKeys, true, false)
	return err
}

// Perform posts.
func (h *HTTPPost) Perform(ctx context.Context, input models.RunInput, params models.JSON) models.RunOutput {
	t, err := readHTTPTask(params, httpPostURLKeys, true, true)
	if err != nil {
		return models.NewRunOutputError(err)
	}
	if t.url == nil {
		return models.NewRunOutputError(errors.New("httppost: no url"))
	}
	body := t.body
	if !t.hasBody {
		body = []byte(input.Data)
		if input.Data.IsNull() {
			body = []byte("{}")
		}
	}
	if body == nil {
		body = []byte{}
	}
	return performHTTP(ctx, h.deps, input, http.MethodPost, t, body)
}
