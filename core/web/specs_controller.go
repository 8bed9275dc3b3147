package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// recentRuns is how many runs GET /v2/specs/:id shows.
const recentRuns = 10

type specsController struct {
	d        *Deps
	notifier *eiNotifier
}

// index lists the jobs that are not archived, newest first.
func (sc *specsController) index(c *gin.Context) {
	p, ok := parsePage(c)
	if !ok {
		return
	}
	jobs, count, err := sc.d.Store.JobSpecs(c.Request.Context(), p.offset(), p.size)
	if err != nil {
		abortStoreError(c, sc.d, "job specs", err)
		return
	}
	data := make([]Resource, 0, len(jobs))
	for i := range jobs {
		data = append(data, presentSpec(&jobs[i], nil))
	}
	render(c, http.StatusOK, listDocument(c.Request.URL, p, data, count))
}

// findJob loads the job named by the :id parameter, answering 404 when
// it does not exist.
func (sc *specsController) findJob(c *gin.Context) (*models.JobSpec, bool) {
	id, ok := models.NormalizeJobID(c.Param("id"))
	if !ok {
		abortError(c, http.StatusNotFound, "job %q not found: job IDs are 32 hex characters", c.Param("id"))
		return nil, false
	}
	js, err := sc.d.Store.FindJobSpec(c.Request.Context(), id)
	if err != nil {
		abortStoreError(c, sc.d, "job "+id, err)
		return nil, false
	}
	return js, true
}

// show returns one job, archived or not, with its recent runs.
func (sc *specsController) show(c *gin.Context) {
	js, ok := sc.findJob(c)
	if !ok {
		return
	}
	runs, _, err := sc.d.Store.JobRuns(c.Request.Context(), store.JobRunFilter{JobSpecID: js.ID}, 0, recentRuns)
	if err != nil {
		abortStoreError(c, sc.d, "runs of job "+js.ID, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentSpec(js, runs)})
}

// create parses, validates and saves a job. Every problem comes back at
// once as a 422 naming its field; the job's external initiators are told
// before it is saved, so a refusal saves nothing.
func (sc *specsController) create(c *gin.Context) {
	body, ok := readJSONDocument(c, false)
	if !ok {
		return
	}
	js, err := models.ParseJobSpec(body)
	if err != nil {
		abortValidation(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := sc.validate(ctx, js); err != nil {
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			abortValidation(c, ve)
			return
		}
		sc.d.Logger.Error("validating job", "err", err)
		abortError(c, http.StatusInternalServerError, "validating the job failed")
		return
	}
	if err := sc.notifier.created(ctx, js); err != nil {
		abortError(c, http.StatusBadGateway, "job not created: %s", err)
		return
	}
	if err := sc.d.Store.CreateJobSpec(ctx, js); err != nil {
		sc.notifier.archived(ctx, js)
		if errors.Is(err, store.ErrDuplicate) {
			ve := &models.ValidationError{}
			ve.Add("id", "a job with ID %s exists", js.ID)
			abortValidation(c, ve)
			return
		}
		abortStoreError(c, sc.d, "job", err)
		return
	}
	sc.d.Logger.Info("job created", "job_id", js.ID, "user", userEmail(c))
	if sc.d.JobCreated != nil {
		sc.d.JobCreated(ctx, js)
	}
	saved, err := sc.d.Store.FindJobSpec(ctx, js.ID)
	if err != nil {
		abortStoreError(c, sc.d, "job "+js.ID, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentSpec(saved, nil)})
}

// validate runs services.ValidateJob with the node's bridges and keys,
// and checks that every external initiator the job names exists.
func (sc *specsController) validate(ctx context.Context, js *models.JobSpec) error {
	v := services.Validator{
		Adapters:     sc.d.Adapters,
		BridgeExists: sc.d.Store.BridgeExists,
		KeyExists: func(_ context.Context, addr common.Address) (bool, error) {
			return sc.d.Keys != nil && sc.d.Keys.HasAddress(addr), nil
		},
	}
	ve := &models.ValidationError{}
	if err := services.ValidateJob(ctx, js, v); err != nil {
		if !errors.As(err, new(*models.ValidationError)) {
			return err
		}
		ve.Merge("", err)
	}
	for i, in := range js.Initiators {
		if in.Type != models.InitiatorExternal {
			continue
		}
		ip, err := in.DecodeParams()
		if err != nil {
			continue // reported by ValidateJob
		}
		if _, err := sc.d.Store.FindExternalInitiator(ctx, ip.Name); errors.Is(err, store.ErrNotFound) {
			ve.Add(fmt.Sprintf("initiators[%d].params.name", i), "no external initiator named %q: create it first (POST /v2/external_initiators)", ip.Name)
		} else if err != nil {
			return err
		}
	}
	return ve.Err()
}

// destroy archives a job: its initiators stop, its runs stay readable.
func (sc *specsController) destroy(c *gin.Context) {
	js, ok := sc.findJob(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if js.Archived() {
		render(c, http.StatusOK, Document{Data: presentSpec(js, nil)})
		return
	}
	if err := sc.d.Store.ArchiveJobSpec(ctx, js.ID, sc.d.Now()); err != nil {
		abortStoreError(c, sc.d, "job "+js.ID, err)
		return
	}
	sc.d.Logger.Info("job archived", "job_id", js.ID, "user", userEmail(c))
	sc.notifier.archived(ctx, js)
	if sc.d.JobArchived != nil {
		sc.d.JobArchived(ctx, js)
	}
	archived, err := sc.d.Store.FindJobSpec(ctx, js.ID)
	if err != nil {
		abortStoreError(c, sc.d, "job "+js.ID, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentSpec(archived, nil)})
}
