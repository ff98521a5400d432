#!/usr/bin/env bash
# The README's test command: sets up everything on a fresh machine, then type-checks and runs the whole suite
# against real Python/Alembic, real PostgreSQL and real SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx tsc --noEmit -p .
npm test -- "$@"
