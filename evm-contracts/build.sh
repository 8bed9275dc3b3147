#!/usr/bin/env bash
# Rebuilds the contract artifacts with the pinned solc and regenerates the Go
# bindings from them. Idempotent: a second run changes nothing.
#   bash evm-contracts/build.sh        (what `make contracts` runs)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
wrappers="$root/core/internal/gethwrappers"

if [ ! -d "$here/node_modules/solc" ]; then
  npm ci --prefix "$here" --no-audit --no-fund
fi

node "$here/compile.js" "$here/artifacts"

# contract:package pairs; each package holds one abigen v2 binding plus a
# hand-written doc.go that this script leaves alone.
bindings=(LinkToken:linktoken Oracle:oracle ExampleConsumer:consumer)

cd "$root"
for pair in "${bindings[@]}"; do
  contract="${pair%%:*}"
  pkg="${pair##*:}"
  mkdir -p "$wrappers/$pkg"
  go tool abigen --v2 \
    --abi "$here/artifacts/$contract.abi" \
    --bin "$here/artifacts/$contract.bin" \
    --pkg "$pkg" --type "$contract" \
    --out "$wrappers/$pkg/$pkg.go"
  gofmt -w "$wrappers/$pkg/$pkg.go"
done
echo "bindings written to ${wrappers#"$root/"}/{linktoken,oracle,consumer}"
