// Command pprofnode is the pythia binary plus net/http/pprof on
// PYTHIA_PPROF_ADDR (e.g. 127.0.0.1:6060), for profiling the node under
// tools/bench -pprof. Without the variable it is exactly core/main.go.
package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on the default mux
	"os"
	"time"

	"github.com/pythia-oracle/pythia/core/cmd"
)

func main() {
	if addr := os.Getenv("PYTHIA_PPROF_ADDR"); addr != "" {
		srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.ListenAndServe() }()
	}
	os.Exit(cmd.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
