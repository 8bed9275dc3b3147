package models

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// MaxPasswordBytes is bcrypt's input limit. Longer passwords are refused
// rather than silently truncated (bcrypt ignores everything after byte 72)
// or pre-hashed (which would change the stored format).
const MaxPasswordBytes = 72

// ErrPasswordTooLong is returned by HashPassword for a password longer
// than MaxPasswordBytes bytes.
var ErrPasswordTooLong = fmt.Errorf("password is longer than %d bytes", MaxPasswordBytes)

// ErrPasswordEmpty is returned by HashPassword for an empty password.
var ErrPasswordEmpty = errors.New("password is empty")

// HashPassword returns the bcrypt hash of pw at bcrypt.DefaultCost.
func HashPassword(pw string) (string, error) {
	return HashPasswordWithCost(pw, bcrypt.DefaultCost)
}

// HashPasswordWithCost is HashPassword at the given bcrypt cost
// (bcrypt.MinCost keeps tests fast). The error never contains pw.
func HashPasswordWithCost(pw string, cost int) (string, error) {
	switch {
	case pw == "":
		return "", ErrPasswordEmpty
	case len(pw) > MaxPasswordBytes:
		return "", ErrPasswordTooLong
	case cost < bcrypt.MinCost || cost > bcrypt.MaxCost:
		return "", fmt.Errorf("bcrypt cost %d is outside [%d, %d]", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches the bcrypt hash. It is false
// for a malformed hash and for a password HashPassword would refuse.
func CheckPassword(hash, pw string) bool {
	if pw == "" || len(pw) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
