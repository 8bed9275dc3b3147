package adapters

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Task type names of the built-in adapters.
const (
	TypeHTTPGet       = "httpget"
	TypeHTTPPost      = "httppost"
	TypeJSONParse     = "jsonparse"
	TypeMultiply      = "multiply"
	TypeQuotient      = "quotient"
	TypeEthBytes32    = "ethbytes32"
	TypeEthInt256     = "ethint256"
	TypeEthUint256    = "ethuint256"
	TypeEthBool       = "ethbool"
	TypeEthTx         = "ethtx"
	TypeNoOp          = "noop"
	TypeSleep         = "sleep"
	TypeCompare       = "compare"
	TypeCopy          = "copy"
	TypeRandom        = "random"
	TypeResultCollect = "resultcollect"
)

// Repeatable reports whether performing a task of this type again has no
// effect outside its run: it computes from its input, or only reads
// (httpget). The JobRunner does not save such a task on its own when it
// completes; it is saved with the next step that must be, and performed
// again if the node stops before. httppost, sleep, ethtx and bridges
// (external adapters may act on a call) are not repeatable.
func Repeatable(taskType string) bool {
	switch strings.ToLower(taskType) {
	case TypeHTTPGet, TypeJSONParse, TypeMultiply, TypeQuotient, TypeEthBytes32, TypeEthInt256, TypeEthUint256,
		TypeEthBool, TypeNoOp, TypeCompare, TypeCopy, TypeRandom, TypeResultCollect:
		return true
	}
	return false
}

// Registry is the closed set of built-in adapters, plus the bridges found
// through Deps.Bridges. It is immutable after NewRegistry and safe for
// concurrent use.
type Registry struct {
	deps     Deps
	builtins map[string]Adapter
}

// NewRegistry builds every built-in adapter with deps.
func NewRegistry(deps Deps) *Registry {
	deps = deps.withDefaults()
	return &Registry{
		deps: deps,
		builtins: map[string]Adapter{
			TypeHTTPGet:       &HTTPGet{deps: deps},
			TypeHTTPPost:      &HTTPPost{deps: deps},
			TypeJSONParse:     JSONParse{},
			TypeMultiply:      Multiply{},
			TypeQuotient:      Quotient{},
			TypeEthBytes32:    EthBytes32{},
			TypeEthInt256:     EthInt256{},
			TypeEthUint256:    EthUint256{},
			TypeEthBool:       EthBool{},
			TypeEthTx:         &EthTx{deps: deps},
			TypeNoOp:          NoOp{},
			TypeSleep:         &Sleep{now: deps.Now},
			TypeCompare:       Compare{},
			TypeCopy:          Copy{},
			TypeRandom:        Random{},
			TypeResultCollect: ResultCollect{},
		},
	}
}

// Lookup returns the built-in adapter of a task type, case-insensitively.
func (r *Registry) Lookup(taskType string) (Adapter, bool) {
	a, ok := r.builtins[strings.ToLower(taskType)]
	return a, ok
}

// Names returns the built-in task types, sorted.
func (r *Registry) Names() []string {
	return slices.Sorted(maps.Keys(r.builtins))
}

// ForTask returns the adapter that performs a task of taskType: a built-in,
// or a Bridge to the bridge of that name. It returns an error wrapping
// ErrUnknownTaskType when neither exists.
func (r *Registry) ForTask(ctx context.Context, taskType string) (Adapter, error) {
	name := strings.ToLower(taskType)
	if a, ok := r.builtins[name]; ok {
		return a, nil
	}
	if r.deps.Bridges == nil {
		return nil, fmt.Errorf("task type %q: %w", name, ErrUnknownTaskType)
	}
	bt, err := r.deps.Bridges.FindBridge(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("finding bridge %q: %w", name, err)
	}
	if bt == nil {
		return nil, fmt.Errorf("task type %q: %w", name, ErrUnknownTaskType)
	}
	return r.Bridge(*bt), nil
}

// Bridge returns the adapter that calls the external adapter bt.
func (r *Registry) Bridge(bt models.BridgeType) *Bridge {
	return &Bridge{bridge: bt, deps: r.deps}
}
