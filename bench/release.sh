#!/usr/bin/env bash
# Commit → served on the local cloud, measured in one run on a fresh clone of this checkout (the committed HEAD):
#   (a) the first `./build.sh Release` of the clone: the local cloud started, the platform provisioned, the pipeline run
#       (Source → CodeBuild running buildspec.yml → ECS), the service created by Release — what a new user waits for;
#   (b) a new commit released through the pipeline: `./build.sh Release` (mirror, then follow), wall time from the command
#       to the service answering with the commit, with the pipeline's stage breakdown from Release's output;
#   (c) the same kind of change deployed directly: `./build.sh DeployFargate` on the next commit (build, push and roll out
#       on this machine), wall time to the service answering with it; ratio (b)/(c);
#   goal for (b): <= 180 s on this 2-core machine.
# Each side changes one line of the sample service, so both build and push a new image and roll a new revision.
# Usage: bench/release.sh              (takes several minutes; every step is bounded by `timeout`)
# The clone and its local cloud are removed at the end; the logs are kept in .nuke/temp/bench-release/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
work=$(mktemp -d)
clone="$work/repo"
logs=.nuke/temp/bench-release
mkdir -p "$logs"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  cp "$work"/*.log "$root/$logs"/ 2>/dev/null || true
  (cd "$clone" 2>/dev/null && timeout 300 ./build.sh LocalCloudDown --local-cloud-port "$port" >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# One ./build.sh run in the clone; log in $work/<name>.log, wall seconds in $work/<name>.secs.
run_build() {
  local name="$1" started
  shift
  started=$(now)
  if ! (cd "$clone" && timeout 1200 ./build.sh "$@" --local-cloud-port "$port") >"$work/$name.log" 2>&1; then
    tail -40 "$work/$name.log" >&2
    echo "$name failed (log above)" >&2
    exit 1
  fi
  secs "$started" "$(now)" >"$work/$name.secs"
}

# A one-line change of the sample service, committed: a new image, a new revision.
commit_change() {
  (cd "$clone" && echo "// bench $1 $(date +%s%N)" >>src/Deploy.SampleService/ServiceEndpoints.cs \
    && git commit -qam "bench: $1" && git rev-parse HEAD)
}

served() { curl -fsS --max-time 5 "$url" | python3 -c 'import json, sys; print(json.load(sys.stdin)["commit"])'; }

echo "cloning $(git rev-parse --short HEAD) (local cloud on port $port)..." >&2
git clone -q "$root" "$clone"
(cd "$clone" && git checkout -q -B main && git config user.name bench && git config user.email bench@example.invalid)

echo "(a) first release of a fresh clone..." >&2
run_build first Release
url=$(sed -n 's/^Service URL: \(.*\)$/\1/p' "$work/first.log" | tail -1)

echo "(b) a new commit through the pipeline..." >&2
released=$(commit_change release)
run_build release Release
[[ "$(served)" == "$released" ]] && release_ok=yes || release_ok=no

echo "(c) the next commit deployed directly..." >&2
deployed=$(commit_change deploy)
run_build deploy DeployFargate
[[ "$(served)" == "$deployed" ]] && deploy_ok=yes || deploy_ok=no

first=$(cat "$work/first.secs") release=$(cat "$work/release.secs") deploy=$(cat "$work/deploy.secs")
echo
echo "== (b) the pipeline's stages (Release's output) =="
grep -E '^Stage [A-Za-z]+: Succeeded in' "$work/release.log" | sed 's/^Stage //' | column -t
echo
echo "== (b) Release, per target (summary table) =="
awk '/^Target +Status +Duration/ { on = 1; next } on && /^-+$/ { if (++rules == 2) exit; next } on { print $1, $2, $3 }' "$work/release.log" | column -t
echo
{
  echo "measure|seconds|goal"
  echo "(a) first Release of a fresh clone (wall)|$first|"
  echo "(b) new commit -> served through Release (wall)|$release|<= 180"
  echo "(c) new commit -> served through DeployFargate (wall)|$deploy|"
  echo "(b)/(c)|$(ratio "$release" "$deploy")|"
  echo "service answers the released / deployed commit|$release_ok / $deploy_ok|yes / yes"
} | column -t -s '|'
