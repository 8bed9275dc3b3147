package txmanager

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestDueForBump(t *testing.T) {
	sent := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	block := int64(100)
	attempt := &models.TxAttempt{BroadcastAt: &sent, BroadcastBlock: &block}
	head := func(n int64) *models.Head { return &models.Head{Number: n} }
	tests := []struct {
		name  string
		cfg   Config
		head  *models.Head
		a     *models.TxAttempt
		after time.Duration
		want  bool
	}{
		{"blocks alone, below the threshold", Config{BumpThreshold: 3}, head(102), attempt, time.Hour, false},
		{"blocks alone, at the threshold", Config{BumpThreshold: 3}, head(103), attempt, 0, true},
		{"blocks reached, too young", Config{BumpThreshold: 3, BumpMinAge: 10 * time.Second}, head(500), attempt, 9 * time.Second, false},
		{"blocks and age reached", Config{BumpThreshold: 3, BumpMinAge: 10 * time.Second}, head(103), attempt, 10 * time.Second, true},
		{"old enough, too few blocks", Config{BumpThreshold: 3, BumpMinAge: 10 * time.Second}, head(101), attempt, time.Hour, false},
		{"bumping off", Config{BumpMinAge: time.Second}, head(1000), attempt, time.Hour, false},
		{"no head yet", Config{BumpThreshold: 3}, nil, attempt, time.Hour, false},
		{"never broadcast", Config{BumpThreshold: 3}, head(1000), &models.TxAttempt{}, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.dueForBump(tt.head, tt.a, sent.Add(tt.after)))
		})
	}
}
