package exepages

import (
	"bufio"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// span is a half-open address range [start, end).
type span struct{ start, end uint64 }

// MapSmall marks the executable's read-only mappings MADV_NOHUGEPAGE and
// MADV_RANDOM, drops their current pages and evicts what no other process
// maps of the file from the page cache, so pages come back one at a time
// as they are touched.
func MapSmall() (Result, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return Result{}, fmt.Errorf("finding the executable: %w", err)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return Result{}, fmt.Errorf("reading the process's mappings: %w", err)
	}
	mapped, err := exeMappings(string(maps), exe)
	if err != nil {
		return Result{}, err
	}
	exeFile, err := os.Open("/proc/self/exe")
	if err != nil {
		return Result{}, fmt.Errorf("opening the executable: %w", err)
	}
	defer exeFile.Close()
	f, err := elf.NewFile(exeFile)
	if err != nil {
		return Result{}, fmt.Errorf("reading the executable's program headers: %w", err)
	}
	targets := readOnlySpans(f.Progs, loadBias(f, mapped))
	var res Result
	for _, t := range targets {
		for _, m := range mapped {
			if m.writable {
				continue
			}
			s := intersect(t, m.span)
			if s.end <= s.start {
				continue
			}
			if err := advise(s, unix.MADV_NOHUGEPAGE); err != nil {
				return res, err
			}
			// No read-ahead on a fault: a fault reads its page alone, into a
			// page-sized folio, and fault-around maps only neighbours already
			// read.
			if err := advise(s, unix.MADV_RANDOM); err != nil {
				return res, err
			}
			// The range is a private, never-written file mapping: dropping it
			// only means the next access faults the same bytes back in.
			if err := advise(s, unix.MADV_DONTNEED); err != nil {
				return res, err
			}
			res.Ranges++
			res.Bytes += int64(s.end - s.start)
		}
	}
	// The page cache still holds the file in large folios, which a fault
	// would map whole. Evicting them is safe: the kernel keeps any page a
	// process still maps, ours included, and reads the rest back on demand.
	// A binary written moments ago (go run, a fresh build) is still dirty in
	// the page cache, and dirty pages are not evicted: write it back first.
	// A read-only file system has nothing dirty and may refuse the call.
	if err := unix.Fdatasync(int(exeFile.Fd())); err != nil && !errors.Is(err, unix.EROFS) && !errors.Is(err, unix.EINVAL) {
		return res, fmt.Errorf("writing the executable back before evicting it: %w", err)
	}
	if err := unix.Fadvise(int(exeFile.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return res, fmt.Errorf("evicting the executable from the page cache: %w", err)
	}
	return res, nil
}

func advise(s span, advice int) error {
	_, _, errno := unix.Syscall(unix.SYS_MADVISE, uintptr(s.start), uintptr(s.end-s.start), uintptr(advice))
	if errno != 0 {
		return fmt.Errorf("madvise %#x-%#x (%d): %w", s.start, s.end, advice, errno)
	}
	return nil
}

// mapping is one line of /proc/self/maps that maps the executable.
type mapping struct {
	span
	writable bool
	offset   uint64
}

// exeMappings parses /proc/self/maps for the mappings of the file exe.
func exeMappings(maps, exe string) ([]mapping, error) {
	var out []mapping
	sc := bufio.NewScanner(strings.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || strings.Join(fields[5:], " ") != exe {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			return nil, fmt.Errorf("mapping %q: no address range", sc.Text())
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		off, err3 := strconv.ParseUint(fields[2], 16, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("mapping %q: %w", sc.Text(), err)
		}
		out = append(out, mapping{span: span{start, end}, writable: strings.Contains(fields[1], "w"), offset: off})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no mapping of %s in /proc/self/maps", exe)
	}
	return out, sc.Err()
}

// loadBias is where a position-independent executable was loaded: the
// mapping of file offset 0 against the first PT_LOAD's address. It is 0 for
// a fixed-address executable.
func loadBias(f *elf.File, mapped []mapping) uint64 {
	if f.Type != elf.ET_DYN {
		return 0
	}
	var first *elf.Prog
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && (first == nil || p.Vaddr < first.Vaddr) {
			first = p
		}
	}
	for _, m := range mapped {
		if first != nil && m.offset == pageDown(first.Off) {
			return m.start - pageDown(first.Vaddr)
		}
	}
	return 0
}

// readOnlySpans is the pages of the read-only PT_LOAD segments that share
// no page with a writable segment or the RELRO region, which hold bytes the
// process or its loader wrote.
func readOnlySpans(progs []*elf.Prog, bias uint64) []span {
	var keep []span
	for _, p := range progs {
		if p.Type == elf.PT_GNU_RELRO || (p.Type == elf.PT_LOAD && p.Flags&elf.PF_W != 0) {
			keep = append(keep, span{pageDown(p.Vaddr + bias), pageUp(p.Vaddr + bias + p.Memsz)})
		}
	}
	var out []span
	for _, p := range progs {
		if p.Type != elf.PT_LOAD || p.Flags&elf.PF_W != 0 {
			continue
		}
		// Only whole pages inside the segment: a partial page at either end
		// may be shared with a neighbour.
		s := span{pageUp(p.Vaddr + bias), pageDown(p.Vaddr + bias + p.Filesz)}
		for _, k := range keep {
			if k.start < s.end && s.start < k.end {
				if k.start <= s.start {
					s.start = max(s.start, k.end)
				} else {
					s.end = min(s.end, k.start)
				}
			}
		}
		if s.start < s.end {
			out = append(out, s)
		}
	}
	return out
}

func intersect(a, b span) span {
	return span{max(a.start, b.start), min(a.end, b.end)}
}

var pageSize = uint64(os.Getpagesize())

func pageDown(x uint64) uint64 { return x &^ (pageSize - 1) }
func pageUp(x uint64) uint64   { return pageDown(x + pageSize - 1) }
