#!/usr/bin/env bash
# Startup benchmark, measured in the same run:
#  - warm `./build.sh --help` (the build CLI's fixed cost: bootstrap script, change check, runtime start, --help);
#  - the yardstick: a bare `dotnet hello.dll` start of a hello-world console app (goal: ours <= 3 x this);
#  - the NUKE way, `dotnet run --project build -- --help` (MSBuild up-to-date check + run on every invocation).
# Usage: bench/startup.sh [runs]   (default 10; prints medians in seconds and the ratios)
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

# The yardstick, built once outside the repository (so none of its props apply) and kept.
hello=.nuke/temp/bench-hello
if [[ ! -f "$hello/out/hello.dll" ]]; then
  mkdir -p "$hello/src"
  cat >"$hello/src/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <AssemblyName>hello</AssemblyName>
  </PropertyGroup>
</Project>
XML
  echo 'System.Console.WriteLine("hello");' >"$hello/src/Program.cs"
  work=$(mktemp -d)
  cp "$hello/src/"* "$work/"
  dotnet build "$work/hello.csproj" -c Release -o "$PWD/$hello/out" -nologo -v q >/dev/null
  rm -rf "$work"
fi

# Warm every path once so none pays a first compile.
./build.sh --help >/dev/null
dotnet "$hello/out/hello.dll" >/dev/null
dotnet build build/_build.csproj -nologo -v q >/dev/null

ours=$(time_runs ./build.sh --help | median)
bare=$(time_runs dotnet "$hello/out/hello.dll" | median)
theirs=$(time_runs dotnet run --project build -- --help | median)

echo "runs per command:                          $runs"
echo "warm ./build.sh --help (median s):         $ours"
echo "bare dotnet hello.dll (median s):          $bare"
echo "dotnet run --project build -- --help (s):  $theirs"
echo "ratio ours/bare dotnet (goal <= 3):        $(awk -v a="$ours" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
echo "ratio ours/dotnet run:                     $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", a / b }')"
