#!/usr/bin/env bash
# The hot paths on a statewide database, release build, loopback only:
#   swift build -c release --product tandem && bench/statewide.sh [sqlite|postgres|both] [SEED OPTIONS…]
# Seeds `tandem seed --statewide` (50 organizations, 100,000 people, 1,000 coaches, 5,000,000
# check-ins, 1,000,000 notes, 500,000 messages, 10,000 meetings, plans, BARC-10s, consents and
# their audit trail; 20,000 people with a sign-in and an API token), or smaller with SEED
# OPTIONS (e.g. --participants 10000 --check-ins 500000 …, which override the preset), then:
#   - SQLite: one process;
#   - PostgreSQL (a durable server of its own, fsync on, 1 GB of shared buffers): one process,
#     then two, behind nginx (bench/lib.sh start_cluster);
# and for each runs wrk (2 threads, 32 connections for 15 s, then 1 connection for 5 s) on:
# sign-in, a coach's caseload page (100 people), a participant's page with the 90-day charts,
# check-in submit, message send, meeting search (200 meetings in the organization, 10,000 in
# all), and the billing export of last month (an organization of 2,000 people); then prints
# each process's peak memory, and the plan of every query those requests run
# (bench/explain.sh, written to bench/plans-sqlite.txt and bench/plans-postgres.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
WHICH=${1:-both}
shift || true
bench_setup
export BENCH_LUA=$PWD/bench/lua RUN_SPECS=${RUN_SPECS:-"32 15s 2;1 5s 1"}
ACCOUNTS=${ACCOUNTS:-20000}

seed() {
    /usr/bin/time -f "seed: %e s, peak %M KiB" $BIN seed --statewide --accounts $ACCOUNTS \
        --tokens-file "$DATA/tokens.txt" --seed 1 "$@" 2>&1 | grep -v "^\[" | tail -3
}

# The people's conversations (engagements still open), joined to their tokens.
threads() {
    awk 'NR==FNR {e[tolower($1)]=$2; next} (tolower($2) in e) {print $1, e[tolower($2)]}' \
        <(query "SELECT participant_id, id FROM engagements WHERE status NOT IN ('completed', 'closed')") \
        "$DATA/tokens.txt" >"$DATA/threads.txt"
}

hot_paths() {
    local coach supervisor person month anonymous csrf
    coach=$(session coach1)
    supervisor=$(session supervisor)
    person=$(coached_person)
    month=$(last_month)
    echo "caseload rows: $(curl -fsS -H "Cookie: $coach" "$BASE/" | grep -c 'href="/engagements/' || true)"
    echo "billing export lines, $month: $(curl -fsS -H "Cookie: $supervisor" \
        "$BASE/billing/export.csv?$month" | wc -l)"
    anonymous=$(curl -fsS -c - -o "$DATA/signin.html" "$BASE/signin" | awk '$6 ~ /session|csrf/ {print $6 "=" $7}' |
        paste -sd';')
    csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$DATA/signin.html" | head -1)
    SIGNIN_COOKIE=$anonymous SIGNIN_CSRF=$csrf COACHES=1000 \
        run "sign-in (POST /signin, 1,000 coaches in turn; bcrypt cost 12)" -s bench/lua/signin.lua "$BASE"
    run "coach's caseload (GET /)" -H "Cookie: $coach" "$BASE/"
    run "participant page with the 90-day charts (GET /participants/{id}?days=90)" \
        -H "Cookie: $coach" "$BASE/participants/$person?days=90"
    run "check-in submit (POST /api/v1/participants/{id}/check-ins, $ACCOUNTS people in turn)" \
        -s bench/lua/checkins.lua "$BASE" -- "$DATA/tokens.txt"
    run "message send (POST /api/v1/threads/{id}/messages, $(wc -l <"$DATA/threads.txt") people in turn)" \
        -s bench/lua/messages.lua "$BASE" -- "$DATA/threads.txt"
    run "meeting search (GET /meetings?…, 14 filters in turn)" -H "Cookie: $coach" -s bench/lua/meetings.lua "$BASE"
    run "billing export of a month (GET /billing/export.csv?$month)" \
        -H "Cookie: $supervisor" "$BASE/billing/export.csv?$month"
}

if [[ $WHICH == sqlite || $WHICH == both ]]; then
    echo "######## SQLite, one process"
    query() { sqlite3 -separator ' ' "$DATA/tandem.sqlite" "$1"; }
    seed "$@"
    echo "database: $(du -h "$DATA/tandem.sqlite" | cut -f1)"
    threads
    start_server
    hot_paths
    echo "server peak RSS: $(peak_rss)"
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    bench/explain.sh sqlite "$DATA" >bench/plans-sqlite.txt
    rm -f "$DATA"/tandem.sqlite*
fi

if [[ $WHICH == postgres || $WHICH == both ]]; then
    export PG_TEST_OPTIONS="-c shared_buffers=1GB -c shared_preload_libraries=auto_explain -c max_wal_size=4GB"
    start_postgres
    query() { scripts/postgres-test-server.sh psql -tA -F ' ' -c "$1"; }
    echo "######## PostgreSQL"
    seed "$@"
    echo "database: $(query "SELECT pg_size_pretty(pg_database_size(current_database()))")"
    threads
    for processes in 1 2; do
        echo "######## PostgreSQL, $processes process(es) behind nginx"
        start_cluster "$processes"
        hot_paths
        echo "peak RSS of each process: $(cluster_rss)"
        stop_cluster
    done
    bench/explain.sh postgres "$DATA" >bench/plans-postgres.txt
fi
