#!/usr/bin/env bash
# Check-ins on a statewide-sized database, release build, SQLite.
#   swift build -c release --product tandem && bench/checkins.sh [PARTICIPANTS] [CHECK_INS] [ACCOUNTS]
# Seeds PARTICIPANTS (default 100000) people with CHECK_INS (default 5000000) check-ins spread
# over the days before today, and gives ACCOUNTS (default 20000) of them a sign-in with an API
# token. Then wrk (2 threads, 15 s at 32 connections, 5 s at 8 and 1) measures:
#   - check-in submit: POST /api/v1/participants/{id}/check-ins, each request as the next
#     participant in turn (the first round makes today's check-ins, later rounds change them),
#   - a participant page with the 90-day mood and cravings charts, as their coach,
# and prints requests/s, p50, p99 and the server's peak resident memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
COUNT=${1:-100000}
CHECKINS=${2:-5000000}
ACCOUNTS=${3:-20000}
bench_setup
/usr/bin/time -f "seed: %e s, peak %M KiB" $BIN seed --participants "$COUNT" --check-ins "$CHECKINS" \
    --accounts "$ACCOUNTS" --tokens-file "$DATA/tokens.txt" --seed 1 | tail -2
echo "database: $(du -h "$DATA/tandem.sqlite" | cut -f1)"
start_server

# Each wrk thread walks its own half of the accounts, so two threads never send the same
# person's check-in at once.
export BENCH_LUA=$PWD/bench/lua

run "check-in submit (POST /api/v1/participants/{id}/check-ins, $ACCOUNTS people in turn)" \
    -s bench/lua/checkins.lua "$BASE" -- "$DATA/tokens.txt"
echo "check-ins now: $(sqlite3 "$DATA/tandem.sqlite" 'SELECT COUNT(*) FROM check_ins' 2>/dev/null || echo '?')"

# The coach of the first seeded participant (coach1) opens their page with the 90-day charts.
COACH=$(session coach1)
FIRST=$(head -1 "$DATA/tokens.txt" | cut -d' ' -f2)
points=$(curl -fsS -H "Cookie: $COACH" "$BASE/participants/$FIRST?days=90" | grep -o '<circle ' | wc -l)
echo "points on the participant's 90-day mood chart: $points"
run "participant page with the 90-day charts (GET /participants/{id}?days=90, as their coach)" \
    -H "Cookie: $COACH" "$BASE/participants/$FIRST?days=90"
echo "server peak RSS: $(peak_rss)"
