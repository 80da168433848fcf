#!/usr/bin/env bash
# The gate's false-alarm and coverage check: N back-to-back quick runs of this checkout on this machine, then
# every pairwise compare's exit code and how often each run's published overhead interval covers the overhead
# pooled over all N runs. Usage: scripts/coverage-study.sh [N=10] [OUT=results/runs/coverage-<UTC>] [-- run options]
# (e.g. -- --placements fixed to study the earlier design)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=10
out="$root/results/runs/coverage-$(date -u +%Y%m%dT%H%M%SZ)"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then runs="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 2 ]; then
  echo "coverage-study.sh: N must be a whole number >= 2; got '$runs'" >&2
  exit 2
fi

"$root/run-bench.sh" list >/dev/null      # builds Release once
exe="$root/benchmarks/HookBench.Benchmarks/bin/Release/net10.0/hookbench.dll"
mkdir -p "$out"
folders=()
for i in $(seq 1 "$runs"); do
  echo "== run $i of $runs"
  dotnet "$exe" run --out "$out/run-$i" "$@" | tail -n 2
  folders+=("$out/run-$i")
done

set +e
dotnet "$exe" coverage "${folders[@]}" --out "$out/coverage.md"
status=$?
set -e
echo "wrote $out/coverage.md"
exit $status
