#!/usr/bin/env bash
# Caseload page and name search on a statewide-sized database, release build, SQLite.
#   swift build -c release --product tandem && bench/caseload.sh [PARTICIPANTS]
# Seeds PARTICIPANTS (default 100000) people with `tandem seed` (60 engagements per coach),
# then runs wrk (2 threads, 32 connections, 15 s each; then 8 and 1 connections, 5 s) against:
#   - a coach's caseload page (GET /, 60 engagements),
#   - a supervisor's organization-wide caseload (GET /, first 100, every coach in the filter),
#   - name search by a coach (GET /participants?q=…, their own people),
#   - name search by a supervisor across the whole organization,
#   - a signed-in page that reads no data (GET /crisis), the floor of every signed-in page,
# and prints requests/s, p50, p99 and the server's peak resident memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
COUNT=${1:-100000}
bench_setup
/usr/bin/time -f "seed: %e s, peak %M KiB" $BIN seed --participants "$COUNT" --seed 1 | tail -2
start_server

COACH=$(session coach1)
SUPERVISOR=$(session supervisor)
rows=$(curl -fsS -H "Cookie: $COACH" "$BASE/" | grep -c 'href="/engagements/' || true)
echo "caseload rows on the coach's page: $rows"

# Each request searches a different name start, so the index walk is exercised, not one cached page.
cat >"$DATA/search.lua" <<'LUA'
local prefixes = {"ana", "jo", "mar", "chen", "ok", "nu", "ro", "sam", "gar", "lee", "mu", "so", "ha", "de", "ti"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/participants?q=" .. prefixes[(n % #prefixes) + 1])
end
LUA

run "coach's caseload (GET /, 60 engagements)" -H "Cookie: $COACH" "$BASE/"
run "organization-wide caseload, supervisor (GET /, 100 of $COUNT, every coach in the filter)" \
    -H "Cookie: $SUPERVISOR" "$BASE/"
run "name search, coach (own caseload)" -H "Cookie: $COACH" -s "$DATA/search.lua" "$BASE"
run "name search, supervisor (all $COUNT participants)" -H "Cookie: $SUPERVISOR" -s "$DATA/search.lua" "$BASE"
# The floor: a signed-in page that reads nothing but the session and writes no audit entry.
run "signed-in page with no data (GET /crisis)" -H "Cookie: $COACH" "$BASE/crisis"
echo "server peak RSS: $(peak_rss)"
echo "audit entries written: $(sqlite3 "$DATA/tandem.sqlite" 'SELECT COUNT(*) FROM audit_events' 2>/dev/null || echo '?')"
