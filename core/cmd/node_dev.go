package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pythia-oracle/pythia/core/devchain"
	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// devJobFile holds the ID of the example job --dev creates, for
// `pythia dev request`.
const devJobFile = "dev-job-id"

// devJobSpec answers the example consumer's price requests: the request's
// own get, path and times parameters drive httpget, jsonparse and
// multiply, and ethtx sends the answer to the Oracle.
const devJobSpec = `{
  "initiators": [{"type": "runlog", "params": {"address": %q}}],
  "tasks": [
    {"type": "httpget"},
    {"type": "jsonparse"},
    {"type": "multiply"},
    {"type": "ethuint256"},
    {"type": "ethtx"}
  ]
}`

// resetDevChainState forgets the previous dev chain: the new one starts
// from its genesis block.
func (n *node) resetDevChainState(ctx context.Context, st *store.Store) error {
	cancelled, err := st.ResetChainState(ctx, time.Now())
	if err != nil {
		return err
	}
	n.lggr.Warn("dev chain is new: forgot the previous chain's heads, transactions and log cursors", "runs_cancelled", cancelled)
	return nil
}

// ensureDevJob creates the example runlog job on the first --dev start and
// records its ID in ROOT; later starts reuse it (the dev chain deploys the
// Oracle at the same address every time).
func (n *node) ensureDevJob(ctx context.Context, st *store.Store, dc *devchain.DevChain) error {
	path := filepath.Join(n.cfg.RootDir, devJobFile)
	if b, err := os.ReadFile(path); err == nil {
		id := strings.TrimSpace(string(b))
		if _, err := st.FindJobSpec(ctx, id); err == nil {
			n.printDevJob(id)
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("looking up the dev job: %w", err)
		}
	}
	job, err := models.ParseJobSpec(fmt.Appendf(nil, devJobSpec, dc.Addresses().Oracle.Hex()))
	if err != nil {
		return fmt.Errorf("parsing the dev job: %w", err)
	}
	if err := services.ValidateJob(ctx, job, services.Validator{BridgeExists: st.BridgeExists}); err != nil {
		return fmt.Errorf("validating the dev job: %w", err)
	}
	if err := st.CreateJobSpec(ctx, job); err != nil {
		return fmt.Errorf("saving the dev job: %w", err)
	}
	if err := os.WriteFile(path, []byte(job.ID+"\n"), 0o600); err != nil {
		return fmt.Errorf("recording the dev job: %w", err)
	}
	n.lggr.Info("dev job created", "job_id", job.ID)
	n.printDevJob(job.ID)
	return nil
}

func (n *node) printDevJob(id string) {
	fmt.Fprintf(n.stdout, "Example job %s answers the example consumer. Make it ask:\n  pythia dev request\n\n", id)
}
