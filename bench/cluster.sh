#!/usr/bin/env bash
# Several Tandem processes behind nginx sharing one PostgreSQL, on this machine, the way a
# production set-up runs them (README: "Running on PostgreSQL, and at scale"):
#   swift build -c release --product tandem && bench/cluster.sh [PROCESSES] [SEED OPTIONS…]
# Starts a PostgreSQL of its own (fsync on), seeds it (`tandem seed`, default 1,000 people;
# e.g. --statewide), starts PROCESSES (default 2) `tandem serve` processes on free ports and
# nginx (Debian package `nginx`) balancing across them on another, prints the address and the
# seeded sign-in, and waits; Ctrl-C stops everything and removes its data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
PROCESSES=${1:-2}
shift || true
command -v nginx >/dev/null || { echo "install nginx (Debian package 'nginx')" >&2; exit 1; }
bench_setup
start_postgres
$BIN seed "$@" | grep -v "^\[" | tail -2
start_cluster "$PROCESSES"
echo "Tandem: $BASE ($PROCESSES processes behind nginx, PostgreSQL $DATABASE_URL)"
echo "Sign in as coach1@seed.tandem.test with password: $TANDEM_SEED_PASSWORD"
echo "Logs: $DATA (server-*.log, nginx/). Ctrl-C stops it all."
wait "$NGINX_PID"
