// Package exepages keeps the node's own executable mapped a page at a time,
// so its resident set holds the code and tables it uses, not whole 2 MiB
// blocks of a 90 MiB binary.
//
// Recent Linux kernels (6.18 measured) keep a file in the page cache as
// large folios, up to 2 MiB, when it is written or read ahead, and map a
// whole folio on a fault: with one huge mapping when it is PMD-sized, and
// whole by fault-around otherwise. Go's runtime reads function tables
// (pclntab) and type data spread over the binary, so an idle node counted
// 49-62 MiB of its executable in RSS against 12 MiB of its own memory.
//
// MapSmall, called once at the start of `node start`, marks the read-only
// segments of the executable MADV_NOHUGEPAGE and MADV_RANDOM, drops what is
// mapped of them, and evicts the file's unmapped pages from the page cache.
// Later faults read single pages, so RSS and the page cache hold what the
// node touches. The cost is paid once: start-up reads those pages from the
// file again (about 0.25 s more to healthy in dev mode). Writable segments,
// and the RELRO page the dynamic loader wrote, are never touched. On other
// systems MapSmall does nothing.
package exepages
