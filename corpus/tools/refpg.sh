#!/usr/bin/env bash
# A private PostgreSQL for the plain-Alembic reference: bash corpus/tools/refpg.sh start|stop [PORT]
# (the same local binaries the CLI's postgres-local uses; trust auth on 127.0.0.1, data in /tmp/refpg-PORT).
set -euo pipefail
PORT=${2:-55432}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DATA=/tmp/refpg-$PORT
case "$1" in
  start)
    rm -rf "$DATA"; mkdir -p "$DATA"; chown nobody "$DATA"
    su nobody -s /bin/bash -c "$BIN/initdb -D $DATA/data -U postgres --auth trust >/dev/null"
    su nobody -s /bin/bash -c "$BIN/pg_ctl -D $DATA/data -o '-p $PORT -c listen_addresses=127.0.0.1 -k $DATA' -l $DATA/log -w start >/dev/null"
    echo "postgresql://postgres@127.0.0.1:$PORT/postgres" ;;
  stop)
    su nobody -s /bin/bash -c "$BIN/pg_ctl -D $DATA/data -m fast stop" >/dev/null; rm -rf "$DATA" ;;
esac
