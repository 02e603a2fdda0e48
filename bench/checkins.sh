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
BIN=.build/release/tandem
COUNT=${1:-100000}
CHECKINS=${2:-5000000}
ACCOUNTS=${3:-20000}
[[ -x $BIN ]] || { echo "build first: swift build -c release --product tandem" >&2; exit 1; }
command -v wrk >/dev/null || { echo "install wrk (Debian package 'wrk')" >&2; exit 1; }
DATA=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
PID=
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TANDEM_DATA_DIR=$DATA LOG_LEVEL=warning TANDEM_SEED_PASSWORD="bench pass phrase 42"
/usr/bin/time -f "seed: %e s, peak %M KiB" $BIN seed --participants "$COUNT" --check-ins "$CHECKINS" \
    --accounts "$ACCOUNTS" --tokens-file "$DATA/tokens.txt" --seed 1 | tail -2
echo "database: $(du -h "$DATA/tandem.sqlite" | cut -f1)"
$BIN serve --env production --hostname 127.0.0.1 --port "$PORT" >"$DATA/server.log" 2>&1 &
PID=$!
BASE="http://127.0.0.1:$PORT"
until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
done

# Each wrk thread walks its own half of the accounts, so two threads never send the same
# person's check-in at once.
cat >"$DATA/checkins.lua" <<'LUA'
local tokens, ids, n = {}, {}, 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
init = function(args)
  for line in io.lines(args[1]) do
    local token, id = line:match("(%S+) (%S+)")
    tokens[#tokens + 1] = token
    ids[#ids + 1] = id
  end
  n = (tid or 1) - 1
end
request = function()
  n = n + 2
  local i = (n % #tokens) + 1
  return wrk.format("POST", "/api/v1/participants/" .. ids[i] .. "/check-ins",
    {["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json"},
    '{"mood":4,"craving":2,"use":"no","supports":["coach"],"wentWell":"Walked to the meeting"}')
end
LUA

run() {
    echo "== $1"
    shift
    for spec in "32 15s 2" "8 5s 2" "1 5s 1"; do
        read -r connections duration threads <<<"$spec"
        echo "-- $connections connections"
        wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" |
            grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
    done
}
run "check-in submit (POST /api/v1/participants/{id}/check-ins, $ACCOUNTS people in turn)" \
    -s "$DATA/checkins.lua" "$BASE" -- "$DATA/tokens.txt"
echo "check-ins now: $(sqlite3 "$DATA/tandem.sqlite" 'SELECT COUNT(*) FROM check_ins' 2>/dev/null || echo '?')"

# The coach of the first seeded participant (coach1) opens their page with the 90-day charts.
jar="$DATA/coach.jar"
token=$(curl -fsS -c "$jar" "$BASE/signin" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
    --data-urlencode "email=coach1@seed.tandem.test" --data-urlencode "password=$TANDEM_SEED_PASSWORD" "$BASE/signin"
COACH=$(awk '$6 ~ /session/ {print $6 "=" $7}' "$jar")
FIRST=$(head -1 "$DATA/tokens.txt" | cut -d' ' -f2)
points=$(curl -fsS -H "Cookie: $COACH" "$BASE/participants/$FIRST?days=90" | grep -o '<circle ' | wc -l)
echo "points on the participant's 90-day mood chart: $points"
run "participant page with the 90-day charts (GET /participants/{id}?days=90, as their coach)" \
    -H "Cookie: $COACH" "$BASE/participants/$FIRST?days=90"
echo "server peak RSS: $(awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status")"
