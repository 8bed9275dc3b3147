package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a process the harness started. It dies with the harness
// (Pdeathsig), so nothing outlives a crashed run.
type child struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

func startChild(name, logPath string, env []string, bin string, args ...string) (*child, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: opening log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: starting %s: %w", name, bin, err)
	}
	c := &child{name: name, cmd: cmd, log: f, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		f.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *child) PID() int { return c.cmd.Process.Pid }

func (c *child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Stop sends sig and waits up to within for the exit, then kills.
func (c *child) Stop(sig syscall.Signal, within time.Duration) {
	if c.Exited() {
		return
	}
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.done:
	case <-time.After(within):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// Kill sends SIGKILL and waits for the exit.
func (c *child) Kill() { c.Stop(syscall.SIGKILL, time.Minute) }

// procStats are a process's CPU time and memory from /proc.
type procStats struct {
	CPU     time.Duration // user + system
	RSS     int64         // bytes, now
	PeakRSS int64         // bytes, VmHWM: the peak since the process started
}

const clockTicks = 100 // USER_HZ on Linux

func readProcStats(pid int) (procStats, error) {
	var s procStats
	f, err := statFields(pid)
	if err != nil {
		return s, err
	}
	s.CPU = ticksOf(f, 11, 12) // utime, stime
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("reading /proc/%d/status: %w", pid, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(fs[0], 10, 64)
		switch k {
		case "VmRSS":
			s.RSS = kb * 1024
		case "VmHWM":
			s.PeakRSS = kb * 1024
		}
	}
	return s, nil
}

// treeCPU is the user+system time of pid and of its children, live ones
// and those that have exited (cutime, cstime): PostgreSQL does its work in
// backend processes, anvil in threads of its own.
func treeCPU(pid int) (time.Duration, error) {
	own, _, err := statTimes(pid)
	if err != nil {
		return 0, err
	}
	total := own
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("listing /proc: %w", err)
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		t, ppid, err := statTimes(child)
		if err == nil && ppid == pid { // a child that exits meanwhile is skipped
			total += t
		}
	}
	return total, nil
}

// statTimes reads a process's utime+stime+cutime+cstime and its parent.
func statTimes(pid int) (time.Duration, int, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	ppid, _ := strconv.Atoi(f[1])
	return ticksOf(f, 11, 12, 13, 14), ppid, nil
}

// statFields are the fields of /proc/PID/stat after the command name
// (which may hold spaces) in parentheses: f[0] is the state, f[1] the
// parent, f[11]-f[14] utime, stime, cutime and cstime.
func statFields(pid int) ([]string, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, fmt.Errorf("reading /proc/%d/stat: %w", pid, err)
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	if len(f) < 15 {
		return nil, fmt.Errorf("short /proc/%d/stat", pid)
	}
	return f, nil
}

// ticksOf sums the clock-tick fields at idx as a duration.
func ticksOf(f []string, idx ...int) time.Duration {
	var ticks int64
	for _, i := range idx {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// rssSampler records the highest RSS of a process while it runs.
type rssSampler struct {
	mu   sync.Mutex
	peak int64
	stop context.CancelFunc
	done chan struct{}
}

func sampleRSS(pid func() int, every time.Duration) *rssSampler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &rssSampler{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if st, err := readProcStats(pid()); err == nil {
				s.mu.Lock()
				s.peak = max(s.peak, st.RSS)
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peak seen.
func (s *rssSampler) Stop() int64 {
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// poll calls cond every interval until it returns true, ctx ends or
// within passes. It polls external processes, which offer nothing to wait
// on.
func poll(ctx context.Context, within, interval time.Duration, cond func() bool) error {
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return nil
		}
		if time.Now().After(deadline) {
			return errTimeout
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
