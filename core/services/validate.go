package services

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/adapters"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// Validator holds what validation looks up. Adapters is the registry of
// built-in adapters (nil: a default registry). BridgeExists reports whether
// a bridge of that lowercase name exists; KeyExists whether the node holds
// the key of addr. A nil lookup finds nothing. An error from a lookup
// stops validation and is returned wrapped, not as a validation problem.
type Validator struct {
	Adapters     *adapters.Registry
	BridgeExists func(ctx context.Context, name string) (bool, error)
	KeyExists    func(ctx context.Context, addr common.Address) (bool, error)
}

func (v Validator) registry() *adapters.Registry {
	if v.Adapters != nil {
		return v.Adapters
	}
	return adapters.NewRegistry(adapters.Deps{})
}

// ValidateJob checks a parsed job spec and returns every problem at once as
// a *models.ValidationError, each with its path
// (`tasks[2].params.times: must be a number`): at least one initiator and
// one task; each initiator's type and params; each task's type (a built-in
// adapter or an existing bridge) and its adapter's params; the runlog job
// rules (its ethtx may not set address or functionSelector, there is at
// most one ethtx); every ethtx fromAddress one of the node's keys; endAt
// after startAt; minPayment a non-negative integer. It never panics.
func ValidateJob(ctx context.Context, spec *models.JobSpec, v Validator) error {
	ve := &models.ValidationError{}
	if spec == nil {
		ve.Add("", "no job spec")
		return ve
	}
	if id, ok := models.NormalizeJobID(spec.ID); !ok || id != spec.ID {
		ve.Add("id", "must be 32 lowercase hex characters")
	}
	if len(spec.Initiators) == 0 {
		ve.Add("initiators", "at least one initiator is required")
	}
	if len(spec.Tasks) == 0 {
		ve.Add("tasks", "at least one task is required")
	}
	runLog := false
	for i, in := range spec.Initiators {
		ve.Merge(fmt.Sprintf("initiators[%d]", i), ValidateInitiator(in))
		runLog = runLog || in.Type == models.InitiatorRunLog
	}
	reg := v.registry()
	ethTxCount := 0
	for i, task := range spec.Tasks {
		path := fmt.Sprintf("tasks[%d]", i)
		typ := strings.ToLower(task.Type)
		if typ == "" {
			ve.Add(path+".type", "is required")
			continue
		}
		if a, ok := reg.Lookup(typ); ok {
			ve.Merge(path+".params", a.Validate(task.Params))
		} else {
			exists, err := lookup(ctx, v.BridgeExists, typ)
			if err != nil {
				return fmt.Errorf("validating job %s: looking up bridge %q: %w", spec.ID, typ, err)
			}
			if !exists {
				ve.Add(path+".type", "unknown task type %q: not a built-in adapter or a bridge", typ)
			}
			continue
		}
		if typ != adapters.TypeEthTx {
			continue
		}
		ethTxCount++
		setsAddress, setsSelector, from := adapters.EthTxParamsSet(task.Params)
		if runLog {
			if ethTxCount > 1 {
				ve.Add(path+".type", "a runlog job may have at most one ethtx task")
			}
			if setsAddress {
				ve.Add(path+".params.address", "may not be set in a runlog job: the answer goes to the requesting Oracle")
			}
			if setsSelector {
				ve.Add(path+".params.functionSelector", "may not be set in a runlog job: the answer is a fulfillOracleRequest call")
			}
		}
		if from != nil {
			ok, err := lookup(ctx, v.KeyExists, *from)
			if err != nil {
				return fmt.Errorf("validating job %s: looking up key %s: %w", spec.ID, from.Hex(), err)
			}
			if !ok {
				ve.Add(path+".params.fromAddress", "%s is not one of the node's keys", from.Hex())
			}
		}
	}
	if spec.StartAt != nil && spec.EndAt != nil && !spec.EndAt.After(*spec.StartAt) {
		ve.Add("endAt", "must be after startAt")
	}
	if spec.MinPayment != nil && !nonNegativeInteger(*spec.MinPayment) {
		ve.Add("minPayment", "must be a non-negative integer amount of juels, like \"1000000000000000000\"")
	}
	return ve.Err()
}

// ValidateInitiator checks an initiator's type and params. Problems come
// back as a *models.ValidationError with paths relative to the initiator
// (`type`, `params.address`).
func ValidateInitiator(in models.Initiator) error {
	_, err := models.ParseInitiatorParams(strings.ToLower(in.Type), in.Params)
	if err != nil && !isValidation(err) {
		return fmt.Errorf("validating %s initiator: %w", in.Type, err)
	}
	return err
}

// bridgeNamePattern is the form of a bridge name: it becomes a task type.
var bridgeNamePattern = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// ValidateBridgeType checks a bridge: a lowercase name of letters, digits,
// '_' and '-' that is not a built-in adapter's; an http or https URL with a
// host; a non-negative integer minimumContractPayment. Every problem comes
// back at once as a *models.ValidationError.
func ValidateBridgeType(bt *models.BridgeType, v Validator) error {
	ve := &models.ValidationError{}
	if bt == nil {
		ve.Add("", "no bridge")
		return ve
	}
	switch {
	case bt.Name == "":
		ve.Add("name", "is required")
	case !bridgeNamePattern.MatchString(bt.Name):
		ve.Add("name", "must be 1 to 64 lowercase letters, digits, '_' or '-'")
	default:
		if _, ok := v.registry().Lookup(bt.Name); ok {
			ve.Add("name", "%q is a built-in adapter", bt.Name)
		}
	}
	if bt.URL == "" {
		ve.Add("url", "is required")
	} else if err := checkWebURL(bt.URL); err != nil {
		ve.Add("url", "%s", err)
	}
	if bt.MinimumContractPayment != nil && !nonNegativeInteger(*bt.MinimumContractPayment) {
		ve.Add("minimumContractPayment", "must be a non-negative integer amount of juels")
	}
	return ve.Err()
}

func lookup[T any](ctx context.Context, f func(context.Context, T) (bool, error), key T) (bool, error) {
	if f == nil {
		return false, nil
	}
	return f(ctx, key)
}

func nonNegativeInteger(s string) bool {
	n, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
	return ok && n.Sign() >= 0
}

func isValidation(err error) bool {
	var ve *models.ValidationError
	return errors.As(err, &ve)
}

func checkWebURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return errors.New("must be a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("must be a URL with a host")
	}
	return nil
}
