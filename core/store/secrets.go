package store

import (
	"errors"
	"fmt"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// SecretBox seals secrets for storage and opens them again
// (*secretbox.Box).
type SecretBox interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

var errNoSecretBox = errors.New("the store has no secret box: it cannot keep outgoing tokens")

// sealSecrets replaces each secret with its sealed form and returns a func
// that puts the plaintexts back, so callers keep what they passed in.
func (s *Store) sealSecrets(secrets ...*models.Secret) (restore func(), err error) {
	if s.secrets == nil {
		return nil, errNoSecretBox
	}
	plain := make([]models.Secret, len(secrets))
	for i, p := range secrets {
		sealed, err := s.secrets.Seal(string(*p))
		if err != nil {
			for j := 0; j < i; j++ {
				*secrets[j] = plain[j]
			}
			return nil, fmt.Errorf("sealing a secret: %w", err)
		}
		plain[i], *p = *p, models.Secret(sealed)
	}
	return func() {
		for i, p := range secrets {
			*p = plain[i]
		}
	}, nil
}

// openSecrets replaces each sealed secret with its plaintext.
func (s *Store) openSecrets(secrets ...*models.Secret) error {
	if s.secrets == nil {
		return errNoSecretBox
	}
	for _, p := range secrets {
		plain, err := s.secrets.Open(string(*p))
		if err != nil {
			return fmt.Errorf("opening a secret: %w", err)
		}
		*p = models.Secret(plain)
	}
	return nil
}
