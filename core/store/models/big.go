package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Big is an arbitrary-size integer (a payment in juels, an expiration)
// stored as decimal text so both engines keep every digit. JSON renders it
// as a quoted decimal, as the classic node did for amounts.
type Big big.Int

// NewBig returns x as a *Big, or nil for a nil x. It copies x.
func NewBig(x *big.Int) *Big {
	if x == nil {
		return nil
	}
	return (*Big)(new(big.Int).Set(x))
}

// ToInt returns a copy of b as a *big.Int; nil gives nil.
func (b *Big) ToInt() *big.Int {
	if b == nil {
		return nil
	}
	return new(big.Int).Set((*big.Int)(b))
}

// String returns the decimal text; nil gives "<nil>".
func (b *Big) String() string { return (*big.Int)(b).String() }

// Value stores the decimal text.
func (b *Big) Value() (driver.Value, error) {
	if b == nil {
		return nil, nil
	}
	return b.String(), nil
}

// Scan reads decimal text or an integer column.
func (b *Big) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		(*big.Int)(b).SetInt64(v)
		return nil
	default:
		return fmt.Errorf("scanning big integer from %T", src)
	}
	if _, ok := (*big.Int)(b).SetString(strings.TrimSpace(s), 10); !ok {
		return fmt.Errorf("scanning big integer from %q", s)
	}
	return nil
}

// MarshalJSON renders a quoted decimal.
func (b *Big) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	return json.Marshal(b.String())
}

// UnmarshalJSON accepts a quoted decimal or a JSON integer.
func (b *Big) UnmarshalJSON(data []byte) error {
	s := strings.Trim(strings.TrimSpace(string(data)), `"`)
	if _, ok := (*big.Int)(b).SetString(s, 10); !ok {
		return fmt.Errorf("decoding big integer from %s", data)
	}
	return nil
}
