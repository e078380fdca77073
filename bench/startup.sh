#!/usr/bin/env bash
# Startup benchmark: warm `./build.sh --help` against the NUKE way, `dotnet run --project build -- --help`
# (MSBuild up-to-date check + run on every invocation), measured in the same run.
# Usage: bench/startup.sh [runs]   (default 10; prints medians in seconds and the ratio)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-10}"

median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }

time_runs() {
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f\n", (e - s) / 1e9 }'
  done
}

# Warm both paths once so neither pays a first compile.
./build.sh --help >/dev/null
dotnet build build/_build.csproj -nologo -v q >/dev/null

ours=$(time_runs ./build.sh --help | median)
theirs=$(time_runs dotnet run --project build -- --help | median)
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", a / b }')

echo "runs per command:                          $runs"
echo "warm ./build.sh --help (median s):         $ours"
echo "dotnet run --project build -- --help (s):  $theirs"
echo "ratio ours/theirs:                         $ratio"
