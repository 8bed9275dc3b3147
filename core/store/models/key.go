package models

import (
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// EncryptedKey is an Ethereum key in go-ethereum's keystore (scrypt) JSON
// format. The plaintext key never reaches the database.
type EncryptedKey struct {
	Address   common.Address `gorm:"type:bytes;primaryKey"`
	JSON      []byte         `gorm:"not null"`
	CreatedAt time.Time
}
