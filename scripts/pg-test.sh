#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free local port, run as a non-root user.
#   scripts/pg-test.sh start   -> prints the SQLAlchemy URL
#   scripts/pg-test.sh stop
#   scripts/pg-test.sh resume  -> starts the cluster kept in PANTAU_PG_DIR again (same port), prints the URL
set -euo pipefail
DIR=${PANTAU_PG_DIR:-/tmp/pantau-pg-$(id -u)}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGUSER_OS=pantaupg

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ "$(id -u)" -eq 0 ] && ! id "$PGUSER_OS" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
    fi
    [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR" && mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$DIR"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U pantau -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o \
      "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U pantau pantau_test
    echo "postgresql+psycopg://pantau@127.0.0.1:$PORT/pantau_test" | tee "$DIR/url"
    ;;
  resume)
    URL=$(cat "$DIR/url")
    PORT=${URL##*:}; PORT=${PORT%%/*}
    [ -f "$DIR/data/postmaster.pid" ] || as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o \
      "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    echo "$URL"
    ;;
  halt)
    [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    ;;
  stop)
    [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|stop|resume|halt" >&2; exit 2 ;;
esac
