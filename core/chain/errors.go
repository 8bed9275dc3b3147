package chain

import (
	"errors"
	"fmt"
	"math/big"
)

// ErrNotConnected is returned at once by every RPC method while the client
// has no live connection to the node.
var ErrNotConnected = errors.New("not connected to the ethereum node")

// ChainIDMismatchError says the node answered with another chain ID than
// the one configured. The node refuses to start with it.
type ChainIDMismatchError struct {
	URL  string // redacted
	Want *big.Int
	Got  *big.Int
}

func (e *ChainIDMismatchError) Error() string {
	return fmt.Sprintf("chain ID mismatch: %s reports chain ID %s, but chain ID %s is configured", e.URL, e.Got, e.Want)
}
