package models

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ExternalInitiator is a service outside the node that starts runs of the
// jobs whose `external` initiator names it. It proves itself with an
// access key and a secret, of which only hashes are kept: the access key's
// plain SHA-256 (so it can be looked up) and a salted SHA-256 of the
// secret. The node notifies URL, when set, of the jobs that name it,
// sending OutgoingToken and OutgoingSecret so the initiator can tell the
// node's calls from others.
type ExternalInitiator struct {
	Name           string  `gorm:"primaryKey;size:64"`
	URL            *string `gorm:"column:url"`
	AccessKeyHash  string  `gorm:"size:64;uniqueIndex;not null"`
	Salt           string  `gorm:"size:64;not null"`
	HashedSecret   string  `gorm:"size:64;not null"`
	OutgoingToken  Secret  `gorm:"not null"`
	OutgoingSecret Secret  `gorm:"not null"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ExternalInitiatorCredentials are the secrets an external initiator is
// given once, at creation: the access key and secret it sends, and the
// token and secret the node sends it.
type ExternalInitiatorCredentials struct {
	AccessKey      string
	Secret         string
	OutgoingToken  string
	OutgoingSecret string
}

// externalInitiatorName is the form of an external initiator's name: it is
// also a path segment of DELETE /v2/external_initiators/:name.
var externalInitiatorName = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// NewExternalInitiator returns an external initiator named name (trimmed,
// lowercased) notified at url (empty: never notified) with fresh
// credentials, of which it keeps only hashes of the incoming pair. It
// checks the name's form; the caller checks the URL.
func NewExternalInitiator(name, url string) (*ExternalInitiator, ExternalInitiatorCredentials, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !externalInitiatorName.MatchString(name) {
		return nil, ExternalInitiatorCredentials{}, fmt.Errorf("external initiator name %q must be 1 to 64 lowercase letters, digits, '_' or '-'", name)
	}
	creds := ExternalInitiatorCredentials{
		AccessKey:      NewBridgeToken(),
		Secret:         NewBridgeToken(),
		OutgoingToken:  NewBridgeToken(),
		OutgoingSecret: NewBridgeToken(),
	}
	ei := &ExternalInitiator{
		Name:           name,
		AccessKeyHash:  HashAccessKey(creds.AccessKey),
		Salt:           NewBridgeToken(),
		OutgoingToken:  Secret(creds.OutgoingToken),
		OutgoingSecret: Secret(creds.OutgoingSecret),
	}
	ei.HashedSecret = HashBridgeToken(creds.Secret, ei.Salt)
	if u := strings.TrimSpace(url); u != "" {
		ei.URL = &u
	}
	return ei, creds, nil
}

// HashAccessKey returns the hex SHA-256 of an access key, the column an
// external initiator is looked up by.
func HashAccessKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// SecretMatches reports, in constant time, whether secret is the external
// initiator's secret.
func (ei *ExternalInitiator) SecretMatches(secret string) bool {
	if ei == nil || ei.HashedSecret == "" || ei.Salt == "" {
		return false
	}
	got := HashBridgeToken(secret, ei.Salt)
	return subtle.ConstantTimeCompare([]byte(got), []byte(ei.HashedSecret)) == 1
}

// String names the external initiator without its secrets.
func (ei ExternalInitiator) String() string { return "external initiator " + ei.Name }
