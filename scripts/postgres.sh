# Sourced by scripts/test: a throwaway PostgreSQL server for the tests that
# need one, started as an unprivileged user in a temporary directory on a
# loopback port, with password authentication over TCP.
#
#   start_postgres   sets FIXPOINT_TEST_PG_URL (superuser `fixpoint`, password `fixpoint-test`)
#   stop_postgres    stops it and removes its directory

find_pg_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

start_postgres() {
    local bin
    if ! bin=$(find_pg_bin); then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "Installing PostgreSQL (Debian's postgresql package)" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bin=$(find_pg_bin) || { echo "error: PostgreSQL's initdb not found after installing" >&2; return 2; }
        else
            echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql package" >&2
            return 2
        fi
    fi
    PG_TEST_DIR=$(mktemp -d /tmp/fixpoint-pg.XXXXXX)
    local as_user=()
    if [ "$(id -u)" = 0 ]; then
        chown nobody "$PG_TEST_DIR"
        as_user=(runuser -u nobody --)
    fi
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf 'fixpoint-test\n' >"$PG_TEST_DIR/pwfile"
    [ "$(id -u)" = 0 ] && chown nobody "$PG_TEST_DIR/pwfile"
    "${as_user[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U fixpoint --pwfile="$PG_TEST_DIR/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_TEST_DIR/initdb.log" 2>&1 \
        || { cat "$PG_TEST_DIR/initdb.log" >&2; return 2; }
    "${as_user[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
        -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null \
        || { cat "$PG_TEST_DIR/server.log" >&2; return 2; }
    PG_TEST_BIN=$bin
    PG_TEST_AS_USER=("${as_user[@]}")
    export FIXPOINT_TEST_PG_URL="postgres://fixpoint:fixpoint-test@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

stop_postgres() {
    [ -n "${PG_TEST_DIR:-}" ] || return 0
    "${PG_TEST_AS_USER[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=
}
