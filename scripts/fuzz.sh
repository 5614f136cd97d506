#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds and runs the libFuzzer targets of Tests/Fuzz (one executable, `maildouble-fuzz TARGET …`). Usage:
#   scripts/fuzz.sh build                       # instrumented release build into .build-fuzz
#   scripts/fuzz.sh run SECONDS [TARGET…]       # each target (default: all) for SECONDS; fails on any finding
#   scripts/fuzz.sh list                        # the target names
# FUZZ_SKIP="a b" leaves targets out of a default (all-target) run, saying so.
#
# What works on this toolchain (Swift 6.3.1, Debian 12), checked by experiment:
# - `swift build --sanitize=fuzzer` and `-Xswiftc -sanitize=fuzzer` link libFuzzer's own `main` (whole archive),
#   which collides with the `main` SwiftPM defines for every executable (`--defsym main=<module>_main`).
# - So the Swift code is compiled with AddressSanitizer and libFuzzer's coverage instrumentation only
#   (-sanitize-coverage=…, the set -sanitize=fuzzer implies), and libclang_rt.fuzzer_no_main is linked as a
#   whole archive: it brings LLVMFuzzerRunDriver, which the executable's @main calls (declared weak in
#   Tests/Fuzz/CFuzzer/shim.h, so that a plain `swift build` still links the executable, as a replayer).
# - Release (-O keeps Swift's bounds and overflow traps) runs ~10x more inputs per second than debug.
# - A separate scratch path keeps the instrumented modules apart from the normal .build.
# - SWIFT_BACKTRACE=enable=no: with Swift's backtracer on, libFuzzer writes no crash file.
#
# Each run merges new inputs into .build-fuzz/corpus/TARGET (kept between runs; the committed seeds in
# Tests/Fuzz/corpus/TARGET are read, never written) and writes findings to .build-fuzz/artifacts/.
# Reproduce a finding with `.build-fuzz/release/maildouble-fuzz TARGET FILE`, or with a backtrace through a plain
# debug build: `swift build --product maildouble-fuzz && .build/debug/maildouble-fuzz TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/opt/swift/usr/bin
scratch=.build-fuzz
bin=$scratch/release/maildouble-fuzz
runtime_dir=$(dirname "$(dirname "$(command -v swift)")")/lib/clang
fuzzer_lib=$(ls "$runtime_dir"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1)

build() {
  [ -n "$fuzzer_lib" ] || { echo "libclang_rt.fuzzer_no_main not found under $runtime_dir" >&2; exit 1; }
  swift build -c release --product maildouble-fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xcc -fsanitize=fuzzer-no-link \
    -Xlinker --whole-archive -Xlinker "$fuzzer_lib" -Xlinker --no-whole-archive -Xlinker -lstdc++
}

run() {
  local seconds=$1
  shift
  local targets=("$@")
  if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <("$bin" 2>/dev/null | awk 'NR > 2 { print $1 }')
    local t kept=()
    for t in "${targets[@]}"; do
      if [[ " ${FUZZ_SKIP:-} " == *" $t "* ]]; then echo "skipping $t (FUZZ_SKIP)"; else kept+=("$t"); fi
    done
    targets=("${kept[@]}")
  fi
  mkdir -p "$scratch/artifacts" "$scratch/logs"
  local failed=() summary=()
  for t in "${targets[@]}"; do
    [ -d "Tests/Fuzz/corpus/$t" ] || { echo "no seed corpus Tests/Fuzz/corpus/$t" >&2; exit 1; }
    mkdir -p "$scratch/corpus/$t"
    local log="$scratch/logs/$t.log" rc=0
    # -timeout: one input slower than 5 s is a finding too (a request must never stall a loop that long).
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin" "$t" -max_total_time="$seconds" -timeout=5 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$t-" \
      "$scratch/corpus/$t" "Tests/Fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    local runs
    runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
    if [ $rc -ne 0 ]; then
      failed+=("$t")
      summary+=("$(printf '%-22s %12s runs  FINDING (exit %d, log %s)' "$t" "${runs:-?}" "$rc" "$log")")
      grep -E "fuzz finding|Fatal error|ERROR: |SUMMARY|Test unit written" "$log" | head -8 >&2 || true
    else
      summary+=("$(printf '%-22s %12s runs  ok' "$t" "${runs:-?}")")
    fi
  done
  printf '%s\n' "${summary[@]}"
  [ ${#failed[@]} -eq 0 ] || { echo "fuzz findings in: ${failed[*]}" >&2; exit 1; }
}

case "${1:-}" in
  build) build ;;
  run) shift; [ $# -ge 1 ] || { echo "usage: $0 run SECONDS [TARGET…]" >&2; exit 2; }; run "$@" ;;
  list) "$bin" 2>/dev/null | awk 'NR > 2 { print $1 }' ;;
  *) echo "usage: $0 build | run SECONDS [TARGET…] | list" >&2; exit 2 ;;
esac
