#!/usr/bin/env bash
# The main job on the local cloud, measured in one run:
#   (a) cold `./build.sh DeployFargate` from a clean state: LocalCloudDown, .nuke/temp/local-cloud/state deleted, the
#       service images it built removed (deploy/sample-service:*, 127.0.0.1:<port>/sample-service:*), artifacts/image*.json
#       deleted. Kept: the build CLI (compiled before timing), the dotnet incremental build state and NuGet cache, and the
#       locally produced runtime base image (deploy-local/runtime-deps) unless --with-base removes it too.
#       Per-target durations come from the build's summary table.
#   (b) the same command again with no change ("unchanged" everywhere), and b/a (goal <= 0.15).
#   (c) a new-commit deploy: ours (`./build.sh DeployFargate` with the commit given as GitLab CI gives it,
#       CI_COMMIT_SHA) vs bench/deploy-plain.sh (docker CLI + aws CLI, `aws ecs wait services-stable`) against the same
#       local cloud; each side gets one untimed warm-up deploy first; ratio ours/theirs (goal <= 1.0).
#   (d) detection latency: from the service event "(deployment <ours>) deployment completed." to the process' end
#       (ours: ./build.sh has exited; theirs: the waiter has returned).
# Usage: [LOCAL_CLOUD_PORT=<port>] bench/deploy.sh [--with-base]   (a few minutes; every step bounded by `timeout`;
#        do not commit in this checkout meanwhile: a new HEAD is a new image, and (b) is no longer a no-change run)
# The logs of every run are kept in .nuke/temp/bench-deploy/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
with_base=false
[[ "${1:-}" == "--with-base" ]] && with_base=true

work=$(mktemp -d)
export DOCKER_CONFIG="$work/docker" # the plain flow's `docker login` writes here, not into ~/.docker
mkdir -p "$DOCKER_CONFIG"
logs=.nuke/temp/bench-deploy # every run's log is kept here for reading
mkdir -p "$logs"
trap 'cp "$work"/*.log "$logs"/ 2>/dev/null || true; rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
new_commit() { head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# GitLab CI's variables: BuildImage tags the image with CI_COMMIT_SHA, as for a new commit.
as_commit=(env GITLAB_CI=true CI_COMMIT_BRANCH=bench)

# One run of ./build.sh; its log goes to $work/<name>.log, its wall time to $work/<name>.secs.
run_build() {
  local name="$1" started
  shift
  started=$(now)
  if ! timeout 900 "$@" >"$work/$name.log" 2>&1; then
    tail -40 "$work/$name.log" >&2
    echo "$name failed (log above)" >&2
    exit 1
  fi
  now >"$work/$name.end"
  secs "$started" "$(cat "$work/$name.end")" >"$work/$name.secs"
}

# The build's summary table, "Target Status Duration" rows.
summary() {
  awk '/^Target +Status +Duration/ { on = 1; next } on && /^-+$/ { if (++rules == 2) exit; next } on { print $1, $2, ($3 == "<" ? "<1s" : $3) }' "$1"
}

# Seconds from the "deployment completed." event of the service's PRIMARY deployment to the given end time.
detection_latency() {
  local end="$1" describe primary completed
  describe=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output json)
  primary=$(jq -r '.services[0].deployments[] | select(.status == "PRIMARY") | .id' <<<"$describe")
  completed=$(jq -r --arg id "$primary" \
    '[.services[0].events[] | select(.message | contains("(deployment " + $id + ") deployment completed."))][0].createdAt // empty' <<<"$describe")
  [[ -z "$completed" ]] && { echo "n/a"; return; }
  [[ "$completed" =~ ^[0-9.]+$ ]] || completed=$(date -d "$completed" +%s.%N)
  secs "$completed" "$end"
}

echo "compiling the build CLI (not timed)..." >&2
./build.sh --help >/dev/null

echo "(a) clean state..." >&2
./build.sh LocalCloudDown >/dev/null
rm -rf .nuke/temp/local-cloud/state artifacts/image.json artifacts/image-pushed.json artifacts/imagedefinitions.json
# Only this local cloud's registry (the Docker engine is shared with other checkouts), and only tagged images: an
# untagged one ("<none>") is no reference docker rmi takes.
port="${LOCAL_CLOUD_PORT:-4566}"
mapfile -t images < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "^(deploy/sample-service|127\.0\.0\.1:$port/sample-service):" | grep -v ':<none>$' || true)
if $with_base; then
  mapfile -t -O "${#images[@]}" images < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^deploy-local/runtime-deps:' | grep -v ':<none>$' || true)
fi
((${#images[@]} > 0)) && docker rmi --force "${images[@]}" >/dev/null
echo "(a) cold ./build.sh DeployFargate..." >&2
run_build cold ./build.sh DeployFargate
echo "(b) warm, no change..." >&2
run_build warm ./build.sh DeployFargate

set -a
# shellcheck disable=SC1091 # written by the LocalCloud target
. .nuke/temp/local-cloud/env
set +a
stack_output() {
  aws cloudformation describe-stacks --stack-name deploy-platform --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
cluster=$(stack_output ClusterName)
service=$(stack_output ServiceName)

echo "(c) warm-ups (not timed)..." >&2
run_build ours-warmup "${as_commit[@]}" CI_COMMIT_SHA="$(new_commit)" ./build.sh DeployFargate
run_build plain-warmup bench/deploy-plain.sh "$(new_commit)"
echo "(c) new commit: ours..." >&2
ours_commit=$(new_commit)
run_build ours "${as_commit[@]}" CI_COMMIT_SHA="$ours_commit" ./build.sh DeployFargate
ours_latency=$(detection_latency "$(cat "$work/ours.end")")
url=$(stack_output LoadBalancerUrl)
answer=$(curl -fsS --max-time 5 "$url" || true)
[[ "$answer" == *"$ours_commit"* ]] && answers=yes || answers="no: $answer"
echo "(c) new commit: plain docker + aws CLI..." >&2
run_build plain bench/deploy-plain.sh "$(new_commit)"
plain_latency=$(detection_latency "$(awk '/^waited-until/ { print $2 }' "$work/plain.log")")

cold=$(cat "$work/cold.secs") warm=$(cat "$work/warm.secs") ours=$(cat "$work/ours.secs") plain=$(cat "$work/plain.secs")
echo
echo "== (a) cold ./build.sh DeployFargate, per target (summary table) =="
summary "$work/cold.log" | column -t
echo
echo "== (c) new-commit ./build.sh DeployFargate, per target =="
summary "$work/ours.log" | column -t
echo
echo "== (c) new-commit bench/deploy-plain.sh, per step =="
awk '/^step / { print $2, $3 }' "$work/plain.log" | column -t
echo
{
  echo "measure|seconds|goal"
  echo "(a) cold DeployFargate (wall)|$cold|"
  echo "(b) warm no-change DeployFargate (wall)|$warm|"
  echo "(b)/(a)|$(ratio "$warm" "$cold")|<= 0.15"
  echo "(c) new commit, ours (wall)|$ours|"
  echo "(c) new commit, docker + aws CLI (wall)|$plain|"
  echo "(c) ours/theirs|$(ratio "$ours" "$plain")|<= 1.0"
  echo "(d) deployment completed -> ours exits|$ours_latency|<= 2"
  echo "(d) deployment completed -> services-stable returns|$plain_latency|(15 s polling: 0-15)"
  echo "curl on the URL after (c) ours answers its commit|$answers|yes"
} | column -t -s '|'
