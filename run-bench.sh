#!/usr/bin/env bash
# HookBench's main command. Builds the suite once in Release, then runs `hookbench` with the given
# arguments (run, list, disasm, validate, ...). With no arguments it runs the quick matrix.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$root/benchmarks/HookBench.Benchmarks/hookbench.csproj"
exe="$root/benchmarks/HookBench.Benchmarks/bin/Release/net10.0/hookbench.dll"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run-bench.sh: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! build_log=$(dotnet build "$project" -c Release --nologo -v quiet 2>&1); then
  echo "$build_log" >&2
  echo "run-bench.sh: the Release build failed (see above)" >&2
  exit 2
fi

if [ "$#" -eq 0 ]; then
  # The main job: the quick matrix through the native timing loop.
  set -- run
fi
exec dotnet "$exe" "$@"
