# Comptoir — the commands of the README. Everything real lives in scripts/.
#   make run      start the whole platform, stream the logs, Ctrl-C stops it (data kept in var/)
#   make test     install what is missing, build the debug preset (ASan/UBSan), run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help
CTEST_JOBS ?= 2

.PHONY: help run up down status logs psql deps build build-debug fuzz-build test fuzz chaos bench loadtest format clean

help:
	@echo "make run          start everything (deps, build, PostgreSQL, Redis, services), stream logs; Ctrl-C stops"
	@echo "make up           same, in the background;  make down  stops it;  make status  shows it"
	@echo "make logs | psql  follow the logs | psql on the local cluster"
	@echo "make test         install deps, build the debug preset, run every test (ctest)"
	@echo "make build        release build;  make build-debug  debug build (ASan/UBSan)"
	@echo "make fuzz         every fuzz target FUZZ_SECONDS (1800) each, 2 at a time (tests/fuzz);  make chaos  the chaos suite"
	@echo "make bench        load tests: product service, gateway vs nginx (bench/);  make format  clang-format;  make clean  remove build/"
	@echo "make loadtest     business scenarios, microservices vs monolith, report in bench/results/<date>/ (bench/README.md)"
	@echo "See docs/running-locally.md. Reset all local data: make down && rm -rf var"

run up down status logs psql:
	@scripts/platform.sh $@

deps:
	@scripts/install-deps.sh

# Configuring again an existing tree is quick, and picks up changed presets.
build: deps
	cmake --preset release
	cmake --build --preset release

build-debug: deps
	cmake --preset debug
	cmake --build --preset debug

# The libFuzzer targets only (clang-16; tests/fuzz, ADR 0130): a few minutes cold.
fuzz-build: deps
	cmake --preset fuzz
	cmake --build --preset fuzz

test: build-debug fuzz-build
	ctest --preset debug --output-on-failure -j$(CTEST_JOBS)

FUZZ_SECONDS ?= 1800
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# Every fault of the chaos suite (tests/chaos, ADR 0131); the table also goes to build/debug/chaos-report.md.
chaos: build-debug
	COMPTOIR_BIN=$(CURDIR)/build/debug/apps/comptoir/comptoir COMPTOIR_GATEWAY_KONG_YML=$(CURDIR)/deploy/kong.yml \
	  build/debug/tests/chaos/comptoir_chaos --report build/debug/chaos-report.md

bench: build
	BENCH_SKIP_BUILD=1 bash bench/run.sh
	BENCH_SKIP_BUILD=1 bash bench/gateway.sh

# Scaled down by default; LOADTEST_FULL=1 for the full-length profiles (bench/loadtest.sh lists the settings).
loadtest: deps
	bash bench/loadtest.sh

# Tracked and new (not ignored) C++ files.
format:
	@git ls-files -z --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' \
	  | xargs -0 -r clang-format -i

clean:
	rm -rf build
