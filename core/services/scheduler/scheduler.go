package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/pythia-oracle/pythia/core/services/lifecycle"
	"github.com/pythia-oracle/pythia/core/store/models"
)

// RunCreator starts a run of job by initr (core/services' RunManager).
type RunCreator interface {
	ExecuteJob(ctx context.Context, job *models.JobSpec, initr models.Initiator, input models.JSON, req *models.RunRequest) (*models.JobRun, error)
}

// JobStore lists scheduled jobs and tells whether a runat initiator ran
// (*store.Store).
type JobStore interface {
	ActiveJobSpecsByInitiatorType(ctx context.Context, typ string) ([]models.JobSpec, error)
	HasRunForInitiator(ctx context.Context, initiatorID int64) (bool, error)
}

// Config tunes the Scheduler.
type Config struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// RunTimeout bounds the creation of one run (default 30s).
	RunTimeout time.Duration
}

// Scheduler starts the runs of cron and runat initiators. Build it with
// New.
type Scheduler struct {
	lifecycle.Base
	cfg  Config
	jobs JobStore
	runs RunCreator
	lggr *slog.Logger
	cron *cron.Cron

	mu      sync.Mutex
	entries map[string][]cron.EntryID // by job ID
	timers  map[int64]*time.Timer     // runat timers by initiator ID
	jobOf   map[int64]string          // runat initiator ID -> job ID
	fired   map[int64]bool            // runat initiators started by this process
	// changed holds the jobs added or removed at run time: the start-up
	// load, which runs beside them, must not schedule its older copy of
	// one (an archived job would fire again, a replaced one twice).
	changed map[string]bool
	closed  bool
	wg      sync.WaitGroup // runat starts in flight
}

var _ lifecycle.Service = (*Scheduler)(nil)

// New returns a Scheduler; it schedules nothing until Start.
func New(cfg Config, jobs JobStore, runs RunCreator, lggr *slog.Logger) (*Scheduler, error) {
	if jobs == nil || runs == nil {
		return nil, errors.New("creating scheduler: job store and run creator are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = 30 * time.Second
	}
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		cfg: cfg, jobs: jobs, runs: runs,
		entries: map[string][]cron.EntryID{},
		timers:  map[int64]*time.Timer{},
		jobOf:   map[int64]string{},
		fired:   map[int64]bool{},
		changed: map[string]bool{},
	}
	s.lggr = lggr.With("service", s.Name())
	s.cron = cron.New(cron.WithLogger(cronLogger{s.lggr}), cron.WithChain(cron.Recover(cronLogger{s.lggr})))
	return s, nil
}

// Name is the service's name.
func (s *Scheduler) Name() string { return "Scheduler" }

// Start starts the cron clock and, on a goroutine, schedules every active
// cron and runat job.
func (s *Scheduler) Start(_ context.Context) error {
	return s.StartOnce(func() error {
		s.cron.Start()
		s.Go(s.load)
		return nil
	})
}

// Close stops the clock and the timers and waits for runs being started.
func (s *Scheduler) Close() error {
	return s.CloseOnce(func() error {
		<-s.cron.Stop().Done()
		s.mu.Lock()
		s.closed = true
		for id, t := range s.timers {
			t.Stop()
			delete(s.timers, id)
		}
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	})
}

func (s *Scheduler) load(ctx context.Context) {
	for _, typ := range []string{models.InitiatorCron, models.InitiatorRunAt} {
		jobs, err := s.jobs.ActiveJobSpecsByInitiatorType(ctx, typ)
		if err != nil {
			if ctx.Err() == nil {
				s.lggr.Error("loading scheduled jobs", "initiator", typ, "err", err)
			}
			continue
		}
		for i := range jobs {
			if err := s.addJob(ctx, &jobs[i], typ, true); err != nil {
				s.lggr.Error("scheduling job", "job_id", jobs[i].ID, "err", err)
			}
		}
	}
}

// AddJob schedules the job's cron and runat initiators (a job added at run
// time). A job already scheduled is scheduled again from scratch. Archived
// jobs are ignored.
func (s *Scheduler) AddJob(ctx context.Context, job *models.JobSpec) error {
	if job == nil {
		return errors.New("scheduling job: no job")
	}
	s.RemoveJob(job.ID)
	return errors.Join(s.addJob(ctx, job, models.InitiatorCron, false), s.addJob(ctx, job, models.InitiatorRunAt, false))
}

// addJob schedules the job's initiators of type typ; fromLoad when the
// start-up load found the job.
func (s *Scheduler) addJob(ctx context.Context, job *models.JobSpec, typ string, fromLoad bool) error {
	if job.Archived() {
		return nil
	}
	copied := *job
	var errs []error
	for _, initr := range job.Initiators {
		if initr.Type != typ {
			continue
		}
		p, err := initr.DecodeParams()
		if err != nil {
			errs = append(errs, fmt.Errorf("job %s %s initiator: %w", job.ID, typ, err))
			continue
		}
		switch typ {
		case models.InitiatorCron:
			errs = append(errs, s.addCron(&copied, initr, p.Schedule, fromLoad))
		case models.InitiatorRunAt:
			errs = append(errs, s.addRunAt(ctx, &copied, initr, *p.Time, fromLoad))
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) addCron(job *models.JobSpec, initr models.Initiator, spec string, fromLoad bool) error {
	schedule, err := models.ParseCronSchedule(spec)
	if err != nil {
		return fmt.Errorf("job %s cron initiator: %w", job.ID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || (fromLoad && s.changed[job.ID]) {
		return nil
	}
	id := s.cron.Schedule(schedule, cron.FuncJob(func() { s.start(job, initr) }))
	s.entries[job.ID] = append(s.entries[job.ID], id)
	s.lggr.Info("scheduled cron job", "job_id", job.ID, "schedule", spec)
	return nil
}

func (s *Scheduler) addRunAt(ctx context.Context, job *models.JobSpec, initr models.Initiator, at time.Time, fromLoad bool) error {
	ran, err := s.jobs.HasRunForInitiator(ctx, initr.ID)
	if err != nil {
		return fmt.Errorf("job %s runat initiator: %w", job.ID, err)
	}
	if ran {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.fired[initr.ID] || (fromLoad && s.changed[job.ID]) {
		return nil
	}
	d := max(at.Sub(s.cfg.Now()), 0)
	s.jobOf[initr.ID] = job.ID
	s.timers[initr.ID] = time.AfterFunc(d, func() { s.startRunAt(job, initr) })
	s.lggr.Info("scheduled runat job", "job_id", job.ID, "at", at.UTC().Format(time.RFC3339), "missed", d == 0)
	return nil
}

// startRunAt starts a runat initiator's run unless it has one.
func (s *Scheduler) startRunAt(job *models.JobSpec, initr models.Initiator) {
	s.mu.Lock()
	if s.closed || s.fired[initr.ID] {
		s.mu.Unlock()
		return
	}
	s.fired[initr.ID] = true
	delete(s.timers, initr.ID)
	delete(s.jobOf, initr.ID)
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	ctx, cancel := s.runContext()
	defer cancel()
	ran, err := s.jobs.HasRunForInitiator(ctx, initr.ID)
	if err != nil {
		s.lggr.Error("checking whether a runat initiator ran", "job_id", job.ID, "err", err)
		s.mu.Lock()
		delete(s.fired, initr.ID) // try again at the next start or AddJob
		s.mu.Unlock()
		return
	}
	if ran {
		return
	}
	s.execute(ctx, job, initr)
}

// start starts a cron tick's run.
func (s *Scheduler) start(job *models.JobSpec, initr models.Initiator) {
	ctx, cancel := s.runContext()
	defer cancel()
	s.execute(ctx, job, initr)
}

func (s *Scheduler) runContext() (context.Context, context.CancelFunc) {
	ctx, cancel := s.StopContext()
	tctx, tcancel := context.WithTimeout(ctx, s.cfg.RunTimeout)
	return tctx, func() { tcancel(); cancel() }
}

func (s *Scheduler) execute(ctx context.Context, job *models.JobSpec, initr models.Initiator) {
	run, err := s.runs.ExecuteJob(ctx, job, initr, nil, nil)
	if err != nil {
		if ctx.Err() == nil {
			s.lggr.Warn("starting scheduled run", "job_id", job.ID, "initiator", initr.Type, "err", err)
		}
		return
	}
	s.lggr.Info("started scheduled run", "job_id", job.ID, "initiator", initr.Type, "run_id", run.ID)
}

// RemoveJob unschedules a job (archived, or about to be rescheduled).
func (s *Scheduler) RemoveJob(jobID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed[jobID] = true
	for _, id := range s.entries[jobID] {
		s.cron.Remove(id)
	}
	delete(s.entries, jobID)
	for initrID, j := range s.jobOf {
		if j != jobID {
			continue
		}
		if t, ok := s.timers[initrID]; ok {
			t.Stop()
			delete(s.timers, initrID)
		}
		delete(s.jobOf, initrID)
	}
}

// cronLogger sends robfig/cron's messages to slog.
type cronLogger struct{ lggr *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.lggr.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.lggr.Error("cron: "+msg, append(kv, "err", err)...)
}
