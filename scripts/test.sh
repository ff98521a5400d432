#!/usr/bin/env bash
# The README's test command: sets up everything on a fresh machine, then type-checks and runs the whole suite
# against real Python/Alembic, real PostgreSQL (local binaries and Docker) and real SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."

# Docker for the postgres-docker tests: an engine (installed and started when missing; never fatal) and the local
# PostgreSQL image, built in the background while npm and the venvs are set up (cached: quick when up to date).
bash scripts/docker-setup.sh
state=${PREFLIGHT_DOCKER_STATE:-${TMPDIR:-/tmp}/alembic-preflight-docker}
mkdir -p "$state"
image_pid=
if timeout 10 docker info >/dev/null 2>&1; then
  bash scripts/build-postgres-image.sh >"$state/image-build.log" 2>&1 &
  image_pid=$!
fi

bash scripts/bootstrap.sh
bash scripts/node24.sh   # Node 24, the Action's runtime, for the Action's end-to-end tests
npx tsc --noEmit -p .

if [ -n "$image_pid" ]; then
  waited=$(date +%s)
  if ! wait "$image_pid"; then
    echo "test: the local PostgreSQL image could not be built; the Docker tests that need it will skip:" >&2
  fi
  tail -n 2 "$state/image-build.log" >&2
  echo "test: waited $(( $(date +%s) - waited )) s for the PostgreSQL image after the rest of the set-up" >&2
fi

node scripts/run-tests.mjs "$@"
