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
BIN=.build/release/tandem
COUNT=${1:-100000}
[[ -x $BIN ]] || { echo "build first: swift build -c release --product tandem" >&2; exit 1; }
command -v wrk >/dev/null || { echo "install wrk (Debian package 'wrk')" >&2; exit 1; }
DATA=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
PID=
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TANDEM_DATA_DIR=$DATA LOG_LEVEL=warning TANDEM_SEED_PASSWORD="bench pass phrase 42"
/usr/bin/time -f "seed: %e s, peak %M KiB" $BIN seed --participants "$COUNT" --seed 1 | tail -2
$BIN serve --env production --hostname 127.0.0.1 --port "$PORT" >"$DATA/server.log" 2>&1 &
PID=$!
BASE="http://127.0.0.1:$PORT"
until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
done

# Signs in through the form (CSRF token from the page) and prints the session cookie.
session() {
    local jar="$DATA/$1.jar" token
    token=$(curl -fsS -c "$jar" "$BASE/signin" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
        --data-urlencode "email=$1@seed.tandem.test" --data-urlencode "password=$TANDEM_SEED_PASSWORD" "$BASE/signin"
    awk '$6 ~ /session/ {print $6 "=" $7}' "$jar"
}
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

run() {
    echo "== $1"
    shift
    echo "-- 32 connections"
    wrk -t2 -c32 -d15s --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
    echo "-- 8 connections"
    wrk -t2 -c8 -d5s --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
    echo "-- 1 connection (time of one request, no queue)"
    wrk -t1 -c1 -d5s --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
}
run "coach's caseload (GET /, 60 engagements)" -H "Cookie: $COACH" "$BASE/"
run "organization-wide caseload, supervisor (GET /, 100 of $COUNT, every coach in the filter)" \
    -H "Cookie: $SUPERVISOR" "$BASE/"
run "name search, coach (own caseload)" -H "Cookie: $COACH" -s "$DATA/search.lua" "$BASE"
run "name search, supervisor (all $COUNT participants)" -H "Cookie: $SUPERVISOR" -s "$DATA/search.lua" "$BASE"
# The floor: a signed-in page that reads nothing but the session and writes no audit entry.
run "signed-in page with no data (GET /crisis)" -H "Cookie: $COACH" "$BASE/crisis"
echo "server peak RSS: $(awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status")"
echo "audit entries written: $(sqlite3 "$DATA/tandem.sqlite" 'SELECT COUNT(*) FROM audit_events' 2>/dev/null || echo '?')"
