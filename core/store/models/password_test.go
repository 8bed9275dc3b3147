package models

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		wantErr error
	}{
		{"ascii", "correct horse battery staple", nil},
		{"unicode", "pässwörd-密码", nil},
		{"exactly 72 bytes", strings.Repeat("a", MaxPasswordBytes), nil},
		{"73 bytes", strings.Repeat("a", MaxPasswordBytes+1), ErrPasswordTooLong},
		{"empty", "", ErrPasswordEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPasswordWithCost(tt.pw, bcrypt.MinCost)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("HashPasswordWithCost(%q) error = %v, want %v", tt.pw, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if tt.pw != "" && strings.Contains(err.Error(), tt.pw) {
					t.Fatalf("error %q contains the password", err)
				}
				return
			}
			if h == tt.pw || !strings.HasPrefix(h, "$2a$") {
				t.Fatalf("HashPasswordWithCost(%q) = %q, want a bcrypt hash", tt.pw, h)
			}
			if !CheckPassword(h, tt.pw) {
				t.Errorf("CheckPassword(hash, %q) = false, want true", tt.pw)
			}
			if CheckPassword(h, tt.pw+"x") {
				t.Errorf("CheckPassword(hash, %q) = true, want false", tt.pw+"x")
			}
		})
	}
}

func TestHashPasswordDefaultCost(t *testing.T) {
	h, err := HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	cost, err := bcrypt.Cost([]byte(h))
	if err != nil || cost != bcrypt.DefaultCost {
		t.Fatalf("bcrypt.Cost = %d, %v, want %d", cost, err, bcrypt.DefaultCost)
	}
}

func TestHashPasswordBadCost(t *testing.T) {
	for _, cost := range []int{bcrypt.MinCost - 1, bcrypt.MaxCost + 1} {
		if _, err := HashPasswordWithCost("pw", cost); err == nil {
			t.Errorf("HashPasswordWithCost(cost %d) error = nil, want one", cost)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	long := strings.Repeat("b", MaxPasswordBytes)
	h, err := HashPasswordWithCost(long, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, pw string
		want           bool
	}{
		{"match", h, long, true},
		// bcrypt alone would accept this: it ignores bytes after the 72nd.
		{"longer than 72 with same prefix", h, long + "extra", false},
		{"empty password", h, "", false},
		{"malformed hash", "not-a-hash", long, false},
		{"empty hash", "", long, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(tt.hash, tt.pw); got != tt.want {
				t.Errorf("CheckPassword(%q, %d bytes) = %v, want %v", tt.hash, len(tt.pw), got, tt.want)
			}
		})
	}
}
