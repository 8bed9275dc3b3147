package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

type runsController struct {
	d     *Deps
	auth  *authenticator
	specs *specsController
}

// create starts a run of a job: by a signed-in operator when the job has
// a web initiator, or by an external initiator (its access key and secret
// in the X-Chainlink-EA headers) that the job's external initiator names.
// The body, optional, is the run's input JSON.
func (rc *runsController) create(c *gin.Context) {
	var ei *models.ExternalInitiator
	if c.GetHeader(HeaderEIAccessKey) != "" || c.GetHeader(HeaderEISecret) != "" {
		var ok bool
		if ei, ok = rc.auth.externalInitiator(c); !ok {
			return
		}
	} else if !rc.auth.session(c) || !rc.auth.sameOriginWrite(c) {
		return
	}
	if rc.d.Runs == nil {
		abortError(c, http.StatusServiceUnavailable, "runs cannot be started on this node yet")
		return
	}
	js, ok := rc.specs.findJob(c)
	if !ok {
		return
	}
	input, ok := readJSONDocument(c, true)
	if !ok {
		return
	}
	if js.Archived() {
		abortError(c, http.StatusGone, "job %s is archived", js.ID)
		return
	}
	ctx := c.Request.Context()
	var run *models.JobRun
	var err error
	if ei != nil {
		if _, ok := externalInitiatorOf(js, ei.Name); !ok {
			abortError(c, http.StatusForbidden, "job %s has no external initiator named %q", js.ID, ei.Name)
			return
		}
		run, err = rc.d.Runs.ExecuteJobFromExternal(ctx, js.ID, ei.Name, models.JSON(input))
	} else {
		if !hasInitiator(js, models.InitiatorWeb) {
			abortError(c, http.StatusForbidden, "job %s has no web initiator: only its own initiators start it", js.ID)
			return
		}
		run, err = rc.d.Runs.ExecuteJobFromWeb(ctx, js.ID, models.JSON(input))
	}
	if err != nil {
		rc.abortRunError(c, "starting a run of job "+js.ID, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentRun(run, nil)})
}

func hasInitiator(js *models.JobSpec, typ string) bool {
	for _, in := range js.Initiators {
		if in.Type == typ {
			return true
		}
	}
	return false
}

// externalInitiatorOf returns the job's external initiator naming name.
func externalInitiatorOf(js *models.JobSpec, name string) (models.Initiator, bool) {
	for _, in := range js.Initiators {
		if in.Type != models.InitiatorExternal {
			continue
		}
		if ip, err := in.DecodeParams(); err == nil && strings.EqualFold(ip.Name, name) {
			return in, true
		}
	}
	return models.Initiator{}, false
}

// index lists runs, newest first, optionally of one job (?jobId=) and in
// one status (?status=).
func (rc *runsController) index(c *gin.Context) {
	p, ok := parsePage(c)
	if !ok {
		return
	}
	jobID := c.Query("jobId")
	if jobID != "" {
		id, ok := models.NormalizeJobID(jobID)
		if !ok {
			abortError(c, http.StatusBadRequest, "query parameter jobId=%q is not a job ID (32 hex characters)", jobID)
			return
		}
		jobID = id
	}
	filter := store.JobRunFilter{JobSpecID: jobID}
	for _, s := range c.QueryArray("status") {
		for _, one := range strings.Split(s, ",") {
			status := models.RunStatus(strings.TrimSpace(one))
			if !status.Valid() {
				abortError(c, http.StatusBadRequest, "query parameter status=%q is not a run status", one)
				return
			}
			filter.Statuses = append(filter.Statuses, status)
		}
	}
	runs, count, err := rc.d.Store.JobRuns(c.Request.Context(), filter, p.offset(), p.size)
	if err != nil {
		abortStoreError(c, rc.d, "runs", err)
		return
	}
	data := make([]Resource, 0, len(runs))
	for i := range runs {
		data = append(data, presentRun(&runs[i], nil))
	}
	render(c, http.StatusOK, listDocument(c.Request.URL, p, data, count))
}

// show returns a run with each task run and the hashes of the
// transactions its ethtx tasks sent.
func (rc *runsController) show(c *gin.Context) {
	rc.renderRun(c, c.Param("id"))
}

func (rc *runsController) txHashes(ctx context.Context, run *models.JobRun) map[string]common.Hash {
	hashes := map[string]common.Hash{}
	for _, tr := range run.TaskRuns {
		if tr.Type != adapters.TypeEthTx {
			continue
		}
		tx, err := rc.d.Store.TxByTaskRunID(ctx, tr.ID)
		if err != nil {
			continue // not sent yet
		}
		if tx.Hash != nil {
			hashes[tr.ID] = *tx.Hash
		} else if a := tx.LatestAttempt(); a != nil {
			hashes[tr.ID] = a.Hash
		}
	}
	return hashes
}

// bridgeAnswer is the classic external adapter's PATCH body; error may be
// a string or an object with a message.
type bridgeAnswer struct {
	Data    models.JSON     `json:"data"`
	Error   json.RawMessage `json:"error"`
	Pending bool            `json:"pending"`
}

func (b bridgeAnswer) errorText() string {
	raw := models.JSON(b.Error)
	if raw.IsNull() {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
		return obj.Message
	}
	return string(raw)
}

// resume lets an external adapter answer a run paused in pending_bridge.
// It authenticates with the bridge's incoming token as a bearer token.
func (rc *runsController) resume(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		abortError(c, http.StatusUnauthorized, "send the bridge's incoming token as Authorization: Bearer TOKEN")
		return
	}
	ctx := c.Request.Context()
	run, err := rc.d.Store.FindJobRun(ctx, c.Param("id"))
	if err != nil {
		abortStoreError(c, rc.d, "run "+c.Param("id"), err)
		return
	}
	// The token must belong to a bridge of the run, checked before
	// anything about the run's state is told.
	if ok, err := rc.bridgeTokenMatches(ctx, run, strings.TrimSpace(token)); err != nil {
		abortStoreError(c, rc.d, "bridge", err)
		return
	} else if !ok {
		abortError(c, http.StatusUnauthorized, "the token is not the incoming token of the bridge this run waits for")
		return
	}
	if run.Status != models.RunStatusPendingBridge {
		abortError(c, http.StatusConflict, "run %s is %s, not pending_bridge", run.ID, run.Status)
		return
	}
	var ans bridgeAnswer
	if !readJSON(c, &ans) {
		return
	}
	// "pending": the adapter is still working; it will PATCH again.
	if !ans.Pending {
		err := rc.d.Resumer.ResumeBridgeRun(ctx, run.ID, strings.TrimSpace(token), ans.Data, ans.errorText())
		if errors.Is(err, services.ErrBridgeUnauthorized) {
			abortError(c, http.StatusUnauthorized, "the token is not the incoming token of the bridge this run waits for")
			return
		}
		if err != nil {
			rc.abortRunError(c, "resuming run "+run.ID, err)
			return
		}
	}
	rc.renderRun(c, run.ID)
}

// bridgeTokenMatches reports whether token is the incoming token of a
// bridge one of the run's tasks calls.
func (rc *runsController) bridgeTokenMatches(ctx context.Context, run *models.JobRun, token string) (bool, error) {
	seen := map[string]bool{}
	for _, tr := range run.TaskRuns {
		if seen[tr.Type] {
			continue
		}
		seen[tr.Type] = true
		if _, builtin := rc.d.Adapters.Lookup(tr.Type); builtin {
			continue
		}
		bt, err := rc.d.Store.FindBridgeType(ctx, tr.Type)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if bt.IncomingTokenMatches(token) {
			return true, nil
		}
	}
	return false, nil
}

// cancel stops a run that has not finished.
func (rc *runsController) cancel(c *gin.Context) {
	if rc.d.Canceller == nil {
		abortError(c, http.StatusServiceUnavailable, "runs cannot be cancelled on this node yet")
		return
	}
	if err := rc.d.Canceller.CancelRun(c.Request.Context(), c.Param("id")); err != nil {
		rc.abortRunError(c, "cancelling run "+c.Param("id"), err)
		return
	}
	rc.renderRun(c, c.Param("id"))
}

// renderRun answers the run as saved now.
func (rc *runsController) renderRun(c *gin.Context, id string) {
	ctx := c.Request.Context()
	run, err := rc.d.Store.FindJobRun(ctx, id)
	if err != nil {
		abortStoreError(c, rc.d, "run "+id, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentRun(run, rc.txHashes(ctx, run))})
}

func (rc *runsController) abortRunError(c *gin.Context, what string, err error) {
	var ve *models.ValidationError
	switch {
	case errors.Is(err, store.ErrNotFound):
		abortError(c, http.StatusNotFound, "%s: not found", what)
	case errors.Is(err, services.ErrJobArchived):
		abortError(c, http.StatusGone, "%s: %s", what, err)
	case errors.Is(err, services.ErrNoInitiator):
		abortError(c, http.StatusForbidden, "%s: %s", what, err)
	case errors.Is(err, store.ErrRunFinished), errors.Is(err, services.ErrRunNotPending), errors.Is(err, services.ErrJobNotActive):
		abortError(c, http.StatusConflict, "%s: %s", what, err)
	case errors.As(err, &ve):
		abortValidation(c, ve)
	default:
		rc.d.Logger.Error(what, "err", err)
		abortError(c, http.StatusInternalServerError, "%s failed", what)
	}
}
