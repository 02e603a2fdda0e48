# Shared by the bench scripts: source it after `cd` to the repository.
#   bench_setup        checks the release binary and wrk, makes a data directory (removed on
#                      exit, with the server), picks a free port, exports the bench settings
#   start_server       serves the data directory in production mode and waits until ready
#   session NAME       signs NAME@seed.tandem.test in through the form, prints the cookie
#   run LABEL ARGS…    wrk at 32 connections (15 s), then 8 and 1 (5 s): requests/s, p50, p99
#                      (RUN_SPECS="32 15s 2;1 5s 1" chooses: connections, duration, threads)
#   peak_rss           the server's peak resident memory
#   start_postgres     a durable PostgreSQL for this run (fsync on), exporting DATABASE_URL
#   start_cluster N    N `tandem serve` processes on that database behind nginx on $PORT
#   stop_cluster       stops them and nginx (the database stays)
#   cluster_rss        each process's peak resident memory
#   coached_person     the id of a person coach1 coaches (needs a `query` function)
#   last_month         "from=YYYY-MM-DD&to=YYYY-MM-DD" for the month before this one
BIN=${BIN:-.build/release/tandem}
PID=
PIDS=()
NGINX_PID=

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cleanup() {
    stop_cluster
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    if [[ -n "${PG_TEST_STATE_FILE:-}" && -f "$PG_TEST_STATE_FILE" ]]; then
        scripts/postgres-test-server.sh stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA"
}

bench_setup() {
    [[ -x $BIN ]] || { echo "build first: swift build -c release --product tandem" >&2; exit 1; }
    command -v wrk >/dev/null || { echo "install wrk (Debian package 'wrk')" >&2; exit 1; }
    DATA=$(mktemp -d "${TMPDIR:-/tmp}/tandem-bench.XXXXXX")
    trap cleanup EXIT
    PORT=$(free_port)
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
    local specs spec
    IFS=';' read -ra specs <<<"${RUN_SPECS:-32 15s 2;8 5s 2;1 5s 1}"
    for spec in "${specs[@]}"; do
        read -r connections duration threads <<<"$spec"
        echo "-- $connections connections"
        wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency "$@" |
            grep -E "Requests/sec|Transfer/sec|50%|99%|Non-2xx|Socket errors" || true
    done
}

peak_rss() {
    awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status"
}

start_postgres() {
    export PG_TEST_STATE_FILE="$DATA/postgres.state" PG_TEST_DURABLE=1
    DATABASE_URL=$(scripts/postgres-test-server.sh start)
    export DATABASE_URL
}

# Tandem behind nginx the way a production set-up runs it, on one machine: N processes on
# ports of their own, nginx on $PORT balancing to the one with the fewest open requests,
# keeping connections to them open, passing WebSocket upgrades (live messages) through, and
# telling Tandem the client's address, which it believes because nginx is a trusted proxy.
start_cluster() {
    local count=$1 ports=() upstreams=""
    for ((i = 0; i < count; i++)); do
        ports+=("$(free_port)")
        upstreams+="        server 127.0.0.1:${ports[$i]} max_fails=0;"$'\n'
    done
    for port in "${ports[@]}"; do
        TANDEM_TRUSTED_PROXIES=127.0.0.1 $BIN serve --env production --hostname 127.0.0.1 --port "$port" \
            >>"$DATA/server-$port.log" 2>&1 &
        PIDS+=($!)
    done
    mkdir -p "$DATA/nginx"
    cat >"$DATA/nginx/nginx.conf" <<NGINX
$( [[ $(id -u) == 0 ]] && echo "user root;" )
worker_processes 1;
pid $DATA/nginx/nginx.pid;
error_log $DATA/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $DATA/nginx/body;
    proxy_temp_path $DATA/nginx/proxy;
    fastcgi_temp_path $DATA/nginx/fastcgi;
    uwsgi_temp_path $DATA/nginx/uwsgi;
    scgi_temp_path $DATA/nginx/scgi;
    upstream tandem {
        least_conn;
$upstreams        keepalive 64;
    }
    map \$http_upgrade \$connection_header {
        default upgrade;
        "" "";
    }
    server {
        listen 127.0.0.1:$PORT;
        client_max_body_size 2m;
        location / {
            proxy_pass http://tandem;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_header;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 1h;
        }
    }
}
NGINX
    nginx -c "$DATA/nginx/nginx.conf" -p "$DATA/nginx" -g "daemon off;" 2>>"$DATA/nginx/error.log" &
    NGINX_PID=$!
    for port in "${ports[@]}"; do
        until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { cat "$DATA"/server-*.log; exit 1; }; done
        done
    done
    until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$DATA/nginx/error.log"; exit 1; }
    done
}

stop_cluster() {
    [[ -n "$NGINX_PID" ]] && { kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; }
    NGINX_PID=
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

cluster_rss() {
    for pid in "${PIDS[@]}"; do awk '/VmHWM/ {printf "%d MiB ", $2/1024}' "/proc/$pid/status"; done
    echo
}

coached_person() {
    query "SELECT e.participant_id FROM engagements e JOIN engagement_coaches c ON c.engagement_id = e.id \
        JOIN users u ON u.id = c.coach_id WHERE u.email = 'coach1@seed.tandem.test' AND e.status = 'active' LIMIT 1" |
        tr 'A-Z' 'a-z'
}

last_month() {
    echo "from=$(date -d "$(date +%Y-%m-01) -1 month" +%F)&to=$(date -d "$(date +%Y-%m-01) -1 day" +%F)"
}
