package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/scrypt"
)

const (
	prefix   = "enc:v1:"
	saltSize = 16
	keySize  = 32
	// scrypt cost: about 30 ms per key on a 2-core machine, paid once per
	// salt and process.
	scryptN = 1 << 15
	scryptR = 8
	scryptP = 1
)

// ErrWrongKey is returned (wrapped) when a sealed value does not open with
// this Box's password, or was altered.
var ErrWrongKey = errors.New("secret does not decrypt: wrong keystore password or altered value")

// ErrNotSealed is returned (wrapped) for a value that was never sealed.
var ErrNotSealed = errors.New("value is not a sealed secret")

// Box seals and opens secrets with a password.
type Box struct {
	password []byte
	salt     []byte // salt of the values this Box seals

	mu   sync.Mutex
	keys map[string]cipher.AEAD // by salt
}

// New returns a Box for password. It derives its sealing key at once.
func New(password string) (*Box, error) {
	if password == "" {
		return nil, errors.New("secretbox: empty password")
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("secretbox: salt: %w", err)
	}
	b := &Box{password: []byte(password), salt: salt, keys: map[string]cipher.AEAD{}}
	if _, err := b.aead(salt); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Box) aead(salt []byte) (cipher.AEAD, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := b.keys[string(salt)]; ok {
		return a, nil
	}
	key, err := scrypt.Key(b.password, salt, scryptN, scryptR, scryptP, keySize)
	if err != nil {
		return nil, fmt.Errorf("secretbox: deriving key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	b.keys[string(salt)] = a
	return a, nil
}

// Seal encrypts plaintext into text safe for a TEXT column.
func (b *Box) Seal(plaintext string) (string, error) {
	a, err := b.aead(b.salt)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secretbox: nonce: %w", err)
	}
	out := append(append([]byte{}, b.salt...), nonce...)
	out = a.Seal(out, nonce, []byte(plaintext), []byte(prefix))
	return prefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same password.
func (b *Box) Open(sealed string) (string, error) {
	if !strings.HasPrefix(sealed, prefix) {
		return "", ErrNotSealed
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed[len(prefix):])
	if err != nil || len(raw) < saltSize {
		return "", fmt.Errorf("%w: malformed", ErrNotSealed)
	}
	a, err := b.aead(raw[:saltSize])
	if err != nil {
		return "", err
	}
	rest := raw[saltSize:]
	if len(rest) < a.NonceSize() {
		return "", fmt.Errorf("%w: malformed", ErrNotSealed)
	}
	plain, err := a.Open(nil, rest[:a.NonceSize()], rest[a.NonceSize():], []byte(prefix))
	if err != nil {
		return "", ErrWrongKey
	}
	return string(plain), nil
}
