package models

import (
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
)

// FunctionSelector is the first four bytes of a contract call: the start
// of the keccak256 hash of the function's signature.
type FunctionSelector [4]byte

// ParseFunctionSelector accepts "0x" followed by 8 hex digits, or a
// Solidity signature such as "fulfill(bytes32,uint256)" which it hashes.
func ParseFunctionSelector(s string) (FunctionSelector, error) {
	var fs FunctionSelector
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := hex.DecodeString(s[2:])
		if err != nil || len(b) != 4 {
			return fs, fmt.Errorf("function selector %q: want 0x and 8 hex digits", s)
		}
		copy(fs[:], b)
		return fs, nil
	}
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") || strings.ContainsAny(s, " \t") {
		return fs, fmt.Errorf("function selector %q: want 0x and 8 hex digits or a signature like name(uint256)", s)
	}
	return SelectorFor(s), nil
}

// SelectorFor hashes a canonical Solidity signature into its selector.
func SelectorFor(signature string) FunctionSelector {
	var fs FunctionSelector
	copy(fs[:], crypto.Keccak256([]byte(signature)))
	return fs
}

// String returns "0x" and 8 hex digits.
func (f FunctionSelector) String() string { return "0x" + hex.EncodeToString(f[:]) }

// Bytes returns the four bytes.
func (f FunctionSelector) Bytes() []byte { return f[:] }

// MarshalJSON renders the 0x hex form.
func (f FunctionSelector) MarshalJSON() ([]byte, error) { return json.Marshal(f.String()) }

// UnmarshalJSON accepts what ParseFunctionSelector accepts.
func (f *FunctionSelector) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("function selector must be a string: %w", err)
	}
	fs, err := ParseFunctionSelector(s)
	if err != nil {
		return err
	}
	*f = fs
	return nil
}

// Value stores the four bytes.
func (f FunctionSelector) Value() (driver.Value, error) { return f[:], nil }

// Scan reads four bytes.
func (f *FunctionSelector) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok || len(b) != 4 {
		return fmt.Errorf("scanning function selector from %T of %d bytes", src, len(b))
	}
	copy(f[:], b)
	return nil
}
