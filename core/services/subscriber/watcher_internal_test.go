package subscriber

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/assert"
)

func TestTakeWaiting(t *testing.T) {
	tests := []struct {
		name    string
		waiting int
		max     int
		want    int // logs in the batch, the first included
		left    int // logs still waiting
	}{
		{"nothing waiting", 0, 500, 1, 0},
		{"all that wait", 4, 500, 5, 0},
		{"up to max", 9, 5, 5, 5},
		{"max of one takes none", 3, 1, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := make(chan types.Log, 16)
			for i := range tt.waiting {
				ch <- types.Log{Index: uint(i + 1)}
			}
			got := takeWaiting(ch, []types.Log{{Index: 0}}, tt.max)
			if assert.Len(t, got, tt.want) {
				for i, l := range got {
					assert.Equal(t, uint(i), l.Index, "in order")
				}
			}
			assert.Len(t, ch, tt.left)
		})
	}
}
