package exepages

import (
	"debug/elf"
	"os"
	"strings"
	"testing"
)

// written lives in .data; MapSmall must leave it as the program set it.
var written = []string{"kept"}

func TestMapSmallLeavesNoHugeMappingOfTheExecutable(t *testing.T) {
	written[0] = "changed at run time"
	res, err := MapSmall()
	if err != nil {
		t.Fatalf("MapSmall() error = %v", err)
	}
	if res.Ranges == 0 || res.Bytes < 1<<20 {
		t.Fatalf("MapSmall() = %+v, want the executable's read-only segments advised", res)
	}
	if written[0] != "changed at run time" {
		t.Fatalf("written[0] = %q after MapSmall, want the value set before it", written[0])
	}
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	// Each mapping is a header line followed by "Key: value" lines.
	var header string
	var advised int
	for _, line := range strings.Split(string(smaps), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") {
			header = line
			continue
		}
		hf := strings.Fields(header)
		if len(hf) < 6 || strings.Join(hf[5:], " ") != exe || strings.Contains(hf[1], "w") {
			continue
		}
		switch fields[0] {
		case "FilePmdMapped:":
			if fields[1] != "0" {
				t.Errorf("%s: FilePmdMapped %s kB, want 0", header, fields[1])
			}
		case "VmFlags:":
			if strings.Contains(line, " nh") && strings.Contains(line, " rr") {
				advised++
			}
		}
	}
	if advised == 0 {
		t.Errorf("no read-only mapping of %s carries the nh and rr (MADV_NOHUGEPAGE, MADV_RANDOM) flags", exe)
	}
}

func TestReadOnlySpans(t *testing.T) {
	page := pageSize
	tests := []struct {
		name  string
		progs []*elf.Prog
		bias  uint64
		want  []span
	}{
		{
			name: "text and rodata, writable data after a shared file page",
			progs: []*elf.Prog{
				{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_X, Vaddr: 2 * page, Filesz: 10 * page, Memsz: 10 * page}},
				{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Flags: elf.PF_R, Vaddr: 12 * page, Filesz: 5*page + 100, Memsz: 5*page + 100}},
				{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_W, Vaddr: 18*page + 200, Filesz: page, Memsz: 3 * page}},
				{ProgHeader: elf.ProgHeader{Type: elf.PT_GNU_RELRO, Flags: elf.PF_R, Vaddr: 18*page + 200, Memsz: 50}},
			},
			want: []span{{2 * page, 12 * page}, {12 * page, 17 * page}},
		},
		{
			name: "RELRO inside a read-only segment's last pages is cut off",
			progs: []*elf.Prog{
				{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Flags: elf.PF_R, Vaddr: 0, Filesz: 8 * page, Memsz: 8 * page}},
				{ProgHeader: elf.ProgHeader{Type: elf.PT_GNU_RELRO, Flags: elf.PF_R, Vaddr: 6*page + 8, Memsz: page}},
			},
			want: []span{{0, 6 * page}},
		},
		{
			name: "a position-independent executable's bias moves every span",
			bias: 0x5500_0000_0000,
			progs: []*elf.Prog{
				{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_X, Vaddr: 0, Filesz: 4 * page, Memsz: 4 * page}},
			},
			want: []span{{0x5500_0000_0000, 0x5500_0000_0000 + 4*page}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readOnlySpans(tt.progs, tt.bias)
			if len(got) != len(tt.want) {
				t.Fatalf("readOnlySpans() = %x, want %x", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("readOnlySpans() = %x, want %x", got, tt.want)
				}
			}
		})
	}
}
