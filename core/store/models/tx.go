package models

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TxState is where a transaction stands on its way to finality.
type TxState string

// The states of a Tx. Unconfirmed: saved, perhaps broadcast, no receipt
// on the canonical chain. Mined: a receipt exists but its block is not yet
// MinConfirmations deep (a reorg sends it back to unconfirmed). Confirmed
// and Reverted are final: the receipt (status 1 or 0) is deep enough.
const (
	TxStateUnconfirmed TxState = "unconfirmed"
	TxStateMined       TxState = "mined"
	TxStateConfirmed   TxState = "confirmed"
	TxStateReverted    TxState = "reverted"
)

// Final reports whether the state never changes again.
func (s TxState) Final() bool {
	return s == TxStateConfirmed || s == TxStateReverted
}

// Tx is one transaction the TxManager sends: a nonce of one key, kept
// until it is final. Each gas price it was signed with is a TxAttempt; the
// attempt that was mined is named by Hash. TaskRunID is unique, so a task
// run never owns two transactions.
type Tx struct {
	ID        int64          `json:"id" gorm:"primaryKey;autoIncrement"`
	TaskRunID *string        `json:"taskRunId,omitempty" gorm:"size:32;uniqueIndex"`
	From      common.Address `json:"from" gorm:"column:from_address;type:bytes;not null"`
	To        common.Address `json:"to" gorm:"column:to_address;type:bytes;not null"`
	Data      []byte         `json:"data"`
	Value     *Big           `json:"value" gorm:"type:text;not null"`
	GasLimit  uint64         `json:"gasLimit" gorm:"not null"`
	Nonce     uint64         `json:"nonce" gorm:"not null"`
	State     TxState        `json:"state" gorm:"size:20;not null;index"`

	// Set from the receipt once an attempt is mined; cleared by a reorg.
	Hash          *common.Hash `json:"hash,omitempty" gorm:"type:bytes"`
	BlockNumber   *int64       `json:"blockNumber,omitempty"`
	BlockHash     *common.Hash `json:"blockHash,omitempty" gorm:"type:bytes"`
	ReceiptStatus *uint64      `json:"receiptStatus,omitempty"`
	GasUsed       *uint64      `json:"gasUsed,omitempty"`

	// RevertReason is the node's reason for a reverted transaction, when
	// replaying it gave one.
	RevertReason *string `json:"revertReason,omitempty"`
	// LastError is the last broadcast error, for operators.
	LastError *string    `json:"lastError,omitempty"`
	FinalAt   *time.Time `json:"finalAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`

	Attempts []TxAttempt `json:"attempts,omitempty" gorm:"foreignKey:TxID"`
}

// TableName is the table of Tx.
func (Tx) TableName() string { return "txes" }

// LatestAttempt returns the attempt made last (the highest price), or nil
// when there is none.
func (t *Tx) LatestAttempt() *TxAttempt {
	if t == nil || len(t.Attempts) == 0 {
		return nil
	}
	latest := &t.Attempts[0]
	for i := range t.Attempts {
		if t.Attempts[i].ID > latest.ID {
			latest = &t.Attempts[i]
		}
	}
	return latest
}

// TxAttempt is one signed version of a Tx: its nonce and gas price (a
// legacy GasPrice, or EIP-1559 GasFeeCap and GasTipCap), the signed bytes
// and their hash. BroadcastAt and BroadcastBlock are set when it was last
// handed to the chain; bumping counts blocks from BroadcastBlock.
type TxAttempt struct {
	ID             int64       `json:"id" gorm:"primaryKey;autoIncrement"`
	TxID           int64       `json:"txId" gorm:"index;not null"`
	Hash           common.Hash `json:"hash" gorm:"type:bytes;uniqueIndex;not null"`
	Nonce          uint64      `json:"nonce" gorm:"not null"`
	GasPrice       *Big        `json:"gasPrice,omitempty" gorm:"type:text"`
	GasFeeCap      *Big        `json:"gasFeeCap,omitempty" gorm:"type:text"`
	GasTipCap      *Big        `json:"gasTipCap,omitempty" gorm:"type:text"`
	SignedRawTx    []byte      `json:"signedRawTx" gorm:"not null"`
	BroadcastAt    *time.Time  `json:"broadcastAt,omitempty"`
	BroadcastBlock *int64      `json:"broadcastBlock,omitempty"`
	CreatedAt      time.Time   `json:"createdAt"`
}

// TableName is the table of TxAttempt.
func (TxAttempt) TableName() string { return "tx_attempts" }

// Dynamic reports whether the attempt is an EIP-1559 transaction.
func (a *TxAttempt) Dynamic() bool { return a.GasFeeCap != nil }

// MaxPrice returns the most the attempt pays per gas: its gas price or
// its fee cap.
func (a *TxAttempt) MaxPrice() *big.Int {
	if a.Dynamic() {
		return a.GasFeeCap.ToInt()
	}
	return a.GasPrice.ToInt()
}
