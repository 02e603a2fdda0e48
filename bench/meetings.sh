#!/usr/bin/env bash
# Meetings at the size of a large intergroup, release build, SQLite.
#   swift build -c release --product tandem && bench/meetings.sh
# Measures, on one organization (made with `tandem seed --participants 20`):
#   - importing aasepia.json (2,038 meetings) with `tandem meetings import`, and the same feed
#     again (unchanged: nothing may be rewritten: the meetings' rows must stay the same);
#   - the organization's own feed, /meetings.json, with those 2,038 meetings (imported --own);
#   - meeting search over 10,000+ meetings (aasepia imported five times more under other names):
#     the JSON API (GET /api/v1/meetings), the signed-in finder page (GET /meetings) and the
#     organization's public finder (GET /organizations/{id}/meetings), each request a different
#     filter (day, part of the day, type, attendance, words, a point, now and next);
# wrk 2 threads, 32 connections 15 s (then 8 and 1 connections, 5 s), and the server's peak
# resident memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
FEED=${FEED:-../shared/data/meeting-guide/aasepia.json}
bench_setup
$BIN seed --participants 20 --seed 1 | tail -1
DB="$DATA/tandem.sqlite"

echo "== import $(basename "$FEED") ($(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$FEED") records)"
/usr/bin/time -f "wall %e s, peak %M KiB" $BIN meetings import "$FEED" --name Intergroup | tail -3
before=$(sqlite3 "$DB" "SELECT COUNT(*), MIN(rowid), MAX(rowid), (SELECT imported_at FROM meeting_sources WHERE name = 'Intergroup') FROM meetings")
echo "== the same feed again (unchanged)"
/usr/bin/time -f "wall %e s, peak %M KiB" $BIN meetings import "$FEED" --name Intergroup | tail -2
after=$(sqlite3 "$DB" "SELECT COUNT(*), MIN(rowid), MAX(rowid), (SELECT imported_at FROM meeting_sources WHERE name = 'Intergroup') FROM meetings")
[[ $before == "$after" ]] && echo "rows untouched: $after" || { echo "rows changed: $before -> $after"; exit 1; }

echo "== own meetings for the feed"
$BIN meetings import "$FEED" --own | tail -1
for n in 2 3 4 5; do $BIN meetings import "$FEED" --name "Intergroup $n" | tail -1; done
echo "meetings in the organization: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM meetings')"

start_server
echo "feed: $(curl -fsS "$BASE/meetings.json" | wc -c) bytes, $(curl -fsS "$BASE/meetings.json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') meetings"

COACH=$(session coach1)
TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"coach1@seed.tandem.test\",\"password\":\"$TANDEM_SEED_PASSWORD\"}" "$BASE/api/v1/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Each request a different search, as people use the finder.
cat >"$DATA/search.lua" <<'LUA'
local searches = {
  "day=2&part=evening", "day=0&part=morning&type=O", "now=1", "day=5&attendance=online",
  "q=big+book", "day=3&type=W", "day=6&part=night", "type=S", "day=1&part=afternoon&type=D",
  "q=philadelphia&day=4", "attendance=hybrid", "day=2&part=evening&type=LGBTQ",
  "latitude=39.95&longitude=-75.16&km=5", "day=4&q=step",
}
local n = 0
local prefix = os.getenv("SEARCH_PREFIX") or "/meetings?"
request = function()
  n = n + 1
  local query = searches[(n % #searches) + 1]
  -- The page takes a point as near=lat,lon; the API as latitude and longitude.
  if not prefix:find("/api/") then
    query = query:gsub("latitude=39.95&longitude=%-75.16", "near=39.95,-75.16")
  else
    query = query:gsub("now=1", "now=true")
  end
  return wrk.format("GET", prefix .. query)
end
LUA

run "the organization's feed (GET /meetings.json, 2,038 meetings)" "$BASE/meetings.json"
# One search first, so the organization's meetings are in memory before the clock starts.
curl -fsS -o /dev/null -H "Cookie: $COACH" "$BASE/meetings?day=1"
export SEARCH_PREFIX="/api/v1/meetings?"
run "meeting search, JSON API (GET /api/v1/meetings?…)" -H "Authorization: Bearer $TOKEN" -s "$DATA/search.lua" "$BASE"
unset SEARCH_PREFIX
run "meeting finder page (GET /meetings?…)" -H "Cookie: $COACH" -s "$DATA/search.lua" "$BASE"

# The organization's public finder (no sign-in), as the 12 Step Meeting List's page is public.
ADMIN=$(session admin)
token=$(curl -fsS -H "Cookie: $ADMIN" "$BASE/admin/meetings" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
PUBLIC=$(curl -fsS -H "Cookie: $ADMIN" --data-urlencode "_csrf=$token" --data-urlencode "public_finder=1" \
    "$BASE/admin/meetings/public" | sed -n 's/.*id="public-finder-link">\([^<]*\)<.*/\1/p' | head -1)
[[ -n $PUBLIC ]] || { echo "the public finder did not open" >&2; exit 1; }
export SEARCH_PREFIX="${PUBLIC#"$BASE"}?"
run "public meeting finder page (GET /organizations/{id}/meetings?…, no sign-in)" -s "$DATA/search.lua" "$BASE"
unset SEARCH_PREFIX
echo "server peak RSS: $(peak_rss)"
