set -e
B=${1:-/usr/lib/postgresql/15/bin}
D=$(mktemp -d /tmp/apf-probe-XXXX); chown nobody $D; cd $D
t() { local s=$(date +%s%N); "$@"; echo "$(( ($(date +%s%N)-s)/1000000 )) ms: ${*: -3}" ; }
t setpriv --reuid nobody --regid nogroup --clear-groups $B/initdb -D $D/tpl -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
t setpriv --reuid nobody --regid nogroup --clear-groups cp -a $D/tpl $D/data
s=$(date +%s%N)
setpriv --reuid nobody --regid nogroup --clear-groups $B/postgres -D $D/data -p 45999 -h 127.0.0.1 -k $D -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c autovacuum=off -c shared_buffers=32MB 2>$D/log &
P=$!
until grep -q "ready to accept" $D/log 2>/dev/null; do sleep 0.005; done
echo "$(( ($(date +%s%N)-s)/1000000 )) ms: start to ready"
export PGHOST=127.0.0.1 PGPORT=45999 PGUSER=postgres
t psql -qAt -c "select 1" >/dev/null
t psql -qAt -c "create database a template template0" 
t psql -qAt -c "create database b template template0 strategy file_copy" 
t psql -qAt -c "drop database a with (force)" 
t psql -qAt -d b -c "drop schema public cascade; create schema public" 
kill -INT $P; s=$(date +%s%N); wait $P || true; echo "$(( ($(date +%s%N)-s)/1000000 )) ms: stop"
cd /; rm -rf $D
