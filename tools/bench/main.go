package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// notesHeading starts the hand-written part of RESULTS.md, which a new
// run keeps.
const notesHeading = "## Notes"

// harness holds what every stack of one run shares.
type harness struct {
	repo, work       string
	nodeBin, baseBin string
	c                *contracts
	pg               *postgres
	priceURL         string
	stacks           int
	settle           time.Duration
	log              func(format string, args ...any)
}

type options struct {
	dbs         []string
	modes       []string
	n           int
	bursts      []int
	faults      []string
	faultN      int
	smoke       bool
	out         string
	pprof       bool
	keep        bool
	noBaseline  bool
	automineMax int
	incoming    int // the node's MIN_INCOMING_CONFIRMATIONS
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	db := fs.String("db", "sqlite,postgres", "node databases to measure: sqlite, postgres or both (comma-separated)")
	mode := fs.String("mode", "automine,interval", "anvil mining: automine, interval (a block every second) or both")
	fs.IntVar(&o.n, "n", 50, "requests sent one at a time (sequential latency)")
	bursts := fs.String("bursts", "100,1000,10000", "burst sizes (comma-separated; empty and -n 0: faults only)")
	faults := fs.String("faults", strings.Join(faultNames, ","), "fault scenarios: "+strings.Join(faultNames, ",")+" or none")
	fs.IntVar(&o.faultN, "fault-n", 300, "requests per fault scenario")
	fs.IntVar(&o.automineMax, "automine-max", 0, "skip bursts larger than this in automine mode (0: none skipped); automine makes a block per transaction")
	fs.BoolVar(&o.smoke, "smoke", false, "short check for make test: SQLite, automine, a burst of 20 and the SIGKILL fault; exits 1 on a lost or duplicated answer")
	fs.StringVar(&o.out, "out", "tools/bench/RESULTS.md", "markdown results file (relative to the repository); empty: stdout only")
	fs.BoolVar(&o.pprof, "pprof", false, "build the node with net/http/pprof and save CPU and heap profiles of the largest burst")
	fs.BoolVar(&o.keep, "keep", false, "keep the work folder (logs, databases)")
	fs.BoolVar(&o.noBaseline, "no-baseline", false, "skip the baseline")
	fs.IntVar(&o.incoming, "incoming-confirmations", 0, "the node's MIN_INCOMING_CONFIRMATIONS in the workloads and fault scenarios (the baseline never waits; operators run 3 or more)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.dbs, o.modes, o.faults = splitList(*db), splitList(*mode), splitList(*faults)
	for _, b := range splitList(*bursts) {
		v, err := strconv.Atoi(b)
		if err != nil || v < 1 {
			return o, fmt.Errorf("-bursts: %q is not a positive number", b)
		}
		o.bursts = append(o.bursts, v)
	}
	if o.smoke {
		o.dbs, o.modes, o.bursts, o.faults, o.n, o.faultN, o.noBaseline = []string{"sqlite"}, []string{"automine"}, []int{20}, []string{"kill"}, 3, 40, true
		if !isFlagSet(fs, "out") {
			o.out = ""
		}
	}
	if o.incoming < 0 {
		return o, fmt.Errorf("-incoming-confirmations: %d is negative", o.incoming)
	}
	if len(o.faults) == 1 && o.faults[0] == "none" {
		o.faults = nil
	}
	for _, d := range o.dbs {
		if d != "sqlite" && d != "postgres" {
			return o, fmt.Errorf("-db: %q is neither sqlite nor postgres", d)
		}
	}
	for _, m := range o.modes {
		if m != "automine" && m != "interval" {
			return o, fmt.Errorf("-mode: %q is neither automine nor interval", m)
		}
	}
	for _, f := range o.faults {
		if !contains(faultNames, f) {
			return o, fmt.Errorf("-faults: unknown scenario %q (known: %s)", f, strings.Join(faultNames, ", "))
		}
	}
	return o, nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
	}
	os.Exit(code)
}

// repoRoot finds the folder holding go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the repository")
		}
		dir = parent
	}
}

func run(args []string) (int, error) {
	o, err := parseOptions(args)
	if err != nil {
		return 2, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	repo, err := repoRoot()
	if err != nil {
		return 1, err
	}
	work, err := os.MkdirTemp("", "pythia-bench.")
	if err != nil {
		return 1, err
	}
	if os.Geteuid() == 0 {
		_ = os.Chmod(work, 0o755) // the postgres user reads nothing here, but keep it traversable
	}
	// A failed check keeps the folder too: its node and anvil logs are
	// what tells a flaky fault scenario's cause.
	keepWork := o.keep
	defer func() {
		if !keepWork {
			os.RemoveAll(work)
		}
	}()
	started := time.Now()
	h := &harness{repo: repo, work: work, settle: 3 * time.Second,
		log: func(format string, a ...any) {
			fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, a...))
		}}
	if o.smoke {
		h.settle = 500 * time.Millisecond
	}
	h.log("work folder %s; building pythia and the baseline", work)
	if h.nodeBin, h.baseBin, err = buildBinaries(ctx, repo, work, o.pprof); err != nil {
		return 1, err
	}
	if h.c, err = loadContracts(repo); err != nil {
		return 1, err
	}
	price := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"USD": 42}`)
	}))
	defer price.Close()
	h.priceURL = price.URL
	if contains(o.dbs, "postgres") {
		if h.pg, err = startPostgres(); err != nil {
			return 1, err
		}
		defer h.pg.Close()
		h.log("postgres on 127.0.0.1:%d", h.pg.port)
	}

	rep := &report{opts: o, started: started, repo: repo}
	rep.load = loadAvg()
	for _, mode := range o.modes {
		if o.n == 0 && len(o.bursts) == 0 {
			break // faults only
		}
		if !o.noBaseline {
			rep.results = append(rep.results, h.runWorkloads(ctx, o, "baseline", mode, "-")...)
		}
		for _, db := range o.dbs {
			rep.results = append(rep.results, h.runWorkloads(ctx, o, "pythia", mode, db)...)
		}
	}
	for _, db := range o.dbs {
		for _, f := range o.faults {
			if f == "pgrestart" && db != "postgres" {
				continue
			}
			h.log("fault %s on %s: %d requests", f, db, o.faultN)
			fr := h.runFault(ctx, f, db, o.faultN, o.incoming)
			h.log("fault %s on %s: %d requests, %d fulfilled, %d lost, %d duplicated %s %s", f, db, fr.n, fr.fulfilled, fr.lost, fr.duplicates, fr.note, fr.err)
			rep.faults = append(rep.faults, fr)
		}
	}
	rep.loadEnd = loadAvg()
	rep.elapsed = time.Since(started)
	md := rep.markdown()
	fmt.Println(md)
	if o.out != "" {
		path := o.out
		if !filepath.IsAbs(path) {
			path = filepath.Join(repo, path)
		}
		// A hand-written "## Notes" section at the end of the old file
		// (analysis, profiles) is kept below the fresh figures.
		if old, err := os.ReadFile(path); err == nil {
			// The heading only counts at the start of a line: the file's
			// own introduction names it too.
			if i := strings.Index(string(old), "\n"+notesHeading); i >= 0 {
				md += string(old[i:])
			}
		}
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			return 1, err
		}
		h.log("results written to %s", path)
	}
	if bad := rep.failures(); len(bad) > 0 {
		keepWork = true
		h.log("work folder kept for the failed checks (node and anvil logs per stack): %s", work)
		return 1, fmt.Errorf("%d check(s) failed:\n  %s", len(bad), strings.Join(bad, "\n  "))
	}
	return 0, ctx.Err()
}

// runWorkloads runs the sequential workload and every burst on one stack.
func (h *harness) runWorkloads(ctx context.Context, o options, kind, mode, db string) []result {
	h.log("%s %s %s: starting the stack", kind, mode, db)
	env := pprofEnv(o)
	if o.incoming > 0 {
		env = append(env, fmt.Sprintf("MIN_INCOMING_CONFIRMATIONS=%d", o.incoming))
	}
	s, err := h.newStack(ctx, kind, mode, db, stackOpts{env: env})
	if err != nil {
		h.log("%s %s %s: %v", kind, mode, db, err)
		return []result{{kind: kind, mode: mode, db: db, label: "setup", err: err.Error()}}
	}
	defer s.Close()
	var out []result
	// Idle: the process after start-up, with the job loaded.
	time.Sleep(h.settle) // letting the process settle; nothing to wait on
	if st, err := s.stats(); err == nil {
		out = append(out, result{kind: kind, mode: mode, db: db, label: "idle", steadyRSS: st.RSS, peakRSS: st.PeakRSS, cpu: st.CPU})
	}
	if o.n > 0 && ctx.Err() == nil {
		h.log("%s %s %s: %d sequential requests", kind, mode, db, o.n)
		out = append(out, s.sequential(ctx, o.n))
		h.logResult(out[len(out)-1])
	}
	for i, b := range o.bursts {
		if ctx.Err() != nil {
			break
		}
		if mode == "automine" && o.automineMax > 0 && b > o.automineMax {
			h.log("%s %s %s: burst of %d skipped (-automine-max %d)", kind, mode, db, b, o.automineMax)
			continue
		}
		h.log("%s %s %s: burst of %d", kind, mode, db, b)
		var stopProfile func()
		if o.pprof && kind == "pythia" && i == len(o.bursts)-1 {
			stopProfile = h.startProfile(ctx, s, fmt.Sprintf("%s-%s-burst%d", mode, db, b))
		}
		out = append(out, s.burst(ctx, b))
		if stopProfile != nil {
			stopProfile()
		}
		h.logResult(out[len(out)-1])
	}
	return out
}

func (h *harness) logResult(r result) {
	h.log("  %s: %d/%d fulfilled, %.1f req/s, broadcast p50 %.1f ms, mined p50 %.1f ms, lost %d, dup %d, cpu %v, peak %s %s",
		r.label, r.fulfilled, r.n, r.rps, r.bcastP50, r.minedP50, r.lost, r.duplicates, r.cpu.Round(time.Millisecond), mb(r.peakRSS), r.err)
}

// pprofEnv gives the node a pprof address when profiling.
func pprofEnv(o options) []string {
	if !o.pprof {
		return nil
	}
	port, err := freePort()
	if err != nil {
		return nil
	}
	return []string{fmt.Sprintf("PYTHIA_PPROF_ADDR=127.0.0.1:%d", port)}
}

// startProfile saves a 30 s CPU profile of the node from the start of the
// burst and a heap profile after it into tools/bench/profiles.
func (h *harness) startProfile(ctx context.Context, s *stack, name string) func() {
	addr := ""
	for _, kv := range s.node.env {
		if v, ok := strings.CutPrefix(kv, "PYTHIA_PPROF_ADDR="); ok {
			addr = v
		}
	}
	if addr == "" {
		return func() {}
	}
	dir := filepath.Join(h.repo, "tools", "bench", "profiles")
	_ = os.MkdirAll(dir, 0o755)
	cpuFile := filepath.Join(dir, name+".cpu.pprof")
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=30", addr), cpuFile)
	}()
	return func() {
		<-done
		heap := filepath.Join(dir, name+".heap.pprof")
		_ = fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/heap", addr), heap)
		h.log("profiles: %s, %s (go tool pprof -top %s)", cpuFile, heap, cpuFile)
	}
}

// fetch saves url's body to path.
func fetch(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
