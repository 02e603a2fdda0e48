#!/usr/bin/env bash
# The plan of every query the hot paths run, on a seeded database (used by bench/statewide.sh):
#   bench/explain.sh sqlite DATA_DIR      # EXPLAIN QUERY PLAN of each statement, from the
#                                         # statements a server with LOG_LEVEL=debug logs
#   bench/explain.sh postgres DATA_DIR    # EXPLAIN ANALYZE of each statement as it ran, by
#                                         # auto_explain (the server of $PG_TEST_STATE_FILE,
#                                         # started with shared_preload_libraries=auto_explain)
# Makes one request of each hot path (sign-in, caseload, participant page, check-in, message,
# meeting search, billing export) as the seeded coach1 and supervisor, then prints, path by
# path, each distinct statement and its plan.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
KIND=$1
DATA=$2
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
export TANDEM_DATA_DIR=$DATA TANDEM_SEED_PASSWORD="bench pass phrase 42"
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT

if [[ $KIND == sqlite ]]; then
    query() { sqlite3 -separator ' ' "$DATA/tandem.sqlite" "$1"; }
    mark() { :; }
else
    query() { scripts/postgres-test-server.sh psql -tA -F ' ' -c "$1"; }
    # Every statement's plan as it runs, with its real parameters and timings.
    scripts/postgres-test-server.sh psql -q -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" \
        -c "ALTER SYSTEM SET auto_explain.log_analyze = on" -c "SELECT pg_reload_conf()" >/dev/null
    PGLOG="$(cat "$PG_TEST_STATE_FILE")/postgres.log"
    START=$(wc -l <"$PGLOG")
    # A statement of its own in the server's log between two paths.
    mark() { query "SELECT 'hot path: $1'" >/dev/null; }
fi

LOG_LEVEL=$([[ $KIND == sqlite ]] && echo debug || echo warning) \
    $BIN serve --env production --hostname 127.0.0.1 --port "$PORT" >"$DATA/explain.log" 2>&1 &
PID=$!
until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do kill -0 "$PID" 2>/dev/null || { cat "$DATA/explain.log"; exit 1; }; done

coach=$(session coach1)
supervisor=$(session supervisor)
person=$(coached_person)
read -r token id < <(head -1 "$DATA/tokens.txt")
read -r thread_token thread < <(head -1 "$DATA/threads.txt")
month=$(last_month)
: >"$DATA/explain.log"
[[ $KIND == postgres ]] && START=$(wc -l <"$PGLOG")
one() {
    mark "$1"
    shift
    curl -fsS -o /dev/null "$@"
}
mark "sign-in"
session coach2 >/dev/null
one "caseload" -H "Cookie: $coach" "$BASE/"
one "participant page" -H "Cookie: $coach" "$BASE/participants/$person?days=90"
one "check-in submit" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    -d '{"mood":4,"craving":2,"use":"no","supports":["coach"]}' "$BASE/api/v1/participants/$id/check-ins"
one "message send" -H "Authorization: Bearer $thread_token" -H "Content-Type: application/json" \
    -d '{"body":"See you at the library"}' "$BASE/api/v1/threads/$thread/messages"
one "meeting search" -H "Cookie: $coach" "$BASE/meetings?day=2&part=evening"
one "billing export" -H "Cookie: $supervisor" "$BASE/billing/export.csv?$month"
mark "end"
kill "$PID"
wait "$PID" 2>/dev/null || true

if [[ $KIND == sqlite ]]; then
    python3 bench/explain.py sqlite "$DATA/explain.log" "$DATA/tandem.sqlite"
else
    scripts/postgres-test-server.sh psql -q -c "ALTER SYSTEM RESET auto_explain.log_min_duration" \
        -c "ALTER SYSTEM RESET auto_explain.log_analyze" -c "SELECT pg_reload_conf()" >/dev/null
    tail -n +"$((START + 1))" "$PGLOG" | python3 bench/explain.py postgres -
fi
