# A throwaway PostgreSQL server for the test command: initdb into a temporary
# directory, start on 127.0.0.1 on a free port, export CORMORANT_TEST_PG_URL,
# and stop and delete it when the calling script exits (also on failure).
# Sourced after setup.sh.

PG_PASSWORD_ROLE="cormorant_pw"  # tests-py checks password errors with this role

postgres_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -x "$dir/initdb" ] || return 1
    echo "$dir"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a command as the postgres system user when we are root (initdb refuses
# to run as root), else as ourselves.
as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_postgres() {
    [ -n "${PG_TEST_DIR:-}" ] || return 0
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=""
}

start_throwaway_postgres() {
    PG_BIN="$(postgres_bindir)" || { ensure_debian_packages postgresql; PG_BIN="$(postgres_bindir)"; }
    PG_TEST_DIR="$(mktemp -d /tmp/cormorant-pg.XXXXXX)"
    trap stop_postgres EXIT
    [ "$(id -u)" -ne 0 ] || chown postgres "$PG_TEST_DIR"
    as_pg_owner "$PG_BIN/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C >"$PG_TEST_DIR/initdb.log" 2>&1 \
        || { cat "$PG_TEST_DIR/initdb.log"; return 1; }
    # One role must give its password, so wrong-password errors can be tested.
    sed -i "1i host all $PG_PASSWORD_ROLE 127.0.0.1/32 scram-sha-256" "$PG_TEST_DIR/data/pg_hba.conf"
    local port
    port="$(free_port)"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
        -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
        || { cat "$PG_TEST_DIR/server.log"; return 1; }
    export CORMORANT_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    export CORMORANT_TEST_PG_SOCKET_DIR="$PG_TEST_DIR"  # its Unix socket (tests-py/engine/test_pg_url_forms.py)
    echo "==> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}
