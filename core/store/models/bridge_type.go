package models

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Secret is a credential held in plain text in memory (a bridge's outgoing
// token). It prints and logs as [redacted]; read it with string(s).
type Secret string

// String hides the secret.
func (Secret) String() string { return "[redacted]" }

// GoString hides the secret from %#v.
func (Secret) GoString() string { return "[redacted]" }

// LogValue hides the secret from slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// BridgeType is an external adapter: tasks whose type is its Name are
// POSTed to URL. The node sends OutgoingToken as a bearer token; the
// bridge proves itself on PATCH /v2/runs/:id with the incoming token, of
// which only a salted SHA-256 is kept. Confirmations is the minimum of
// incoming confirmations for its tasks; MinimumContractPayment (decimal
// juels, nil when unset) is the least a request must pay to use it.
type BridgeType struct {
	Name                   string    `json:"name" gorm:"primaryKey;size:64"`
	URL                    string    `json:"url" gorm:"not null"`
	Confirmations          uint32    `json:"confirmations"`
	IncomingTokenHash      string    `json:"-" gorm:"size:64;not null"`
	Salt                   string    `json:"-" gorm:"size:64;not null"`
	OutgoingToken          Secret    `json:"-" gorm:"not null"` // sealed at rest by the store
	MinimumContractPayment *string   `json:"minimumContractPayment,omitempty"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
}

// NewBridgeToken returns a fresh random token for a bridge: 32 random
// bytes, base64url without padding.
func NewBridgeToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashBridgeToken returns the hex SHA-256 of salt, ":" and token.
func HashBridgeToken(token, salt string) string {
	sum := sha256.Sum256([]byte(salt + ":" + token))
	return hex.EncodeToString(sum[:])
}

// SetIncomingToken stores a fresh salt and the hash of token.
func (bt *BridgeType) SetIncomingToken(token string) {
	bt.Salt = NewBridgeToken()
	bt.IncomingTokenHash = HashBridgeToken(token, bt.Salt)
}

// IncomingTokenMatches reports, in constant time, whether token is the
// bridge's incoming token.
func (bt *BridgeType) IncomingTokenMatches(token string) bool {
	if bt.IncomingTokenHash == "" || bt.Salt == "" {
		return false
	}
	got := HashBridgeToken(token, bt.Salt)
	return subtle.ConstantTimeCompare([]byte(got), []byte(bt.IncomingTokenHash)) == 1
}

// ParseBridgeType decodes a bridge definition, with keys matched
// case-insensitively and the name lowercased:
//
//	{"name":"coinprice","url":"http://adapter:8080/","confirmations":0,"minimumContractPayment":"100"}
//
// It checks the shape only (services.ValidateBridgeType checks meaning) and
// sets no tokens.
func ParseBridgeType(data []byte) (*BridgeType, error) {
	ve := &ValidationError{}
	top, err := decodeObject(data)
	if err != nil {
		ve.Add("", "%s", err)
		return nil, ve
	}
	bt := &BridgeType{}
	bt.Name = decodeTypeName(top["name"], "name", ve)
	if raw, ok := top["url"]; ok && !isNull(raw) {
		if json.Unmarshal(raw, &bt.URL) != nil {
			ve.Add("url", "must be a string")
		}
		bt.URL = strings.TrimSpace(bt.URL)
	}
	if c := decodeUint32(top["confirmations"], "confirmations", ve); c != nil {
		bt.Confirmations = *c
	}
	bt.MinimumContractPayment = decodeDecimalString(top["minimumcontractpayment"], "minimumContractPayment", ve)
	if !ve.Empty() {
		return nil, ve
	}
	return bt, nil
}

// String names the bridge without its secrets.
func (bt BridgeType) String() string { return fmt.Sprintf("bridge %s (%s)", bt.Name, bt.URL) }
