#!/usr/bin/env bash
# Builds a local PostgreSQL 15 image from Debian packages, for machines where no image registry is reachable:
# debootstrap (minbase + postgresql-15) from the mirror apt already uses, an entrypoint that behaves like the official
# `postgres` image's, then `docker import`. The image is cached: it carries the hash of this script as a tag and a
# label, and a run whose hash matches only re-points the stable tag. Prints the image name on stdout, last.
#   usage: scripts/build-postgres-image.sh [NAME]     (default alembic-preflight/postgres:15-local)
set -euo pipefail
SELF=$(readlink -f "$0")

NAME=${1:-${PREFLIGHT_POSTGRES_IMAGE:-alembic-preflight/postgres:15-local}}
SUITE=bookworm
say() { echo "build-postgres-image: $*" >&2; }

HASH=$(sha256sum "$SELF" | cut -c1-12)
REPO=${NAME%:*}
HASHED="$REPO:15-$HASH"

command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 || { say "no Docker engine answers"; exit 1; }

# One build at a time (CI may start this in the background while test.sh asks for it too).
LOCK=${TMPDIR:-/tmp}/alembic-preflight-postgres-image.lock
exec 9>"$LOCK"
flock 9

if docker image inspect "$HASHED" >/dev/null 2>&1; then
  docker tag "$HASHED" "$NAME"
  say "$NAME is up to date ($HASHED)"
  echo "$NAME"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || { say "debootstrap is missing (scripts/docker-setup.sh installs it)"; exit 1; }
[ "$(id -u)" = 0 ] || { say "debootstrap needs root"; exit 1; }

# The Debian mirror apt uses: deb822 sources (URIs: with Suites: bookworm) or one-line sources.list entries.
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$SUITE" '
      /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = 1 }
      /^$/ { if (found && uri != "") { print uri; exit } uri = ""; found = 0 }
      END { if (found && uri != "") print uri }' "$f"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk -v suite="$SUITE" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == suite) print $i; break } }'
  echo http://deb.debian.org/debian
}
MIRROR=$(mirror | head -n1 || true)

started=$(date +%s)
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/preflight-pgimage-XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
say "debootstrap $SUITE + postgresql-15 from $MIRROR (about a minute)"
if ! debootstrap --variant=minbase --include=postgresql-15 "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1; then
  tail -n 20 "$ROOT.log" >&2
  exit 1
fi
rm -f "$ROOT.log"

# The Debian package made a cluster "main" and its config: the image's entrypoint makes its own in PGDATA. JIT (LLVM,
# a third of the image) is left out: a throwaway server runs with jit=off, and without it PostgreSQL just does not JIT.
rm -rf "$ROOT/var/lib/postgresql/15" "$ROOT/etc/postgresql/15" \
  "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
  "$ROOT"/usr/share/locale/* "$ROOT"/usr/lib/postgresql/15/lib/llvmjit* "$ROOT"/usr/lib/postgresql/15/lib/bitcode \
  "$ROOT"/usr/lib/x86_64-linux-gnu/libLLVM-*
mkdir -p "$ROOT/var/lib/postgresql/data" "$ROOT/docker-entrypoint-initdb.d"
chroot "$ROOT" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
chmod 3777 "$ROOT/var/run/postgresql"

cat >"$ROOT/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/bash
# Like the official postgres image's entrypoint: as root, fix PGDATA's owner and re-run as postgres; on an empty
# PGDATA, initdb with POSTGRES_USER / POSTGRES_PASSWORD (scram-sha-256 for host connections), create POSTGRES_DB and
# run /docker-entrypoint-initdb.d on a temporary server (socket only, with the command's own -c settings), stop it,
# then exec the real server.
set -eu
if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown -R postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  POSTGRES_USER=${POSTGRES_USER:-postgres}
  POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
    echo '       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust).' >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${@:2}" -c listen_addresses='' -p 5432)" -w start
  export PGUSER="$POSTGRES_USER" PGPASSWORD="${POSTGRES_PASSWORD:-}"
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 -q --dbname postgres --set db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 -q --dbname "$POSTGRES_DB" -f "$f" ;;
      *) ;;
    esac
  done
  unset PGPASSWORD
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec "$@"
ENTRYPOINT
chmod 755 "$ROOT/usr/local/bin/docker-entrypoint.sh"

say "importing into Docker"
tar -C "$ROOT" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' \
  --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL alembic-preflight.recipe=$HASH" \
  - "$HASHED" >/dev/null
docker tag "$HASHED" "$NAME"
# Older builds of this recipe are not needed any more.
docker images --format '{{.Repository}}:{{.Tag}}' "$REPO" | grep -E "^$REPO:15-[0-9a-f]{12}$" | grep -vx "$HASHED" \
  | xargs -r docker rmi >/dev/null 2>&1 || true
say "built $NAME ($HASHED, $(docker image inspect "$NAME" --format '{{.Size}}' | awk '{printf "%d MB", $1 / 1e6}')) in $(( $(date +%s) - started )) s"
echo "$NAME"
