package cmd

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(lookupFrom(map[string]string{"ROOT": "/tmp/pythia-x"}))
	if err != nil {
		t.Fatalf("LoadConfig() error = %v", err)
	}
	if c.Port != 6688 || c.RootDir != "/tmp/pythia-x" || c.SessionTimeout != 15*time.Minute {
		t.Fatalf("defaults = port %d root %q timeout %v", c.Port, c.RootDir, c.SessionTimeout)
	}
	if c.EthChainID != nil || c.DatabaseURL != "" || c.MinOutgoingConfirmations != 12 {
		t.Fatalf("unexpected defaults: chain %v db %q outgoing %d", c.EthChainID, c.DatabaseURL, c.MinOutgoingConfirmations)
	}
	if c.BridgeResponseURL != "http://localhost:6688" {
		t.Fatalf("BridgeResponseURL = %q", c.BridgeResponseURL)
	}
}

func TestLoadConfigReadsValues(t *testing.T) {
	c, err := LoadConfig(lookupFrom(map[string]string{
		"CHAINLINK_PORT":        "7000",
		"ETH_URL":               "wss://mainnet.example.com/v3/secretkey",
		"ETH_CHAIN_ID":          "11155111",
		"LINK_CONTRACT_ADDRESS": "0x514910771af9ca656af840dff83e8264ecf986ca",
		"ETH_GAS_BUMP_WEI":      "7000000000",
		"SECURE_COOKIES":        "false",
		"DEFAULT_HTTP_TIMEOUT":  "3s",
		"ALLOW_ORIGINS":         "http://a.example, http://b.example",
		"DATABASE_URL":          "postgres://pythia:hunter2@db.internal:5432/pythia?sslmode=disable",
	}))
	if err != nil {
		t.Fatalf("LoadConfig() error = %v", err)
	}
	if c.Port != 7000 || c.EthChainID.Int64() != 11155111 || c.GasBumpWei.String() != "7000000000" || c.SecureCookies {
		t.Fatalf("values not read: %+v", c)
	}
	if c.LinkContract.Hex() != "0x514910771AF9Ca656af840dff83E8264EcF986CA" {
		t.Fatalf("LinkContract = %s", c.LinkContract.Hex())
	}
	if len(c.AllowOrigins) != 2 || c.AllowOrigins[1] != "http://b.example" {
		t.Fatalf("AllowOrigins = %q", c.AllowOrigins)
	}
	if c.BridgeResponseURL != "http://localhost:7000" {
		t.Fatalf("BridgeResponseURL follows the port: got %q", c.BridgeResponseURL)
	}
	var buf bytes.Buffer
	if err := c.Print(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"hunter2", "secretkey"} {
		if strings.Contains(out, secret) {
			t.Fatalf("printed config leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"CHAINLINK_PORT", "7000", "env", "ETH_GAS_PRICE_DEFAULT", "default", "db.internal:5432"} {
		if !strings.Contains(out, want) {
			t.Fatalf("printed config lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadConfigNamesEveryBadVariable(t *testing.T) {
	bad := map[string]string{
		"CHAINLINK_PORT":             "70000",
		"ETH_URL":                    "http://not-a-websocket",
		"ETH_CHAIN_ID":               "mainnet",
		"LOG_LEVEL":                  "chatty",
		"MIN_INCOMING_CONFIRMATIONS": "-1",
		"MIN_OUTGOING_CONFIRMATIONS": "ten",
		"MINIMUM_CONTRACT_PAYMENT":   "1.5",
		"LINK_CONTRACT_ADDRESS":      "0x1234",
		"ORACLE_CONTRACT_ADDRESS":    "oracle",
		"ETH_GAS_BUMP_THRESHOLD":     "x",
		"ETH_GAS_BUMP_MIN_AGE":       "ten seconds",
		"ETH_GAS_BUMP_WEI":           "5gwei",
		"ETH_GAS_PRICE_DEFAULT":      "-3",
		"ETH_MAX_GAS_PRICE_WEI":      "lots",
		"SESSION_TIMEOUT":            "15",
		"SECURE_COOKIES":             "maybe",
		"BRIDGE_RESPONSE_URL":        "ftp://x",
		"DEFAULT_HTTP_TIMEOUT":       "-1s",
		"DEFAULT_HTTP_LIMIT":         "big",
		"DATABASE_URL":               "mysql://u:p@h/db",
		"DEV_BLOCK_TIME":             "0s",
	}
	_, err := LoadConfig(lookupFrom(bad))
	if err == nil {
		t.Fatal("LoadConfig() accepted bad values")
	}
	if !IsConfigError(err) {
		t.Fatalf("error %T is not a *ConfigError", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(bad) {
		t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(bad), err)
	}
	for name, value := range bad {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, "invalid "+name+"=") && strings.Contains(l, "expected") {
				found = true
				if name != "DATABASE_URL" && !strings.Contains(l, value) {
					t.Errorf("line for %s does not show the value %q: %s", name, value, l)
				}
			}
		}
		if !found {
			t.Errorf("no problem line names %s:\n%s", name, err)
		}
	}
	if strings.Contains(err.Error(), "u:p@") {
		t.Errorf("error leaks the database password: %s", err)
	}
}

func TestGasPriceDefaultAboveCeiling(t *testing.T) {
	_, err := LoadConfig(lookupFrom(map[string]string{"ETH_GAS_PRICE_DEFAULT": "10", "ETH_MAX_GAS_PRICE_WEI": "5"}))
	if err == nil || !strings.Contains(err.Error(), "ETH_GAS_PRICE_DEFAULT") {
		t.Fatalf("err = %v, want a problem naming ETH_GAS_PRICE_DEFAULT", err)
	}
}
