# Shared by the bench scripts: source it after `cd` to the repository.
#   bench_setup        checks the release binary and wrk, makes a data directory (removed on
#                      exit, with the server), picks a free port, exports the bench settings
#   start_server       serves the data directory in production mode and waits until ready
#   session NAME       signs NAME@seed.tandem.test in through the form, prints the cookie
#   run LABEL ARGS…    wrk at 32 connections (15 s), then 8 and 1 (5 s): requests/s, p50, p99
#   peak_rss           the server's peak resident memory
BIN=.build/release/tandem
PID=

bench_setup() {
    [[ -x $BIN ]] || { echo "build first: swift build -c release --product tandem" >&2; exit 1; }
    command -v wrk >/dev/null || { echo "install wrk (Debian package 'wrk')" >&2; exit 1; }
    DATA=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
    trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    BASE="http://127.0.0.1:$PORT"
    export TANDEM_DATA_DIR=$DATA LOG_LEVEL=warning TANDEM_SEED_PASSWORD="bench pass phrase 42"
}

start_server() {
    $BIN serve --env production --hostname 127.0.0.1 --port "$PORT" >"$DATA/server.log" 2>&1 &
    PID=$!
    until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do
        kill -0 "$PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
    done
}

session() {
    local jar="$DATA/$1.jar" token
    token=$(curl -fsS -c "$jar" "$BASE/signin" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
        --data-urlencode "email=$1@seed.tandem.test" --data-urlencode "password=$TANDEM_SEED_PASSWORD" "$BASE/signin"
    awk '$6 ~ /session/ {print $6 "=" $7}' "$jar"
}

run() {
    echo "== $1"
    shift
    for spec in "32 15s 2" "8 5s 2" "1 5s 1"; do
        read -r connections duration threads <<<"$spec"
        echo "-- $connections connections"
        wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" |
            grep -E "Requests/sec|Transfer/sec|50%|99%|Non-2xx|Socket errors" || true
    done
}

peak_rss() {
    awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status"
}
