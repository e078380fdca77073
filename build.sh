#!/usr/bin/env bash
# Bootstraps and runs the build (build/_build.csproj):
#  - uses dotnet from PATH when it has the SDK global.json asks for, else installs that SDK into .nuke/temp/dotnet;
#  - compiles the build project only when its inputs (build/, src/, props, global.json) changed;
#  - runs the compiled dll directly, so a warm run pays no MSBuild.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMP="$ROOT/.nuke/temp"
BIN="$TEMP/build-bin"
STAMP="$TEMP/build-inputs.sha256"
DOTNET_PATH_FILE="$TEMP/dotnet-path"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false

inputs_hash() {
  (
    cd "$ROOT"
    find build src -type d \( -name bin -o -name obj \) -prune -o -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' -o -name '*.targets' \) -print |
      LC_ALL=C sort | xargs sha256sum
    sha256sum global.json Directory.Build.props Directory.Packages.props
  ) | sha256sum | cut -d' ' -f1
}

resolve_dotnet() {
  # dotnet --version fails inside the root when global.json's SDK is not installed.
  if command -v dotnet >/dev/null 2>&1 && (cd "$ROOT" && dotnet --version >/dev/null 2>&1); then
    command -v dotnet
    return
  fi
  local local_dotnet="$TEMP/dotnet/dotnet"
  if [[ ! -x "$local_dotnet" ]] || ! (cd "$ROOT" && "$local_dotnet" --version >/dev/null 2>&1); then
    echo "Installing the .NET SDK from global.json into $TEMP/dotnet" >&2
    mkdir -p "$TEMP"
    curl -fsSL https://dot.net/v1/dotnet-install.sh -o "$TEMP/dotnet-install.sh"
    bash "$TEMP/dotnet-install.sh" --jsonfile "$ROOT/global.json" --install-dir "$TEMP/dotnet" --no-path >&2
  fi
  echo "$local_dotnet"
}

hash="$(inputs_hash)"
if [[ -f "$BIN/_build.dll" && -f "$STAMP" && -f "$DOTNET_PATH_FILE" && "$(cat "$STAMP")" == "$hash" ]]; then
  exec "$(cat "$DOTNET_PATH_FILE")" "$BIN/_build.dll" "$@"
fi

mkdir -p "$TEMP"
dotnet_exe="$(resolve_dotnet)"
(
  # One compile at a time when several builds start together.
  flock 9
  if [[ ! -f "$BIN/_build.dll" || ! -f "$STAMP" || "$(cat "$STAMP")" != "$hash" ]]; then
    echo "Compiling the build project (build/ or src/ changed)" >&2
    if ! "$dotnet_exe" build "$ROOT/build/_build.csproj" -c Release -o "$BIN" -nologo -v q -clp:NoSummary >"$TEMP/build-compile.log" 2>&1; then
      grep -E 'error|warning' "$TEMP/build-compile.log" >&2 || cat "$TEMP/build-compile.log" >&2
      echo "The build project failed to compile; full log: $TEMP/build-compile.log" >&2
      exit 1
    fi
    echo "$hash" >"$STAMP"
    echo "$dotnet_exe" >"$DOTNET_PATH_FILE"
  fi
) 9>"$TEMP/build-compile.lock"

exec "$dotnet_exe" "$BIN/_build.dll" "$@"
