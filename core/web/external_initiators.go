package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// externalInitiatorsController creates and deletes external initiators.
type externalInitiatorsController struct {
	d *Deps
}

type externalInitiatorRequest struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// create makes an external initiator and answers its credentials, the
// only time they are shown.
func (ec *externalInitiatorsController) create(c *gin.Context) {
	var req externalInitiatorRequest
	if !readJSON(c, &req) {
		return
	}
	ve := &models.ValidationError{}
	ei, creds, err := models.NewExternalInitiator(req.Name, req.URL)
	if err != nil {
		ve.Add("name", "must be 1 to 64 lowercase letters, digits, '_' or '-'")
	}
	if u := strings.TrimSpace(req.URL); u != "" {
		if err := checkHTTPURL(u); err != nil {
			ve.Add("url", "%s", err)
		}
	}
	if !ve.Empty() {
		abortValidation(c, ve)
		return
	}
	if err := ec.d.Store.CreateExternalInitiator(c.Request.Context(), ei); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			ve.Add("name", "an external initiator named %q exists", ei.Name)
			abortValidation(c, ve)
			return
		}
		abortStoreError(c, ec.d, "external initiator", err)
		return
	}
	render(c, http.StatusCreated, Document{Data: presentExternalInitiator(ei, &creds)})
}

// index lists the external initiators, without credentials.
func (ec *externalInitiatorsController) index(c *gin.Context) {
	eis, err := ec.d.Store.ExternalInitiators(c.Request.Context())
	if err != nil {
		abortStoreError(c, ec.d, "external initiators", err)
		return
	}
	data := make([]Resource, 0, len(eis))
	for i := range eis {
		data = append(data, presentExternalInitiator(&eis[i], nil))
	}
	render(c, http.StatusOK, Document{Data: data, Meta: &Meta{Count: int64(len(data))}})
}

// destroy deletes an external initiator; its jobs can no longer be run
// by it.
func (ec *externalInitiatorsController) destroy(c *gin.Context) {
	name := c.Param("name")
	ctx := c.Request.Context()
	ei, err := ec.d.Store.FindExternalInitiator(ctx, name)
	if err != nil {
		abortStoreError(c, ec.d, "external initiator "+name, err)
		return
	}
	if err := ec.d.Store.DeleteExternalInitiator(ctx, ei.Name); err != nil {
		abortStoreError(c, ec.d, "external initiator "+name, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentExternalInitiator(ei, nil)})
}

// checkHTTPURL accepts an http or https URL with a host.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("must be a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Hostname() == "":
		return errors.New("must be a URL with a host")
	}
	return nil
}

// eiNotifier tells external initiators about the jobs that name them, as
// the classic node did: POST {url} with the job when it is created,
// DELETE {url}/{jobID} when it is archived, each with the initiator's
// outgoing token and secret in the X-Chainlink-EA headers.
type eiNotifier struct {
	st     *store.Store
	client *http.Client
	lggr   *slog.Logger
}

// JobNotice is the body POSTed to an external initiator for a new job.
type JobNotice struct {
	JobID  string      `json:"jobId"`
	Type   string      `json:"type"`
	Params models.JSON `json:"params"`
}

// initiatorsOf returns the external initiators the job names, with the
// params of its initiator for each.
func (n *eiNotifier) initiatorsOf(ctx context.Context, js *models.JobSpec) ([]*models.ExternalInitiator, []models.JSON, error) {
	var eis []*models.ExternalInitiator
	var params []models.JSON
	for _, in := range js.Initiators {
		if in.Type != models.InitiatorExternal {
			continue
		}
		ip, err := in.DecodeParams()
		if err != nil {
			return nil, nil, err
		}
		ei, err := n.st.FindExternalInitiator(ctx, ip.Name)
		if err != nil {
			return nil, nil, err
		}
		eis = append(eis, ei)
		params = append(params, orEmptyObject(in.Params))
	}
	return eis, params, nil
}

// created notifies each external initiator of js. It stops at the first
// refusal and returns it, after telling those already notified to forget
// the job.
func (n *eiNotifier) created(ctx context.Context, js *models.JobSpec) error {
	eis, params, err := n.initiatorsOf(ctx, js)
	if err != nil {
		return err
	}
	for i, ei := range eis {
		if ei.URL == nil {
			continue
		}
		body, _ := json.Marshal(JobNotice{JobID: js.ID, Type: models.InitiatorExternal, Params: params[i]})
		if err := n.call(ctx, ei, http.MethodPost, *ei.URL, body); err != nil {
			for _, done := range eis[:i] {
				n.forget(ctx, done, js.ID)
			}
			return fmt.Errorf("external initiator %s refused job %s: %w", ei.Name, js.ID, err)
		}
	}
	return nil
}

// archived tells each external initiator of js to forget it; failures
// are logged, the job stays archived.
func (n *eiNotifier) archived(ctx context.Context, js *models.JobSpec) {
	eis, _, err := n.initiatorsOf(ctx, js)
	if err != nil {
		n.lggr.Warn("finding the external initiators of an archived job", "job_id", js.ID, "err", err)
		return
	}
	for _, ei := range eis {
		n.forget(ctx, ei, js.ID)
	}
}

func (n *eiNotifier) forget(ctx context.Context, ei *models.ExternalInitiator, jobID string) {
	if ei.URL == nil {
		return
	}
	u := strings.TrimRight(*ei.URL, "/") + "/" + url.PathEscape(jobID)
	if err := n.call(ctx, ei, http.MethodDelete, u, nil); err != nil {
		n.lggr.Warn("telling an external initiator to forget a job", "external_initiator", ei.Name, "job_id", jobID, "err", err)
	}
}

func (n *eiNotifier) call(ctx context.Context, ei *models.ExternalInitiator, method, u string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(HeaderEIAccessKey, string(ei.OutgoingToken))
	req.Header.Set(HeaderEISecret, string(ei.OutgoingSecret))
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, redactQuery(u), err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s answered %d: %s", method, redactQuery(u), resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

// redactQuery drops a URL's query and user info, which may hold tokens.
func redactQuery(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.User = "", nil
	return u.String()
}
