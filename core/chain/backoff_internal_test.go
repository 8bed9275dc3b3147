package chain

import (
	"testing"
	"time"
)

func TestBackoffGrowsWithinBounds(t *testing.T) {
	c := &Client{cfg: Config{URL: "ws://x", ReconnectMinBackoff: 100 * time.Millisecond, ReconnectMaxBackoff: time.Second}.withDefaults()}
	tests := []struct {
		attempt int
		base    time.Duration
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{3, 800 * time.Millisecond},
		{4, time.Second},
		{50, time.Second},
	}
	for _, tt := range tests {
		for range 20 {
			got := c.backoff(tt.attempt)
			lo, hi := tt.base*8/10, tt.base*12/10
			if got < lo || got > hi {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tt.attempt, got, lo, hi)
			}
		}
	}
}

func TestConfigDefaultsNeverTightLoop(t *testing.T) {
	cfg := Config{ReconnectMinBackoff: time.Nanosecond}.withDefaults()
	if cfg.ReconnectMinBackoff < minBackoffFloor {
		t.Fatalf("ReconnectMinBackoff = %v, want at least %v", cfg.ReconnectMinBackoff, minBackoffFloor)
	}
}
