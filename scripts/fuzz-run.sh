#!/usr/bin/env bash
# Runs each fuzz target for the given seconds and prints executions and findings per target.
# usage: fuzz-run.sh BUILD_DIR SECONDS TARGET...
set -uo pipefail
build=$1; seconds=$2; shift 2
binary=$(find "$build" -type f -name DepotFuzz -perm -u+x | head -1)
[ -x "$binary" ] || { echo "depot: no DepotFuzz binary under $build; run 'make fuzz'" >&2; exit 1; }
status=0
for target in "$@"; do
  mkdir -p "$build/corpus/$target" "$build/crashers/$target" "$build/logs"
  log="$build/logs/$target.log"
  DEPOT_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
    -artifact_prefix="$build/crashers/$target/" -print_final_stats=1 \
    "$build/corpus/$target" "$build/seeds/$target" >"$log" 2>&1
  code=$?
  runs=$(grep -a "stat::number_of_executed_units" "$log" | awk '{print $2}')
  found=$(find "$build/crashers/$target" -type f | wc -l)
  echo "fuzz $target: ${runs:-?} executions in ${seconds}s, $found finding(s) (exit $code; log $log)"
  [ "$found" -eq 0 ] || status=1
done
exit $status
