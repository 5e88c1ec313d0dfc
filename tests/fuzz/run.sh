#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz/corpus/*) for FUZZ_SECONDS each, FUZZ_JOBS at a time, and prints the
# inputs each executed; the running total per target is in <fuzz build>/runs.tsv (ADR 0130).
#   tests/fuzz/run.sh                     FUZZ_SECONDS=1800 FUZZ_JOBS=2 (make fuzz)
#   FUZZ_SECONDS=30 tests/fuzz/run.sh     the short run
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds=${FUZZ_SECONDS:-1800}
jobs=${FUZZ_JOBS:-2}
build=${FUZZ_BUILD:-$ROOT/build/fuzz}
names=()
for d in "$ROOT"/tests/fuzz/corpus/*/; do names+=("$(basename "$d")"); done
start=$(date +%s)
status=0
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} "$ROOT/tests/fuzz/run_one.sh" {} "$seconds" "$build" || status=$?
echo "fuzz: ${#names[@]} targets, ${seconds}s each, $jobs at a time: $(($(date +%s) - start))s wall"
awk -F'\t' '{runs[$2] += $4} END {for (t in runs) printf "  %-14s %12d inputs in total (runs.tsv)\n", t, runs[t]}' \
  "$build/runs.tsv" | sort
exit "$status"
