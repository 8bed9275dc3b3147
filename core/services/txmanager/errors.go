package txmanager

import (
	"errors"
	"strings"
)

// ErrNoKeys is returned by CreateTx when no From is given and the key
// store holds no unlocked key.
var ErrNoKeys = errors.New("no unlocked key to send from")

// ErrUnknownKey is returned (wrapped) by CreateTx when From is not one of
// the node's unlocked keys.
var ErrUnknownKey = errors.New("address is not one of the node's unlocked keys")

// ErrTaskRunHasTx is returned (wrapped) by CreateTxs when a task run of
// the batch has a transaction already: roll back and create them one at
// a time.
var ErrTaskRunHasTx = errors.New("a task run of the batch has a transaction already")

// ErrBadRequest is returned (wrapped) by CreateTx for an invalid request.
var ErrBadRequest = errors.New("invalid transaction request")

// sendOutcome is how the chain answered a broadcast.
type sendOutcome int

const (
	sendOK                sendOutcome = iota // accepted
	sendAlreadyKnown                         // the node has it already: as good as accepted
	sendNonceTooLow                          // the nonce is used: mined by us, or by another sender
	sendInsufficientFunds                    // the key cannot pay gas * price + value
	sendUnderpriced                          // the node holds a better-paying transaction of this nonce, or the fee is below its floor
	sendFailed                               // anything else: a connection fault or a permanent rejection
)

func (o sendOutcome) String() string {
	return [...]string{"ok", "already known", "nonce too low", "insufficient funds", "underpriced", "failed"}[o]
}

// classifySendError maps a SendTransaction error to an outcome by the
// messages geth, anvil and common providers use.
func classifySendError(err error) sendOutcome {
	if err == nil {
		return sendOK
	}
	msg := strings.ToLower(err.Error())
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(msg, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("already known", "known transaction", "already imported", "alreadyknown", "already in mempool", "already exists"):
		return sendAlreadyKnown
	case has("nonce too low", "nonce is too low", "oldnonce", "nonce has already been used"):
		return sendNonceTooLow
	case has("insufficient funds", "insufficient balance"):
		return sendInsufficientFunds
	case has("underpriced", "fee too low", "less than block base fee", "feecap too low", "max fee per gas less than"):
		return sendUnderpriced
	}
	return sendFailed
}
