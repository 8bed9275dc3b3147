#!/usr/bin/env bash
# Installs what the tests need, each step only when it is missing, so a
# second run does nothing: Debian's PostgreSQL and Chromium (operator UI
# browser tests), the pinned solc (npm) for the contract checks and the
# pinned anvil (npm) for end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -q >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
  echo "install: PostgreSQL (Debian package)"
  apt_install postgresql
fi

# Debian's chromium for the operator UI's browser tests (core/internal/uitest).
if [ ! -x /usr/bin/chromium ]; then
  echo "install: Chromium (Debian package)"
  apt_install chromium
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install: Node.js and npm (Debian packages)"
  apt_install nodejs npm
fi

# npm_ci DIR installs DIR's locked packages unless the lockfile is unchanged
# since the last install.
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.pythia-lock"
  [ -f "$dir/package-lock.json" ] || return 0
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  echo "install: npm packages in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}
npm_ci evm-contracts
npm_ci tools/anvil
