#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite.
#
#   scripts/postgres-test-server.sh start   # prints postgres://tandem:PASSWORD@127.0.0.1:PORT/tandem_test
#   scripts/postgres-test-server.sh stop    # stops it and deletes its directory
#   scripts/postgres-test-server.sh halt    # an immediate shutdown (a crash), keeping it all
#   scripts/postgres-test-server.sh resume  # starts a halted server again, same port and data
#   scripts/postgres-test-server.sh psql …  # psql as the superuser, for settings and EXPLAIN
#
# The server lives in a fresh temp dir (data, unix socket, log), listens on 127.0.0.1 only,
# on a free port. Its directory is recorded in $PG_TEST_STATE_FILE
# (default: ${TMPDIR:-/tmp}/tandem-pg-test.state) so `stop` can find it.
# When run as root the postgres binaries run as the `postgres` user.
# Only the URL goes to stdout; progress and errors go to stderr.
set -euo pipefail

STATE_FILE="${PG_TEST_STATE_FILE:-${TMPDIR:-/tmp}/tandem-pg-test.state}"
DB_NAME="tandem_test"
DB_ROLE="tandem"

log() { printf 'postgres-test-server: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    die "initdb not found (install the Debian package 'postgresql')"
}

# Runs a postgres binary, as the postgres user when we are root, from inside the server dir
# (the postgres user cannot necessarily read the caller's cwd).
as_pg() {
    local dir="$1"; shift
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cmd_start() {
    local bindir dir password port attempt started=0
    bindir="$(find_bindir)"
    if [[ -f "$STATE_FILE" ]]; then
        die "state file $STATE_FILE exists: a test server may be running (run '$0 stop' first)"
    fi
    if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        die "running as root but there is no 'postgres' user (install the Debian package 'postgresql')"
    fi

    dir="$(mktemp -d "${TMPDIR:-/tmp}/tandem-pg.XXXXXX")"
    echo "$dir" >"$STATE_FILE"
    log "directory: $dir (recorded in $STATE_FILE)"
    chmod 700 "$dir"
    if [[ "$(id -u)" -eq 0 ]]; then chown postgres:postgres "$dir"; fi

    password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

    as_pg "$dir" "$bindir/initdb" -D "$dir/data" --username=postgres --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # The port is picked free just before starting; retry in the unlikely case someone takes it.
    for attempt in 1 2 3; do
        port="$(free_port)"
        if pg_start "$bindir" "$dir" "$port"; then
            started=1
            break
        fi
        log "start attempt $attempt on port $port failed"
        tail -n 20 "$dir/postgres.log" >&2 || true
    done
    [[ "$started" -eq 1 ]] || die "could not start postgres"
    echo "$port" >"$dir/port"

    local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres)
    as_pg "$dir" "${psql[@]}" -c "CREATE ROLE $DB_ROLE LOGIN PASSWORD '$password'" >&2 \
        || die "could not create role $DB_ROLE"
    as_pg "$dir" "${psql[@]}" -c "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" >&2 \
        || die "could not create database $DB_NAME"

    log "ready on 127.0.0.1:$port"
    echo "postgres://$DB_ROLE:$password@127.0.0.1:$port/$DB_NAME"
}

# max_connections: Swift Testing runs the app suite in parallel, one pool per test. Speed
# settings unless PG_TEST_DURABLE=1, for the drills that count acknowledged writes and the
# benchmarks. PG_TEST_OPTIONS adds server options (the benchmarks' memory, auto_explain).
pg_options() {
    local dir="$1" port="$2" speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [[ "${PG_TEST_DURABLE:-}" == "1" ]]; then speed="-c fsync=on -c synchronous_commit=on"; fi
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir $speed -c max_connections=400 ${PG_TEST_OPTIONS:-}"
}

pg_start() {
    local bindir="$1" dir="$2" port="$3"
    as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o "$(pg_options "$dir" "$port")" \
        start >&2
}

# A crash of the database server, for the drills: an immediate shutdown, keeping everything.
cmd_halt() {
    local dir
    dir="$(cat "$STATE_FILE")" || die "no state file at $STATE_FILE"
    as_pg "$dir" "$(find_bindir)/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >&2 || die "pg_ctl stop failed"
}

# Starts the halted server again, on the same port with the same data.
cmd_resume() {
    local dir
    dir="$(cat "$STATE_FILE")" || die "no state file at $STATE_FILE"
    pg_start "$(find_bindir)" "$dir" "$(cat "$dir/port")" || die "could not start postgres again"
}

cmd_psql() {
    local dir
    dir="$(cat "$STATE_FILE")" || die "no state file at $STATE_FILE"
    as_pg "$dir" "$(find_bindir)/psql" -X -v ON_ERROR_STOP=1 -h "$dir" -p "$(cat "$dir/port")" -U postgres \
        -d "$DB_NAME" "$@"
}

cmd_stop() {
    local bindir dir
    if [[ ! -f "$STATE_FILE" ]]; then
        log "no state file at $STATE_FILE: nothing to stop"
        return 0
    fi
    dir="$(cat "$STATE_FILE")"
    if [[ -n "$dir" && -d "$dir" ]]; then
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            bindir="$(find_bindir)"
            as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 \
                || log "pg_ctl stop failed (continuing with cleanup)"
        fi
        case "$dir" in
            */tandem-pg.*) rm -rf -- "$dir" ;;
            *) log "refusing to delete unexpected directory '$dir'" ;;
        esac
        log "stopped and removed $dir"
    fi
    rm -f -- "$STATE_FILE"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    halt) cmd_halt ;;
    resume) cmd_resume ;;
    psql) shift; cmd_psql "$@" ;;
    *) echo "usage: $0 start|stop|halt|resume|psql" >&2; exit 2 ;;
esac
