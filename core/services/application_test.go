package services

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/pythia-oracle/pythia/core/logging"
)

type recordingService struct {
	name     string
	log      *[]string
	startErr error
	health   error
}

func (s *recordingService) Name() string { return s.name }
func (s *recordingService) Start(context.Context) error {
	*s.log = append(*s.log, "start "+s.name)
	return s.startErr
}
func (s *recordingService) Close() error {
	*s.log = append(*s.log, "close "+s.name)
	return nil
}
func (s *recordingService) Healthy() error { return s.health }

func TestApplicationStartsInOrderStopsInReverse(t *testing.T) {
	var log []string
	a := NewApplication(logging.Discard(),
		&recordingService{name: "a", log: &log},
		&recordingService{name: "b", log: &log, health: errors.New("not connected")},
		&recordingService{name: "c", log: &log},
	)
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("Start() = %v", err)
	}
	h := a.Health()
	if len(h) != 3 || !h[0].Healthy || h[1].Healthy || h[1].Error != "not connected" {
		t.Fatalf("Health() = %+v", h)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	want := []string{"start a", "start b", "start c", "close c", "close b", "close a"}
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("order = %v, want %v", log, want)
	}
}

func TestApplicationStartFailureClosesStarted(t *testing.T) {
	var log []string
	a := NewApplication(logging.Discard(),
		&recordingService{name: "a", log: &log},
		&recordingService{name: "b", log: &log, startErr: errors.New("boom")},
		&recordingService{name: "c", log: &log},
	)
	err := a.Start(context.Background())
	if err == nil || err.Error() != "starting b: boom" {
		t.Fatalf("Start() = %v, want starting b: boom", err)
	}
	want := []string{"start a", "start b", "close a"}
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("order = %v, want %v", log, want)
	}
}
