#!/usr/bin/env bash
# Secure messaging, release build, SQLite.
#   swift build -c release --product tandem && bench/messages.sh [PEOPLE] [SOCKETS]
# Seeds PEOPLE (default 2000) participants, each with a sign-in, an API token and one
# engagement. Then:
#   - message send: wrk (2 threads, 15 s at 32 connections, 5 s at 8 and 1) POSTs
#     /api/v1/threads/{engagement}/messages, each request as the next person in turn, into
#     their own conversation (stored, audited, relayed to open sockets);
#   - open web sockets: SOCKETS (default 1000) live connections to /messages/live held by one
#     process, with the server's resident memory before and after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
COUNT=${1:-2000}
SOCKETS=${2:-1000}
bench_setup
$BIN seed --participants "$COUNT" --accounts "$COUNT" --tokens-file "$DATA/tokens.txt" --seed 1 | tail -1
# One line per person: token and the id of their engagement still running (their
# conversation; coaching that ended takes no new messages).
sqlite3 "$DATA/tandem.sqlite" \
    "SELECT participant_id || ' ' || id FROM engagements WHERE status NOT IN ('completed', 'closed')" >"$DATA/engagements.txt"
awk 'NR==FNR {e[$1]=$2; next} ($2 in e) {print $1, e[$2]}' "$DATA/engagements.txt" "$DATA/tokens.txt" \
    >"$DATA/threads.txt"
echo "conversations: $(wc -l <"$DATA/threads.txt")"
start_server

export BENCH_LUA=$PWD/bench/lua

run "message send (POST /api/v1/threads/{id}/messages, $(wc -l <"$DATA/threads.txt") people in turn)" \
    -s bench/lua/messages.lua "$BASE" -- "$DATA/threads.txt"
echo "messages now: $(sqlite3 "$DATA/tandem.sqlite" 'SELECT COUNT(*) FROM messages')"

# Web sockets: SOCKETS upgrades of one signed-in coach, held open while memory is read.
COOKIE=$(session coach1)
before=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status")
python3 - "$PORT" "$COOKIE" "$SOCKETS" "$PID" "$before" <<'PY'
import base64, os, socket, sys, time
port, cookie, count, pid, before = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
def rss():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
opened, started = [], time.monotonic()
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /messages/live HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n").encode())
    reply = s.recv(4096).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 101"), reply[:80]
    opened.append(s)
took = time.monotonic() - started
time.sleep(2)
after = rss()
print(f"== web sockets: {len(opened)} open in {took:.1f} s; server RSS {before} MiB before, {after} MiB with them "
      f"({(after - before) * 1024 / max(len(opened), 1):.0f} KiB each)")
for s in opened:
    s.close()
PY
echo "server peak RSS: $(peak_rss)"
