package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report renders one run as markdown.
type report struct {
	opts          options
	repo          string
	started       time.Time
	elapsed       time.Duration
	load, loadEnd string
	results       []result
	faults        []faultResult
}

func (rp *report) baselineFor(r result) *result {
	for i := range rp.results {
		b := &rp.results[i]
		if b.kind == "baseline" && b.mode == r.mode && b.label == r.label {
			return b
		}
	}
	return nil
}

func ratio(a, b float64) string {
	if b == 0 || a == 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2fx)", a/b)
}

func ms(v float64) string { return fmt.Sprintf("%.1f", v) }

func (rp *report) markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# Pythia benchmark and fault results\n\n")
	w("Written by `go run ./tools/bench %s`; everything above \"%s\" is rewritten by the next run, the notes below it are kept.\n\n", strings.Join(os.Args[1:], " "), notesHeading)
	w("| | |\n| --- | --- |\n")
	w("| date | %s (took %s) |\n", rp.started.UTC().Format(time.RFC3339), rp.elapsed.Round(time.Second))
	w("| commit | %s |\n", gitCommit(rp.repo))
	w("| machine | %s |\n", machine())
	w("| load average (1, 5, 15 min) | at start %s, at end %s (other engineers' tests share the cores) |\n", rp.load, rp.loadEnd)
	w("| modes | %s; databases %s |\n", strings.Join(rp.opts.modes, ", "), strings.Join(rp.opts.dbs, ", "))
	w("| chain | anvil %s, block gas limit 3e9 (so the chain is not the limit), one process per stack, fresh per mode |\n", anvilVersion(rp.repo))
	w("| node | `pythia node start`, MIN_INCOMING_CONFIRMATIONS=%d, MIN_OUTGOING_CONFIRMATIONS=1, job httpget→jsonparse→multiply→ethuint256→ethtx against a local price server |\n", rp.opts.incoming)
	w("| baseline | tools/bench/baseline: subscribes to OracleRequest, signs and sends each fulfilment at once (no DB, no API, no fetch) |\n\n")

	w("Latency is measured from the moment the harness's own log subscription (straight to anvil) delivers the request's "+
		"OracleRequest log: *broadcast* is when the fulfilment's eth_sendRawTransaction passes the counting WebSocket proxy "+
		"between the answerer and anvil, *mined* is when the consumer's PriceFulfilled log arrives. Requests/s is fulfilments "+
		"over the time from the first request sent to the last fulfilment mined. Ratios in parentheses are Pythia over the "+
		"baseline of the same mode and workload. CPU is the answering process's user+system time during the workload, "+
		"beside anvil's and the PostgreSQL server's (its backends included) over the same time, as the three share the cores; "+
		"peak RSS is sampled every 100 ms during it, steady RSS read %s after it. DB figures are growth per request "+
		"(PostgreSQL: pg_total_relation_size of every table; SQLite: the file with its WAL); they and the RPC calls are "+
		"counted at that later moment, so they include the node's confirmation of the answers.\n\n", "a few seconds")

	for _, mode := range rp.opts.modes {
		w("## Workloads, %s\n\n", mode)
		w("| answerer | db | workload | fulfilled | lost | dup | req/s | broadcast p50 / p95 / p99 ms | mined p50 / p95 / p99 ms | blocks p50 / p95 / p99 | CPU s | anvil / PostgreSQL CPU s | peak RSS | steady RSS | DB rows/req | DB bytes/req (size after) | RPC calls/req |\n")
		w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, r := range rp.results {
			if r.mode != mode {
				continue
			}
			if r.label == "idle" || r.label == "setup" {
				w("| %s | %s | %s | | | | | | | | %.2f | | %s | %s | | | |%s\n", r.kind, r.db, r.label, r.cpu.Seconds(), mb(r.peakRSS), mb(r.steadyRSS), errCell(r.err))
				continue
			}
			base := rp.baselineFor(r)
			var bRPS, bB50, bM50, bCPU float64
			if base != nil && r.kind != "baseline" {
				bRPS, bB50, bM50, bCPU = base.rps, base.bcastP50, base.minedP50, base.cpu.Seconds()
			}
			dbCell := ""
			if r.kind == "pythia" {
				dbCell = fmt.Sprintf("%.0f (%s)", r.bytesPerReq, mb(r.dbBytesAfter))
			}
			rows := ""
			if r.kind == "pythia" {
				rows = fmt.Sprintf("%.1f", r.rowsPerReq)
			}
			w("| %s | %s | %s | %d/%d | %d | %d | %.1f%s | %s%s / %s / %s | %s%s / %s / %s | %.0f / %.0f / %.0f | %.2f%s | %s | %s | %s | %s | %s | %.2f |%s\n",
				r.kind, r.db, r.label, r.fulfilled, r.n, r.lost, r.duplicates, r.rps, ratio(r.rps, bRPS),
				ms(r.bcastP50), ratio(r.bcastP50, bB50), ms(r.bcastP95), ms(r.bcastP99),
				ms(r.minedP50), ratio(r.minedP50, bM50), ms(r.minedP95), ms(r.minedP99),
				r.blkP50, r.blkP95, r.blkP99, r.cpu.Seconds(), ratio(r.cpu.Seconds(), bCPU), sideCPUCell(r),
				mb(r.peakRSS), mb(r.steadyRSS), rows, dbCell, float64(totalCount(r.rpc))/float64(max(1, r.n)), errCell(r.err))
		}
		w("\n")
	}

	w("## RPC calls per request by method\n\n| answerer | mode | db | workload | calls per request |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rp.results {
		if r.label == "idle" || r.label == "setup" {
			continue
		}
		w("| %s | %s | %s | %s | %s |\n", r.kind, r.mode, r.db, r.label, formatPerRequest(r.rpc, r.n))
	}
	w("\n")

	if len(rp.faults) > 0 {
		w("## Fault scenarios\n\nEach on a fresh stack (anvil automine, a new database): half the requests, the fault once " +
			"the node is answering, the other half during the fault, then every request on the canonical chain must be answered " +
			"exactly once. *dup* counts the answering key's mined fulfilments of a request (ID and expiration) after its first successful one, reverted or not; an answer that reverted before it (sent while a reorg had the request off the chain) is named in the notes.\n\n")
		w("| scenario | db | requests on chain | fulfilled | lost | dup | took | notes |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, f := range rp.faults {
			note := f.note
			if f.resent > 0 {
				note = joinNotes(note, fmt.Sprintf("harness re-sent %d requests the chain dropped", f.resent))
			}
			if f.err != "" {
				note = joinNotes(note, "**error:** "+f.err)
			}
			w("| %s | %s | %d | %d | %d | %d | %s | %s |\n", faultTitle(f.name), f.db, f.n, f.fulfilled, f.lost, f.duplicates, f.elapsed.Round(time.Second), note)
		}
		w("\n")
	}

	if t := rp.targets(); t != "" {
		w("## Targets (issue 9)\n\n| target | measured | met |\n| --- | --- | --- |\n%s\n", t)
	}
	return b.String()
}

func faultTitle(name string) string {
	switch name {
	case "kill":
		return "SIGKILL mid-burst, restart"
	case "wsdrop":
		return "WebSocket dropped 3 s, restored"
	case "pgrestart":
		return "PostgreSQL restarted mid-burst"
	case "reorg":
		return fmt.Sprintf("anvil_reorg of %d blocks (requests and fulfilments)", reorgDepth)
	case "bridge":
		return "bridge times out for 5 s, then recovers"
	}
	return name
}

func errCell(err string) string {
	if err == "" {
		return ""
	}
	if len(err) > 200 {
		err = err[:200] + "…"
	}
	return " **error:** " + strings.ReplaceAll(err, "|", "/")
}

func (rp *report) find(kind, mode, db, label string) *result {
	for i := range rp.results {
		r := &rp.results[i]
		if r.kind == kind && r.mode == mode && (db == "" || r.db == db) && r.label == label {
			return r
		}
	}
	return nil
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// sideCPUCell is the chain's and the database server's CPU seconds
// during a workload ("-" where not measured).
func sideCPUCell(r result) string {
	cell := func(d time.Duration) string {
		if d < 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", d.Seconds())
	}
	return cell(r.chainCPU) + " / " + cell(r.dbCPU)
}

// targets checks the figures wherever this run measured them.
func (rp *report) targets() string {
	var b strings.Builder
	for _, mode := range rp.opts.modes {
		for _, db := range rp.opts.dbs {
			if r := rp.find("pythia", mode, db, "burst 1000"); r != nil {
				base := rp.find("baseline", mode, "", "burst 1000")
				measured, met := fmt.Sprintf("%d/%d, %.1f req/s, no baseline in this run", r.fulfilled, r.n, r.rps), "not judged (no baseline)"
				if base != nil && base.rps > 0 {
					rel := r.rps / base.rps
					measured = fmt.Sprintf("%d/%d, %.1f req/s, %.2fx baseline", r.fulfilled, r.n, r.rps, rel)
					met = yes(r.fulfilled == r.n && r.rps >= 500 && rel >= 0.7)
				}
				fmt.Fprintf(&b, "| burst of 1,000 on %s, %s: all fulfilled, >= 0.7x baseline req/s and >= 500 req/s | %s | %s |\n",
					db, mode, measured, met)
			}
			if r := rp.find("pythia", mode, db, fmt.Sprintf("sequential %d", rp.opts.n)); r != nil {
				if base := rp.find("baseline", mode, "", r.label); base != nil && base.bcastP50 > 0 {
					rel := r.bcastP50 / base.bcastP50
					fmt.Fprintf(&b, "| sequential log→broadcast median <= 1.5x baseline (%s, %s) | %.1f ms vs %.1f ms = %.2fx | %s |\n",
						db, mode, r.bcastP50, base.bcastP50, rel, yes(rel <= 1.5))
				}
			}
			if r := rp.find("pythia", mode, db, "burst 10000"); r != nil {
				fmt.Fprintf(&b, "| 10,000 in one burst (%s, %s): all fulfilled, 0 lost, 0 duplicated | %d/%d, lost %d, dup %d | %s |\n",
					db, mode, r.fulfilled, r.n, r.lost, r.duplicates, yes(r.fulfilled == r.n && r.lost == 0 && r.duplicates == 0))
				fmt.Fprintf(&b, "| steady RSS <= 150 MB after the 10,000 burst (%s, %s) | %s | %s |\n", db, mode, mb(r.steadyRSS), yes(r.steadyRSS <= 150<<20))
			}
			if r := rp.find("pythia", mode, db, "idle"); r != nil {
				fmt.Fprintf(&b, "| steady RSS <= 40 MB idle (%s, %s) | %s | %s |\n", db, mode, mb(r.steadyRSS), yes(r.steadyRSS <= 40<<20))
			}
			var per []string
			for _, r := range rp.results {
				if r.kind == "pythia" && r.mode == mode && r.db == db && strings.HasPrefix(r.label, "burst") {
					per = append(per, fmt.Sprintf("%s: %.0f B", r.label, r.bytesPerReq))
				}
			}
			if len(per) > 0 {
				fmt.Fprintf(&b, "| DB bytes per request reported and flat as the tables grow (%s, %s) | %s | see figures |\n", db, mode, strings.Join(per, ", "))
			}
		}
	}
	return b.String()
}

// failures lists lost or duplicated answers and errors: the run's exit
// code. Missed speed targets are figures, not failures.
func (rp *report) failures() []string {
	var bad []string
	for _, r := range rp.results {
		if r.label == "idle" {
			continue
		}
		if r.err != "" {
			bad = append(bad, fmt.Sprintf("%s %s %s %s: %s", r.kind, r.mode, r.db, r.label, r.err))
		}
		if r.label != "setup" && (r.lost > 0 || r.duplicates > 0 || r.fulfilled < r.n) {
			bad = append(bad, fmt.Sprintf("%s %s %s %s: %d/%d fulfilled, %d lost, %d duplicated", r.kind, r.mode, r.db, r.label, r.fulfilled, r.n, r.lost, r.duplicates))
		}
	}
	for _, f := range rp.faults {
		// A scenario that found no request on chain tested nothing.
		tested := f.n > 0 || strings.HasPrefix(f.note, "skipped")
		if f.err != "" || f.lost > 0 || f.duplicates > 0 || !tested {
			bad = append(bad, fmt.Sprintf("fault %s on %s: %d lost, %d duplicated %s", f.name, f.db, f.lost, f.duplicates, f.err))
		}
	}
	return bad
}

func gitCommit(repo string) string {
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += " (with uncommitted changes in the checkout)"
	}
	return c
}

func machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.1f GB RAM", float64(kb)/(1<<20))
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s, %s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func anvilVersion(repo string) string {
	bin := repo + "/tools/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
	if p := os.Getenv("PYTHIA_ANVIL"); p != "" {
		bin = p
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

// joinNotes joins the non-empty notes of a row with "; ".
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}
