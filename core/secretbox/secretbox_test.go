package secretbox

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	a, err := New("keystore password")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := a.Seal("bridge-outgoing-token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "bridge-outgoing-token") || !strings.HasPrefix(sealed, prefix) {
		t.Fatalf("Seal() = %q: plaintext visible or no prefix", sealed)
	}
	again, _ := a.Seal("bridge-outgoing-token")
	if again == sealed {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	// Another Box with the same password (another process) opens it.
	b, err := New("keystore password")
	if err != nil {
		t.Fatal(err)
	}
	for _, box := range []*Box{a, b} {
		got, err := box.Open(sealed)
		if err != nil || got != "bridge-outgoing-token" {
			t.Fatalf("Open() = %q, %v", got, err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	a, _ := New("right")
	wrong, _ := New("wrong")
	sealed, _ := a.Seal("secret")
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	tests := []struct {
		name string
		box  *Box
		in   string
		want error
	}{
		{"wrong password", wrong, sealed, ErrWrongKey},
		{"altered", a, tampered, ErrWrongKey},
		{"plaintext", a, "secret", ErrNotSealed},
		{"truncated", a, prefix + "AAAA", ErrNotSealed},
		{"bad base64", a, prefix + "!!!", ErrNotSealed},
	}
	for _, tt := range tests {
		if _, err := tt.box.Open(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: Open() error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := New(""); err == nil {
		t.Error("New(\"\") accepted an empty password")
	}
}
