#!/usr/bin/env bash
# The README's first command: sets up everything, then runs the full check on the bundled `healthy` fixture with
# the default database choice (a private PostgreSQL cluster from local or embedded binaries) and shows the report.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFLIGHT_SKIP_OLD=1 bash scripts/bootstrap.sh
[ -f dist/cli.js ] || npm run build
exec node dist/cli.js check fixtures/healthy --python .venv/bin/python "$@"
