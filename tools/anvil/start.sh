#!/usr/bin/env bash
# Starts the pinned anvil on a free 127.0.0.1 port in the background and
# prints, once it answers eth_chainId:
#   ANVIL_URL=ws://127.0.0.1:PORT
#   ANVIL_PID=PID
#   ANVIL_LOG=FILE
# and, unless NO_DEPLOY=1, deploys Pythia's contracts with anvil's account 0
# (authorizing NODE_ADDRESS on the Oracle when set) and prints
#   LINK_CONTRACT_ADDRESS=... ORACLE_CONTRACT_ADDRESS=... CONSUMER_CONTRACT_ADDRESS=...
# Every argument is passed to anvil (e.g. --block-time 1; with none anvil
# automines). Stop it with: kill "$ANVIL_PID".
# Usage: eval "$(tools/anvil/start.sh --block-time 1)"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

if [ ! -x "$bin" ]; then
	echo "installing anvil (npm ci) in $here" >&2
	npm ci --prefix "$here" --no-audit --no-fund >&2
fi

port="$(node -e '
const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
')"
log="$(mktemp "${TMPDIR:-/tmp}/anvil.XXXXXX.log")"

"$bin" --host 127.0.0.1 --port "$port" "$@" >"$log" 2>&1 &
pid=$!

# Wait up to 15 s for eth_chainId to answer.
if ! node -e '
const [url, pid] = process.argv.slice(1);
const deadline = Date.now() + 15000;
(async () => {
  while (Date.now() < deadline) {
    try { process.kill(Number(pid), 0); } catch { console.error("anvil exited"); process.exit(1); }
    try {
      const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      const j = await r.json();
      if (j.result) process.exit(0);
    } catch {}
    await new Promise((ok) => setTimeout(ok, 50));
  }
  console.error("anvil did not answer eth_chainId within 15 s");
  process.exit(1);
})();
' "http://127.0.0.1:$port" "$pid"; then
	echo "anvil failed to start; its log ($log):" >&2
	cat "$log" >&2
	kill "$pid" 2>/dev/null || true
	exit 1
fi

echo "ANVIL_URL=ws://127.0.0.1:$port"
echo "ANVIL_PID=$pid"
echo "ANVIL_LOG=$log"

if [ "${NO_DEPLOY:-0}" != 1 ]; then
	repo="$(cd "$here/../.." && pwd)"
	deploy_args=(--url "ws://127.0.0.1:$port")
	if [ -n "${NODE_ADDRESS:-}" ]; then deploy_args+=(--node "$NODE_ADDRESS"); fi
	if ! (cd "$repo" && go run ./core dev deploy "${deploy_args[@]}"); then
		echo "deploying the contracts failed; anvil's log: $log" >&2
		kill "$pid" 2>/dev/null || true
		exit 1
	fi
fi
