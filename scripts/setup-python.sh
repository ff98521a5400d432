#!/usr/bin/env bash
# Creates the Python venvs the fixtures and tests run in:
#   .venv      latest Alembic + SQLAlchemy 2.x, with every driver the fixtures use, pytest-alembic and squawk-cli
#   .venv-old  Alembic 1.8 + SQLAlchemy 1.4 (the oldest combination we promise), unless PREFLIGHT_SKIP_OLD=1
# Idempotent: a venv whose requirements stamp matches is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

make_venv() {
  local dir=$1 req=$2
  local stamp="$dir/.requirements.sha"
  local want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setting up $dir from $req" >&2
  rm -rf "$dir"
  "$PY" -m venv "$dir"
  "$dir/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
  echo "$want" > "$stamp"
}

make_venv .venv scripts/requirements-latest.txt
if [ "${PREFLIGHT_SKIP_OLD:-0}" != 1 ]; then
  make_venv .venv-old scripts/requirements-old.txt
fi
