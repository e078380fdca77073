#!/usr/bin/env bash
# Bootstraps and runs the build (build/_build.csproj):
#  - uses dotnet from PATH when it has the SDK global.json asks for, else installs that SDK into .nuke/temp/dotnet;
#  - compiles the build project only when its inputs (build/, the src/ projects it references, props,
#    global.json) changed: a cheap stamp (newest change time and entry count, no file read) is checked first, and
#    the content hash over every input file is computed only when the stamp moved;
#  - runs the compiled dll directly, so a warm run pays no MSBuild. Each input hash compiles into its own
#    folder, so a recompile never overwrites the dll of a build that is still running;
#  - compiles ReadyToRun (precompiled native code, framework-dependent) where the runtime identifier is known, so a
#    run does not JIT the engine and targets first: `./build.sh --help` starts in a few times a bare `dotnet hello.dll`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMP="$ROOT/.nuke/temp"
BINS="$TEMP/build-bin"
DOTNET_PATH_FILE="$TEMP/dotnet-path"
STAMP_FILE="$TEMP/build-inputs-stamp"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false

# The folders of build/_build.csproj and of every project it references, transitively.
build_project_dirs() {
  local queue=("$ROOT/build/_build.csproj") seen=() project dir reference
  while ((${#queue[@]} > 0)); do
    project="${queue[0]}"
    queue=("${queue[@]:1}")
    dir="$(cd "$(dirname "$project")" && pwd)"
    [[ " ${seen[*]} " == *" $dir "* ]] && continue
    seen+=("$dir")
    while IFS= read -r reference; do
      queue+=("$dir/${reference//\\//}")
    done < <(sed -n 's/.*<ProjectReference Include="\([^"]*\)".*/\1/p' "$project")
  done
  printf '%s\n' "${seen[@]}"
}

inputs_hash() {
  local dirs
  mapfile -t dirs < <(build_project_dirs)
  # Relative paths: the same sources checked out elsewhere (CodeBuild's per-build source directory, another runner
  # folder) have the same hash, so a cached compile is found there.
  dirs=("${dirs[@]#"$ROOT"/}")
  (
    cd "$ROOT"
    find "${dirs[@]}" -type d \( -name bin -o -name obj \) -prune -o -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' -o -name '*.targets' \) -print |
      LC_ALL=C sort | xargs sha256sum
    # build.sh itself: it says how the project is compiled.
    sha256sum global.json Directory.Build.props Directory.Packages.props build.sh
  ) | sha256sum | cut -d' ' -f1
}

# The newest change time (ctime: edits, renames, deletions in a folder, and no tool can set it back) and the number
# of files and folders under the possible inputs. Wider than the inputs (all of src/): a change elsewhere only costs
# one content hash, which then finds the same build.
inputs_stamp() {
  local roots=() path
  for path in build src global.json Directory.Build.props Directory.Packages.props build.sh; do
    [[ -e "$ROOT/$path" ]] && roots+=("$ROOT/$path")
  done
  find "${roots[@]}" \( -name bin -o -name obj \) -prune -o -printf '%C@\n' |
    awk '$1 > max { max = $1 } { n++ } END { printf "%s-%d", max, n }'
}

# The content hash, reused from the last run while the stamp is the same.
cached_inputs_hash() {
  local stamp cached_stamp cached_hash
  stamp="$(inputs_stamp)"
  if [[ -f "$STAMP_FILE" ]] && read -r cached_stamp cached_hash <"$STAMP_FILE" && [[ "$cached_stamp" == "$stamp" && -n "$cached_hash" ]]; then
    echo "$cached_hash"
    return
  fi
  cached_hash="$(inputs_hash)"
  mkdir -p "$TEMP"
  echo "$stamp $cached_hash" >"$STAMP_FILE.$$" && mv -f "$STAMP_FILE.$$" "$STAMP_FILE"
  echo "$cached_hash"
}

# The runtime identifier ReadyToRun compiles for; empty where it is not one of these (a plain build then).
runtime_identifier() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo linux-x64 ;;
    Linux-aarch64 | Linux-arm64) echo linux-arm64 ;;
    Darwin-x86_64) echo osx-x64 ;;
    Darwin-arm64) echo osx-arm64 ;;
  esac
}

# ReadyToRun needs a runtime-specific restore. It goes to its own artifacts folder and lock file (obj/), so the
# projects' obj/ and their committed packages.lock.json (portable) stay as `dotnet build` and CI's locked restore want
# them; the versions are pinned centrally either way (Directory.Packages.props).
compile_build_project() {
  local output="$1" rid
  rid="$(runtime_identifier)"
  if [[ -z "$rid" ]]; then
    "$dotnet_exe" build "$ROOT/build/_build.csproj" -c Release -o "$output" -nologo -v q -clp:NoSummary
    return
  fi
  "$dotnet_exe" publish "$ROOT/build/_build.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -p:NuGetLockFilePath="obj/packages.$rid.lock.json" -p:RestoreLockedMode=false --artifacts-path "$TEMP/build-artifacts" \
    -o "$output" -nologo -v q -clp:NoSummary
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

hash="$(cached_inputs_hash)"
BIN="$BINS/$hash"
if [[ -f "$BIN/_build.dll" && -f "$DOTNET_PATH_FILE" ]]; then
  read -r dotnet_exe <"$DOTNET_PATH_FILE"
  exec "$dotnet_exe" "$BIN/_build.dll" "$@"
fi

mkdir -p "$BINS"
dotnet_exe="$(resolve_dotnet)"
(
  # One compile at a time when several builds start together.
  flock 9
  if [[ ! -f "$BIN/_build.dll" ]]; then
    echo "Compiling the build project (its sources changed)" >&2
    rm -rf "$BIN.partial"
    # 9>&-: the compiler server that dotnet build may start outlives this script; it must not inherit the lock.
    if ! compile_build_project "$BIN.partial" >"$TEMP/build-compile.log" 2>&1 9>&-; then
      grep -E 'error|warning' "$TEMP/build-compile.log" >&2 || cat "$TEMP/build-compile.log" >&2
      echo "The build project failed to compile; full log: $TEMP/build-compile.log" >&2
      exit 1
    fi
    mv "$BIN.partial" "$BIN"
    echo "$dotnet_exe" >"$DOTNET_PATH_FILE"
    # Keep the three newest compiled builds; older ones belong to sources long gone.
    find "$BINS" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
  fi
) 9>"$TEMP/build-compile.lock"

exec "$dotnet_exe" "$BIN/_build.dll" "$@"
