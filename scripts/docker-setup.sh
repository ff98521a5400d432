#!/usr/bin/env bash
# Makes a Docker engine answer for the tests, as one does on GitHub's ubuntu-* runners: installs docker.io (and
# debootstrap, for scripts/build-postgres-image.sh) with apt-get when missing, and starts dockerd in the background
# when no engine answers. Never fails the caller: when Docker cannot be had, it says why (also in $REASON_FILE, which
# the Docker tests print when they skip) and exits 0. Idempotent, and quick (one `docker info`) when all is there.
set -uo pipefail

STATE_DIR=${PREFLIGHT_DOCKER_STATE:-${TMPDIR:-/tmp}/alembic-preflight-docker}
REASON_FILE="$STATE_DIR/unavailable"
DOCKERD_LOG="$STATE_DIR/dockerd.log"
WAIT_SECONDS=${PREFLIGHT_DOCKERD_WAIT:-60}
mkdir -p "$STATE_DIR"

say() { echo "docker-setup: $*" >&2; }

unavailable() {
  say "Docker is not available: $*"
  say "the Docker tests will skip with this reason; everything else runs"
  echo "$*" >"$REASON_FILE"
  exit 0
}

engine_answers() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"; else return 127; fi
}

missing=()
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
if ! engine_answers; then
  # A docker client alone (some images ship one) is not an engine: look for the daemon itself.
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    [[ " ${missing[*]} " == *" docker.io "* ]] && unavailable "no dockerd and no apt-get to install docker.io"
    say "no apt-get to install ${missing[*]}; the local PostgreSQL image cannot be built"
  else
    say "installing ${missing[*]} with apt-get"
    started=$(date +%s)
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$STATE_DIR/apt.log" 2>&1 \
      || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >>"$STATE_DIR/apt.log" 2>&1; then
      tail -n 5 "$STATE_DIR/apt.log" >&2
      [[ " ${missing[*]} " == *" docker.io "* ]] && unavailable "apt-get could not install docker.io (not root? offline?), see $STATE_DIR/apt.log"
    fi
    say "installed in $(( $(date +%s) - started )) s"
  fi
fi

if engine_answers; then
  rm -f "$REASON_FILE"
  say "engine answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

# An engine that a package install started may still be coming up; else start one. DOCKER_HOST pointing elsewhere
# means someone chose another engine: do not start ours behind their back.
if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != unix:///var/run/docker.sock ]; then
  unavailable "DOCKER_HOST=$DOCKER_HOST does not answer"
fi
DOCKERD=$(command -v dockerd || echo /usr/sbin/dockerd)
dockerd_pid=
if ! pgrep -x dockerd >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || unavailable "no engine answers and dockerd needs root to start (run this script with sudo)"
  say "starting dockerd (log: $DOCKERD_LOG)"
  # setsid + nohup: the engine outlives this script and the CI step that ran it.
  setsid nohup "$DOCKERD" >"$DOCKERD_LOG" 2>&1 </dev/null &
  dockerd_pid=$!
  echo "$dockerd_pid" >"$STATE_DIR/dockerd.pid"
fi
for _ in $(seq 1 "$WAIT_SECONDS"); do
  if engine_answers; then
    rm -f "$REASON_FILE"
    say "engine answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  if [ -n "$dockerd_pid" ] && ! kill -0 "$dockerd_pid" 2>/dev/null; then
    tail -n 8 "$DOCKERD_LOG" >&2
    unavailable "dockerd exited at start: $(grep -m1 -iE 'failed|error' "$DOCKERD_LOG" | cut -c1-300)"
  fi
  sleep 1
done
tail -n 8 "$DOCKERD_LOG" >&2
unavailable "dockerd did not answer within ${WAIT_SECONDS} s (log: $DOCKERD_LOG)"
