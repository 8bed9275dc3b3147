package models

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Head is a block header the HeadTracker has seen. Several heads may share
// a number after a reorg; Hash is unique.
type Head struct {
	ID         int64       `gorm:"primaryKey;autoIncrement"`
	Hash       common.Hash `gorm:"type:bytes;uniqueIndex;not null"`
	Number     int64       `gorm:"index;not null"`
	ParentHash common.Hash `gorm:"type:bytes;not null"`
	Timestamp  time.Time   `gorm:"not null"`
	CreatedAt  time.Time

	// BaseFee is the block's EIP-1559 base fee as its header came from the
	// chain, so the TxManager prices answers without reading the header
	// again. Not stored: nil for a head loaded from the database and on a
	// chain without EIP-1559.
	BaseFee *big.Int `gorm:"-" json:"-"`
}
