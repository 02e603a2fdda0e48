# Tandem developer commands. `make test` is the single test command (also run by .ci/run).
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run demo build test lint format bench

run:
	swift run tandem

demo:
	swift run tandem demo

build:
	swift build --build-tests

test:
	bash scripts/test.sh

lint:
	swift format lint --strict --recursive Sources Tests

format:
	swift format format --in-place --recursive Sources Tests

bench:
	swift build -c release --product tandem
	bench/startup.sh
	bench/caseload.sh 100000
