package cmd

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"
)

const (
	devPasswordFile    = "dev-keystore-password"
	devCredentialsFile = "dev-api-credentials"
	devAPIEmail        = "dev@pythia.local"
)

// readPasswordFile reads a keystore password: the file's first line, with
// the line ending removed (editors add one).
func readPasswordFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading password file: %w", err)
	}
	pw := strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
	if pw == "" {
		return "", fmt.Errorf("password file %s is empty: put the keystore password on its first line", path)
	}
	return pw, nil
}

// readAPIFile reads the API user's email and password, on two lines.
func readAPIFile(path string) (email, password string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("reading API credentials file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var lines []string
	for sc.Scan() && len(lines) < 2 {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return "", "", fmt.Errorf("reading API credentials file: %w", err)
	}
	if len(lines) < 2 || strings.TrimSpace(lines[0]) == "" || lines[1] == "" {
		return "", "", fmt.Errorf("API credentials file %s must hold the email on its first line and the password on its second", path)
	}
	email = strings.TrimSpace(lines[0])
	if !strings.Contains(email, "@") {
		return "", "", fmt.Errorf("API credentials file %s: first line %q is not an email address", path, email)
	}
	return email, lines[1], nil
}

// randomSecret returns n random bytes as URL-safe text.
func randomSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating a secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// devKeystorePassword returns the dev keystore password kept in ROOT,
// creating it (mode 0600) on the first start.
func devKeystorePassword(root string) (pw string, created bool, err error) {
	path := filepath.Join(root, devPasswordFile)
	if b, err := os.ReadFile(path); err == nil {
		if pw := strings.TrimSpace(string(b)); pw != "" {
			return pw, false, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("reading dev keystore password: %w", err)
	}
	pw, err = randomSecret(24)
	if err != nil {
		return "", false, err
	}
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("writing dev keystore password: %w", err)
	}
	return pw, true, nil
}

// prompter asks for secrets on a terminal without echoing them.
type prompter struct {
	in  *os.File
	out io.Writer
}

func (p prompter) line(label string) (string, error) {
	fmt.Fprint(p.out, label)
	r := bufio.NewReader(p.in)
	s, err := r.ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("reading %s: %w", strings.TrimSpace(strings.TrimSuffix(label, ":")), err)
	}
	return strings.TrimSpace(s), nil
}

func (p prompter) secret(label string) (string, error) {
	fmt.Fprint(p.out, label)
	b, err := term.ReadPassword(int(p.in.Fd()))
	fmt.Fprintln(p.out)
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

// newSecret asks twice until both answers match and are not empty.
func (p prompter) newSecret(label string) (string, error) {
	for i := 0; i < 3; i++ {
		a, err := p.secret(label)
		if err != nil {
			return "", err
		}
		b, err := p.secret("Again: ")
		if err != nil {
			return "", err
		}
		if a != "" && a == b {
			return a, nil
		}
		fmt.Fprintln(p.out, "The passwords are empty or do not match; try again.")
	}
	return "", errors.New("no matching password given")
}
