#!/usr/bin/env bash
# Runs one fuzz target for a while on its seed corpus (tests/fuzz/corpus/<name>) plus the inputs earlier
# runs found (<fuzz build>/work/<name>), and records how many inputs it executed (ADR 0130).
#   tests/fuzz/run_one.sh <name> <seconds> [fuzz build dir]        e.g. run_one.sh kong_yml 30
# Exits non-zero when the target crashed, leaked, hung or broke an invariant; the input is kept in
# <fuzz build>/work/<name>/artifacts/ and its reproduction command is printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
name=$1
seconds=$2
build=${3:-$ROOT/build/fuzz}
bin=$build/tests/fuzz/${name}_fuzz
if [[ ! -x $bin ]]; then
  echo "fuzz: $bin is missing: build it with 'make fuzz-build' (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
  exit 1
fi
work=$build/work/$name
mkdir -p "$work/corpus" "$work/artifacts"
log=$work/last.log
# Symbolised reports: clang-16's llvm-symbolizer when there, else any.
for s in /usr/lib/llvm-16/bin/llvm-symbolizer /usr/bin/llvm-symbolizer-16 /usr/bin/llvm-symbolizer; do
  [[ -x $s ]] && { export ASAN_SYMBOLIZER_PATH=$s; break; }
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
# -timeout: an input that takes 10 s is a hang; -rss_limit_mb bounds memory; the first corpus directory is
# where new inputs go (never the tree's seeds).
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$ROOT/tests/fuzz/corpus/$name" >"$log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
runs=${runs:-0}
printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$seconds" "$runs" "$status" >>"$build/runs.tsv"
echo "fuzz $name: $runs inputs in ${seconds}s, exit $status"
if ((status != 0)); then
  # What the sanitizer or libFuzzer said (a CI log keeps only this): the report's lines, else the log's end.
  if ! grep -E '^==[0-9]+==|ERROR|SUMMARY|Sanitizer|invariant broken|Test unit written|out-of-memory|timeout|deadly' \
      "$log" | head -40 >&2; then
    tail -n 40 "$log" >&2
  fi
  echo "reproduce: $bin <input from $work/artifacts/>; full log: $log" >&2
fi
exit "$status"
