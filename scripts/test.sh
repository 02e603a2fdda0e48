#!/usr/bin/env bash
# The single test command (`make test`, also run by .ci/run):
#   tools -> venv -> lint -> build -> unit + app tests (SQLite) -> app tests (PostgreSQL)
#   -> OpenAPI validation -> browser journeys -> summary ("N passed, M failed").
# Every test layer runs even if an earlier one failed (so one run shows every failure);
# a failed build stops the run. Exit status is non-zero on any failure or on a layer
# that ran 0 tests.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
if [[ -d /opt/swift/usr/bin ]]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

LOG_DIR="${TANDEM_TEST_LOG_DIR:-$REPO_ROOT/.test-logs}"
mkdir -p "$LOG_DIR"
RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/tandem-test.XXXXXX")"
export PG_TEST_STATE_FILE="$RUN_TMP/postgres.state"

FAILURES=()      # human-readable failure reasons
LAYERS=()        # "label|passed|failed"
TOTAL_PASSED=0
TOTAL_FAILED=0
STEP_NO=0

step() {
    STEP_NO=$((STEP_NO + 1))
    printf '\n==================== [%d] %s ====================\n' "$STEP_NO" "$*"
}
fail() { FAILURES+=("$*"); printf 'FAILED: %s\n' "$*" >&2; }

cleanup() {
    local rc=$?
    if [[ -f "$PG_TEST_STATE_FILE" ]]; then
        scripts/postgres-test-server.sh stop || true
    fi
    rm -rf -- "$RUN_TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

strip_ansi() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# Counts tests in a `swift test` log. Sets SWIFT_PASSED / SWIFT_FAILED.
# Swift Testing:  "✔ Test run with 57 tests in 5 suites passed after 1.2 seconds."
#                 "✘ Test run with 57 tests in 5 suites failed after 1.2 seconds with 3 issues."
#   failed tests: "✘ Test name() failed after ..." lines (not the "Test run" line).
# XCTest (if any): "Executed 3 tests, with 1 failure (0 unexpected) in ..." (last one = all tests).
count_swift() {
    local log="$1" clean st_total st_failed xc_line xc_total=0 xc_failed=0
    clean="$(strip_ansi <"$log")"
    st_total="$(grep -E 'Test run with [0-9]+ tests?' <<<"$clean" | tail -n 1 \
        | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/' || true)"
    st_total="${st_total:-0}"
    st_failed="$(grep -E '^\S*\s*Test .* failed after' <<<"$clean" | grep -vc 'Test run with' || true)"
    st_failed="${st_failed:-0}"
    xc_line="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' <<<"$clean" | tail -n 1 || true)"
    if [[ -n "$xc_line" ]]; then
        xc_total="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$xc_line")"
        xc_failed="$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$xc_line")"
    fi
    SWIFT_FAILED=$((st_failed + xc_failed))
    SWIFT_PASSED=$((st_total + xc_total - SWIFT_FAILED))
    if ((SWIFT_PASSED < 0)); then SWIFT_PASSED=0; fi
}

record_layer() { # label passed failed exit_code
    local label="$1" passed="$2" failed="$3" rc="$4"
    LAYERS+=("$label|$passed|$failed")
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    if [[ "$rc" -ne 0 ]]; then fail "$label: exit code $rc"; fi
    if [[ "$failed" -gt 0 ]]; then fail "$label: $failed failed"; fi
    if [[ "$passed" -eq 0 && "$failed" -eq 0 ]]; then fail "$label: ran 0 tests"; fi
}

# Runs `swift test --skip-build` with extra args, tee'd to a log, and records a layer.
run_swift_tests() { # label logname [env assignments...] -- [swift test args...]
    local label="$1" log="$LOG_DIR/$2.log" rc=0
    shift 2
    local envs=()
    while [[ $# -gt 0 && "$1" != "--" ]]; do envs+=("$1"); shift; done
    shift
    echo "+ swift test --skip-build $*  (log: $log)"
    env "${envs[@]}" swift test --skip-build "$@" 2>&1 | tee "$log" || rc=$?
    count_swift "$log"
    record_layer "$label" "$SWIFT_PASSED" "$SWIFT_FAILED" "$rc"
}

print_summary() {
    local entry label passed failed
    printf '\n==================== summary ====================\n'
    for entry in "${LAYERS[@]+"${LAYERS[@]}"}"; do
        IFS='|' read -r label passed failed <<<"$entry"
        if [[ "$failed" -gt 0 ]]; then
            printf '%s: %s passed, %s failed\n' "$label" "$passed" "$failed"
        else
            printf '%s: %s passed\n' "$label" "$passed"
        fi
    done
    if [[ ${#FAILURES[@]} -gt 0 ]]; then
        printf '\nfailures:\n'
        printf '  - %s\n' "${FAILURES[@]}"
        # A failure that is not a failed test (lint, build, exit code, 0 tests) still counts.
        if [[ "$TOTAL_FAILED" -eq 0 ]]; then TOTAL_FAILED=1; fi
    fi
    printf '%d passed, %d failed\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
}

finish() {
    print_summary
    if [[ ${#FAILURES[@]} -gt 0 ]]; then exit 1; fi
    exit 0
}

# --------------------------------------------------------------------------------------
step "tools: chromium, chromedriver, postgresql, sqlite3, openssl"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
extra=()
# openssl makes the throwaway certificate of the STARTTLS mail test.
command -v openssl >/dev/null 2>&1 || extra+=(openssl)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || extra+=(python3-venv)
if [[ ${#missing[@]} -gt 0 || ${#extra[@]} -gt 0 ]]; then
    echo "missing: ${missing[*]-} ${extra[*]-}"
    if [[ "$(id -u)" -eq 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver postgresql sqlite3 \
            "${extra[@]+"${extra[@]}"}"
    else
        echo "Not root: install these first, e.g." >&2
        echo "  sudo apt-get update && sudo apt-get install -y chromium chromium-driver postgresql sqlite3 ${extra[*]-}" >&2
        exit 1
    fi
fi
# The Debian postgresql package starts its own cluster on 5432; we never use it.
command -v swift >/dev/null 2>&1 || { echo "swift not found on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
echo "chromium:     $(chromium --version 2>/dev/null | head -n 1)"
echo "chromedriver: $(chromedriver --version 2>/dev/null | head -n 1)"
echo "postgresql:   $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
echo "sqlite3:      $(sqlite3 --version | cut -d' ' -f1)"
echo "swift:        $(swift --version 2>&1 | head -n 1)"

# --------------------------------------------------------------------------------------
step "python venv (.venv) + e2e/requirements.txt"
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    rm -rf .venv
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r e2e/requirements.txt
# Only for its bundled, current axe-core (axe.min.js); its Playwright dependency is not needed.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r e2e/requirements-axe.txt
.venv/bin/python --version

# --------------------------------------------------------------------------------------
step "lint: swift format lint --strict --recursive Sources Tests"
if swift format lint --strict --recursive Sources Tests; then
    echo "lint: clean"
else
    fail "lint (swift format lint --strict)"
fi

# --------------------------------------------------------------------------------------
step "build: swift build --build-tests"
if ! swift build --build-tests 2>&1 | tee "$LOG_DIR/build.log"; then
    fail "build (swift build --build-tests), log: $LOG_DIR/build.log"
    finish
fi

# --------------------------------------------------------------------------------------
step "unit tests (TandemKitTests)"
run_swift_tests "unit (TandemKit)" unit-tandemkit -- --filter TandemKitTests

# --------------------------------------------------------------------------------------
step "app tests on SQLite (TandemAppTests)"
run_swift_tests "app (SQLite)" app-sqlite -- --filter TandemAppTests

# --------------------------------------------------------------------------------------
step "app tests on PostgreSQL (TandemAppTests)"
if PG_URL="$(scripts/postgres-test-server.sh start)" && [[ -n "$PG_URL" ]]; then
    echo "postgres: $(sed -E 's#(://[^:/]+):[^@]*@#\1:***@#' <<<"$PG_URL")"
    run_swift_tests "app (PostgreSQL)" app-postgres "TANDEM_TEST_DATABASE_URL=$PG_URL" -- --filter TandemAppTests
    scripts/postgres-test-server.sh stop || fail "stopping the PostgreSQL test server"
else
    LAYERS+=("app (PostgreSQL)|0|0")
    fail "app (PostgreSQL): could not start the throwaway PostgreSQL server"
fi

# --------------------------------------------------------------------------------------
step "OpenAPI: validate Sources/TandemApp/openapi.json (3.1)"
if .venv/bin/openapi-spec-validator --schema 3.1 Sources/TandemApp/openapi.json; then
    echo "openapi: valid"
else
    fail "OpenAPI validation of Sources/TandemApp/openapi.json"
fi

# --------------------------------------------------------------------------------------
step "browser journeys: pytest e2e"
rc=0
.venv/bin/pytest e2e -q -p no:cacheprovider 2>&1 | tee "$LOG_DIR/e2e.log" || rc=$?
summary_line="$(strip_ansi <"$LOG_DIR/e2e.log" | grep -E '[0-9]+ (passed|failed|error|errors|skipped|deselected)|no tests ran' | tail -n 1 || true)"
e2e_passed="$(grep -oE '[0-9]+ passed' <<<"$summary_line" | grep -oE '[0-9]+' || echo 0)"
e2e_failed="$(grep -oE '[0-9]+ failed' <<<"$summary_line" | grep -oE '[0-9]+' || echo 0)"
e2e_errors="$(grep -oE '[0-9]+ errors?' <<<"$summary_line" | grep -oE '[0-9]+' || echo 0)"
if [[ "$rc" -eq 5 ]]; then echo "pytest exit code 5: no tests were collected" >&2; fi
record_layer "browser (e2e)" "$e2e_passed" "$((e2e_failed + e2e_errors))" "$rc"

finish
