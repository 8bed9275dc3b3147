#!/usr/bin/env bash
# `make test`: installs what the tests need, starts a throw-away PostgreSQL,
# runs go vet and the whole test suite once on SQLite and once on
# PostgreSQL, runs the fuzz targets briefly, and stops PostgreSQL even on
# failure. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
TIMEOUT=${TEST_TIMEOUT:-30m}
start=$(date +%s)

bash tools/ci/install.sh

# shellcheck source=postgres.sh
source tools/ci/postgres.sh
trap pg_stop EXIT INT TERM
pg_start

echo "== go vet"
$GO vet ./...

echo "== build"
$GO build -o bin/pythia ./core

echo "== tests on SQLite"
PYTHIA_TEST_ENGINE=sqlite $GO test -count=1 -timeout "$TIMEOUT" ./...

echo "== tests on PostgreSQL"
PYTHIA_TEST_ENGINE=postgres $GO test -count=1 -timeout "$TIMEOUT" ./...

echo "== benchmark harness smoke (a burst of 20 and a SIGKILL mid-burst; fails on a lost or duplicated answer)"
$GO run ./tools/bench -smoke

echo "== fuzz (brief)"
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report its own deadline as "context deadline exceeded" and fail a target
# that found nothing (golang/go#75804, fixed in Go 1.27); a count has no
# deadline to race. 20,000 inputs is 2-20 s per target here.
FUZZTIME=${FUZZTIME:-20000x}
for pkg in $($GO list ./...); do
  dir=$($GO list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz: $pkg $target"
    $GO test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$pkg"
  done
done

echo "== all tests passed in $(( $(date +%s) - start ))s"
