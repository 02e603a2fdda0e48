#!/usr/bin/env bash
# Start-up time and memory of a release build on an existing SQLite database.
#   swift build -c release --product tandem && bench/startup.sh
# Prints: time from exec to GET /readyz answering, RSS at rest, and (when wrk is installed)
# RSS after 10 s of GET /signin at 32 connections on loopback.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.build/release/tandem
[[ -x $BIN ]] || { echo "build first: swift build -c release --product tandem" >&2; exit 1; }
DATA=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TANDEM_DATA_DIR=$DATA LOG_LEVEL=warning
TANDEM_SETUP_PASSWORD="bench pass phrase 42" $BIN setup --org Bench --email bench@example.org >/dev/null
start=$(date +%s%N)
$BIN serve --env production --hostname 127.0.0.1 --port "$PORT" >"$DATA/server.log" 2>&1 &
PID=$!
until curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
rss() { awk '/VmRSS/ {print int($2/1024) " MiB"}' "/proc/$PID/status"; }
echo "start-up to ready: ${ready} ms"
curl -fsS "http://127.0.0.1:$PORT/signin" >/dev/null
echo "RSS at rest: $(rss)"
if command -v wrk >/dev/null; then
    wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$PORT/signin" | grep -E "Requests/sec|50%|99%"
    echo "RSS after load: $(rss)"
fi
