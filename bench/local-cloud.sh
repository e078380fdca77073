#!/usr/bin/env bash
# Local cloud performance (issue 4, "Performance"), measured in one run against a local cloud of its own:
#   1. memory: VmRSS of the local cloud process after start-up + ~5 s idle, after the rollout, after the latency run
#      (and VmHWM, the peak), from /proc/<pid>/status;
#   2. UpdateService -> COMPLETED for a 2-task Fargate service behind a load balancer (ELBv2 through the aws CLI):
#      a tiny offline web image (docker import: busybox-static + /www/health, `busybox httpd`), v1 and v2 pushed to
#      the local registry, container healthCheck `wget -q -O- http://127.0.0.1:8080/health || exit 1` (interval 5,
#      retries 2); the service is created on v1 and waited for COMPLETED, then `update-service` to v2 is timed until
#      the PRIMARY deployment's rolloutState is COMPLETED. Broken down per new task from DescribeTasks
#      (createdAt, pullStartedAt, pullStoppedAt, startedAt), the first poll that saw healthStatus HEALTHY (DescribeTasks
#      has no "became healthy" time), and, for reference, the local cloud's own containerHealthyAt/healthyAt read
#      from its state file (ecs.json in our temp state dir; not an API field).
#      Polling is one botocore client in one python process (every 0.2 s), not aws CLI processes, to keep the
#      observer's CPU cost low. The images are removed from the local Docker after the push, so the task's pull
#      really downloads the layer from the local registry (~1 MB).
#   3. API latency: DescribeServices on that service from 20 concurrent clients (bench/AwsLatency --concurrency,
#      each client its own connection) for ~10 s: p50/p90/p99/max and throughput, signed with the configured key
#      (the administrator, never checked by IAM). Then the cost of IAM enforcement (issue 12, goal p50 and p99 with
#      enforcement <= 1.2x without): a second local cloud of its own (own state, `--iam-enforcement off`) beside the
#      first (on, the default), both given the same service without tasks ("idle") and the same role: trusted by the
#      account, one inline policy allowing ecs:DescribeServices on that service's ARN only; `aws sts assume-role`
#      in each, the temporary credentials in a 0600 file of the temp dir (never printed, never an argument).
#      DescribeServices on "idle" as the role session and as the configured key (the control: never checked, so its
#      on/off ratio is what the two processes differ by without enforcement), on and off, ROUNDS rounds in alternating
#      order, after an uncounted 5 s warm-up of each cloud. Before the runs, the session is checked to be refused
#      another service by the enforcing cloud and not by the other (enforcement really is on and off); afterwards the
#      enforcing cloud's decision trail (iam-decisions.jsonl) is counted. Prints p50/p99 per run, pooled per mode
#      (all timed calls of the mode's runs), the ratios on/off, and the role's ratio over the control's.
# Usage: bench/local-cloud.sh [latency-seconds] [clients]   (defaults 10 and 20; needs docker, aws CLI, jq, curl,
#        python3 with botocore, a static busybox at /bin/busybox or $BUSYBOX)
# Knobs: TG_INTERVAL (target group health check interval, default 5 s: AWS's minimum; the sample platform uses 15)
#        TG_HEALTHY (healthy threshold, default 2, as the sample platform)
#        STOP_TIMEOUT (the container's stopTimeout in seconds; default unset = 30 s. `busybox httpd` as PID 1 ignores
#        SIGTERM, so each old task waits the whole stopTimeout for SIGKILL, which the rollout's COMPLETED waits for).
#        ROUNDS (rounds of the four enforcement runs: role session and configured key, on and off; default 2)
#        LATENCY_ONLY=1: no image, no rollout, no Docker: only section 3 on the "idle" services (and no memory rows).
# Everything it starts (the local cloud, its containers, images, load balancer ports, temp dirs) is removed on exit,
# also on failure or Ctrl-C. Every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

latency_seconds="${1:-10}"
clients="${2:-20}"
tg_interval="${TG_INTERVAL:-5}"
tg_healthy="${TG_HEALTHY:-2}"
stop_timeout="${STOP_TIMEOUT:-}"
busybox="${BUSYBOX:-/bin/busybox}"
rounds="${ROUNDS:-2}"
latency_only="${LATENCY_ONLY:-}"
region=us-east-1
access_key=local
secret_key="" # random per state directory: read from $state/secret-access-key once the local cloud made it

tools=(aws jq curl python3 dotnet)
[[ -n "$latency_only" ]] || tools+=(docker)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
[[ -n "$latency_only" ]] || file -L "$busybox" 2>/dev/null | grep -q 'statically linked' \
  || { echo "$busybox is not a static busybox (set BUSYBOX)" >&2; exit 1; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive number, not '$rounds'" >&2; exit 1; }

id="lcbench-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cluster="$id" service=web repo="$id" family="$id"
work=$(mktemp -d)
state="$work/state"
export DOCKER_CONFIG="$work/docker" # docker login writes here, not into ~/.docker
mkdir -p "$DOCKER_CONFIG" "$state"
cloud_pid=""
off_pid="" # the second local cloud, --iam-enforcement off
events_pid=""
registry=""

stop() { # pid: SIGTERM, at most 10 s, then SIGKILL
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
  fi
}
cleanup() {
  set +e
  [[ -n "$events_pid" ]] && kill "$events_pid" 2>/dev/null && wait "$events_pid" 2>/dev/null
  stop "$off_pid"
  stop "$cloud_pid"
  # Task containers outlive the local cloud by design (it adopts them on restart): remove ours.
  mapfile -t containers < <(docker ps -aq --filter label=deploy.local-cloud --filter "name=^ecs-$family-" 2>/dev/null)
  ((${#containers[@]} > 0)) && docker rm -f "${containers[@]}" >/dev/null 2>&1
  mapfile -t images < <(docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -E "(^|/)$repo:" )
  ((${#images[@]} > 0)) && docker rmi -f "${images[@]}" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
rss() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; } # kB
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "building the local cloud and bench/AwsLatency (Release)..." >&2
timeout 600 dotnet build src/Deploy.LocalCloud/Deploy.LocalCloud.csproj -c Release -nologo -v q >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log" >&2; exit 1; }
timeout 600 dotnet build bench/AwsLatency/AwsLatency.csproj -c Release -nologo -v q >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log" >&2; exit 1; }
cloud_dll=src/Deploy.LocalCloud/bin/Release/net10.0/Deploy.LocalCloud.dll
latency_dll=bench/AwsLatency/bin/Release/net10.0/AwsLatency.dll

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# The compiled dll, not `dotnet run`: then $! is the local cloud itself (what we measure), not the dotnet CLI.
start_cloud() { # port state-dir log iam-enforcement; sets started_pid
  dotnet "$cloud_dll" --port "$1" --state-dir "$2" --region "$region" --access-key "$access_key" --iam-enforcement "$4" \
    >"$3" 2>&1 &
  started_pid=$!
}
wait_health() { # pid endpoint log: returns once /health answers (at most 60 s)
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$2/health" 2>/dev/null; then return 0; fi
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; echo "the local cloud exited" >&2; exit 1; }
    sleep 0.1
  done
  cat "$3" >&2; echo "no /health after 60 s" >&2; exit 1
}
port=$(free_port)
endpoint="http://127.0.0.1:$port"
registry="127.0.0.1:$port"
start=$(now)
start_cloud "$port" "$state" "$work/cloud.log" on
cloud_pid=$started_pid
wait_health "$cloud_pid" "$endpoint" "$work/cloud.log"
ready=$(now)
startup=$(awk -v a="$start" -v b="$ready" 'BEGIN { printf "%.2f", b - a }')
rss_ready=$(rss "$cloud_pid" VmRSS)
sleep 5
rss_idle=$(rss "$cloud_pid" VmRSS)
secret_key=$(cat "$state/secret-access-key")
echo "local cloud pid $cloud_pid on $endpoint, /health after ${startup} s, idle RSS $(mib "$rss_idle") MiB" >&2

export AWS_ACCESS_KEY_ID="$access_key" AWS_SECRET_ACCESS_KEY="$secret_key" AWS_DEFAULT_REGION="$region" AWS_REGION="$region"
export AWS_ENDPOINT_URL="$endpoint" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
awsj() { timeout 120 aws --output json "$@"; }

account=$(awsj sts get-caller-identity | jq -r .Account)
awsj ecs create-cluster --cluster-name "$cluster" >/dev/null

# The poller: update-service (when asked) and DescribeServices/ListTasks/DescribeTasks every 0.2 s until the PRIMARY
# deployment is COMPLETED (or FAILED, or the deadline). Prints JSON: times as epoch seconds.
poll() { # task-definition-to-update-to|"" deadline-seconds
  timeout $(($2 + 30)) python3 - "$cluster" "$service" "$1" "$2" "$state/ecs.json" <<'PY'
import json, sys, time
import botocore.session

cluster, service, update_to, deadline, state_file = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
ecs = botocore.session.get_session().create_client("ecs")  # endpoint, region, keys from the AWS_* variables
ts = lambda d: d.timestamp() if d is not None else None
out = {"tasks": {}, "polls": 0}
out["t0"] = time.time()
if update_to:
    ecs.update_service(cluster=cluster, service=service, taskDefinition=update_to)
    out["update_returned"] = time.time()
primary = None
while time.time() - out["t0"] < deadline:
    svc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    seen = time.time()
    out["polls"] += 1
    primary = next(d for d in svc["deployments"] if d["status"] == "PRIMARY")
    arns = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    seen = time.time()
    stopped = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="STOPPED")["taskArns"]
    for t in ecs.describe_tasks(cluster=cluster, tasks=stopped)["tasks"] if stopped else []:
        if update_to and t["taskDefinitionArn"] != primary["taskDefinition"] and t["createdAt"].timestamp() < out["t0"]:
            out.setdefault("old", {})[t["taskArn"]] = {
                "stoppingAt": ts(t.get("stoppingAt")), "stoppedAt": ts(t.get("stoppedAt")),
                "exitCode": t["containers"][0].get("exitCode"), "stopCode": t.get("stopCode")}
    for t in tasks:
        if t["taskDefinitionArn"] != primary["taskDefinition"]:
            continue
        r = out["tasks"].setdefault(t["taskArn"], {"firstHealthyPoll": None})
        for k in ("createdAt", "pullStartedAt", "pullStoppedAt", "startedAt"):
            r[k] = ts(t.get(k))
        if t.get("healthStatus") == "HEALTHY" and r["firstHealthyPoll"] is None:
            r["firstHealthyPoll"] = seen
    if primary["rolloutState"] in ("COMPLETED", "FAILED"):
        out["completedPoll"] = seen
        break
    time.sleep(0.2)
out["rolloutState"] = primary and primary["rolloutState"]
out["deployment"] = primary and primary["id"]
svc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
done = [e for e in svc["events"] if primary and f"(deployment {primary['id']}) deployment completed." in e["message"]]
out["completedEvent"] = ts(done[0]["createdAt"]) if done else None
# The local cloud's own health times (state file of our instance; not exposed by the API).
with open(state_file) as f:
    state = json.load(f)
def walk(node):
    if isinstance(node, dict):
        if node.get("arn") in out["tasks"]:
            yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)
from datetime import datetime
for rec in walk(state):
    for k in ("containerHealthyAt", "healthyAt"):
        v = rec.get(k)
        out["tasks"][rec["arn"]][k] = datetime.fromisoformat(v).timestamp() if v else None
print(json.dumps(out))
PY
}

# Sections 1 and 2 (all but LATENCY_ONLY runs).
rollout() {
  echo "making the web image (v1, v2) offline and pushing it..." >&2
  for version in v1 v2; do
    root="$work/image-$version"
    mkdir -p "$root/bin" "$root/www"
    cp "$busybox" "$root/bin/busybox"
    for applet in sh wget httpd; do ln -s busybox "$root/bin/$applet"; done
    echo "ok $version" >"$root/www/health"
    echo "<h1>$id $version</h1>" >"$root/www/index.html"
    tar -C "$root" -cf - . | timeout 120 docker import \
      --change 'ENV PATH=/bin' --change 'CMD ["busybox","httpd","-f","-p","8080","-h","/www"]' - "$repo:$version" >/dev/null
  done
  awsj ecr create-repository --repository-name "$repo" >/dev/null
  awsj ecr get-login-password | timeout 60 docker login --username AWS --password-stdin "$registry" >/dev/null 2>&1
  for version in v1 v2; do
    docker tag "$repo:$version" "$registry/$repo:$version"
    timeout 120 docker push -q "$registry/$repo:$version" >/dev/null
  done
  # Gone from the local Docker: the tasks' pulls fetch the layer from the registry (a real pull).
  docker rmi "$repo:v1" "$repo:v2" "$registry/$repo:v1" "$registry/$repo:v2" >/dev/null

  echo "load balancer, task definitions, service on v1..." >&2
  vpc=$(awsj ec2 describe-vpcs --filters Name=is-default,Values=true | jq -r '.Vpcs[0].VpcId')
  mapfile -t subnets < <(awsj ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" | jq -r '.Subnets[].SubnetId')
  sg=$(awsj ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" Name=group-name,Values=default | jq -r '.SecurityGroups[0].GroupId')
  lb_json=$(awsj elbv2 create-load-balancer --name "$id" --type application --scheme internet-facing \
    --subnets "${subnets[@]:0:2}" --security-groups "$sg")
  lb_arn=$(jq -r '.LoadBalancers[0].LoadBalancerArn' <<<"$lb_json")
  lb_dns=$(jq -r '.LoadBalancers[0].DNSName' <<<"$lb_json")
  tg_arn=$(awsj elbv2 create-target-group --name "$id" --protocol HTTP --port 8080 --vpc-id "$vpc" --target-type ip \
    --health-check-path /health --health-check-interval-seconds "$tg_interval" --health-check-timeout-seconds 2 \
    --healthy-threshold-count "$tg_healthy" --unhealthy-threshold-count 3 --matcher HttpCode=200 | jq -r '.TargetGroups[0].TargetGroupArn')
  awsj elbv2 create-listener --load-balancer-arn "$lb_arn" --protocol HTTP --port 80 \
    --default-actions "Type=forward,TargetGroupArn=$tg_arn" >/dev/null

  register() { # version -> task definition ARN
    jq -n --arg family "$family" --arg image "$registry/$repo:$1" --arg stop "$stop_timeout" '{
      family: $family, networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512",
      containerDefinitions: [{
        name: "web", image: $image, essential: true,
        portMappings: [{ containerPort: 8080, protocol: "tcp" }],
        healthCheck: { command: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/health || exit 1"], interval: 5, timeout: 2, retries: 2 }
      } + (if $stop == "" then {} else { stopTimeout: ($stop | tonumber) } end)]
    }' >"$work/taskdef-$1.json"
    awsj ecs register-task-definition --cli-input-json "file://$work/taskdef-$1.json" | jq -r '.taskDefinition.taskDefinitionArn'
  }
  td_v1=$(register v1)
  td_v2=$(register v2)
  network="awsvpcConfiguration={subnets=[${subnets[0]}],securityGroups=[$sg],assignPublicIp=ENABLED}"
  awsj ecs create-service --cluster "$cluster" --service-name "$service" --task-definition "$td_v1" --desired-count 2 \
    --launch-type FARGATE --network-configuration "$network" --health-check-grace-period-seconds 60 \
    --deployment-configuration 'maximumPercent=200,minimumHealthyPercent=100,deploymentCircuitBreaker={enable=true,rollback=true}' \
    --load-balancers "targetGroupArn=$tg_arn,containerName=web,containerPort=8080" >/dev/null


  echo "waiting for the v1 deployment to complete..." >&2
  poll "" 300 >"$work/v1.json"
  [[ $(jq -r .rolloutState "$work/v1.json") == COMPLETED ]] || { jq . "$work/v1.json" >&2; echo "v1 did not complete" >&2; exit 1; }
  curl -fsS --max-time 5 "http://$lb_dns/health" | grep -q 'ok v1' || { echo "the load balancer does not serve v1" >&2; exit 1; }
  rss_v1=$(rss "$cloud_pid" VmRSS)

  echo "timing update-service to v2 until the PRIMARY deployment is COMPLETED..." >&2
  # Docker's own record of our containers during the rollout: who got which signal when (SIGTERM -> SIGKILL after the
  # stopTimeout), and whether anything outside the local cloud removed them (other users of this Docker Engine).
  docker events --filter type=container --filter label=deploy.local-cloud \
    --format '{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.signal}}' >"$work/events.txt" 2>&1 &
  events_pid=$!
  poll "$td_v2" 300 >"$work/v2.json"
  sleep 1
  kill "$events_pid" 2>/dev/null || true
  wait "$events_pid" 2>/dev/null || true
  events_pid=""
  [[ $(jq -r .rolloutState "$work/v2.json") == COMPLETED ]] || { jq . "$work/v2.json" >&2; echo "v2 did not complete" >&2; exit 1; }
  curl -fsS --max-time 5 "http://$lb_dns/health" | grep -q 'ok v2' || { echo "the load balancer does not serve v2" >&2; exit 1; }
  rss_rollout=$(rss "$cloud_pid" VmRSS)
}
if [[ -z "$latency_only" ]]; then rollout; fi

# 3. API latency. One run: label endpoint service [credentials-file [seconds]]; without a file, signed with the
# configured key (its secret from AWS_SECRET_ACCESS_KEY). Appends "label|rc|summary|cpu" to runs.txt (cpu: the
# serving local cloud's user+system CPU seconds during the run, warm-up included) and writes each timed call's
# milliseconds to timings-<label>. CPU per call is the figure a loaded machine disturbs least: latency there is
# mostly waiting for a core.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
latency_run() {
  local rc=0 out credentials=() pid=$cloud_pid cpu
  [[ "$2" == "$endpoint" ]] || pid=$off_pid
  [[ -n "${4:-}" ]] && credentials=(--credentials-file "$4")
  cpu=$(cpu_seconds "$pid")
  echo "  DescribeServices $1: $clients clients for ${5:-$latency_seconds} s..." >&2
  out=$(timeout $((${5:-$latency_seconds} + 120)) dotnet "$latency_dll" --endpoint "$2" --access-key "$access_key" \
    --region "$region" --cluster "$cluster" --service "$3" --concurrency "$clients" --duration "${5:-$latency_seconds}" \
    --warmup 5 --timings "$work/timings-$1" "${credentials[@]}") || rc=$?
  echo "$1|$rc|$out|$(awk -v a="$cpu" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.2f", b - a }')" >>"$work/runs.txt"
}
: >"$work/runs.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
[[ -n "$latency_only" ]] || latency_run root-on-web "$endpoint" "$service"

echo "a second local cloud (--iam-enforcement off, state of its own); the same service and role in both..." >&2
off_state="$work/state-off"
off_port=$(free_port)
off_endpoint="http://127.0.0.1:$off_port"
start_cloud "$off_port" "$off_state" "$work/cloud-off.log" off
off_pid=$started_pid
wait_health "$off_pid" "$off_endpoint" "$work/cloud-off.log"
off_secret=$(cat "$off_state/secret-access-key")
off() { AWS_ENDPOINT_URL="$off_endpoint" AWS_SECRET_ACCESS_KEY="$off_secret" "$@"; } # a command against the second one
[[ $(off awsj sts get-caller-identity | jq -r .Account) == "$account" ]] || { echo "the two local clouds differ in account" >&2; exit 1; }

idle=idle # a service without tasks: nothing runs for it, so both clouds serve the same DescribeServices answer
idle_arn="arn:aws:ecs:$region:$account:service/$cluster/$idle"
role="$id-describe"
jq -n --arg family "$family-idle" --arg image "$registry/$repo:v1" '{
  family: $family, networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512",
  containerDefinitions: [{ name: "web", image: $image, essential: true }]
}' >"$work/taskdef-idle.json"
trust=$(jq -nc --arg account "arn:aws:iam::$account:root" \
  '{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: $account }, Action: "sts:AssumeRole" }] }')
allow=$(jq -nc --arg service "$idle_arn" \
  '{ Version: "2012-10-17", Statement: [{ Sid: "DescribeIdle", Effect: "Allow", Action: "ecs:DescribeServices", Resource: $service }] }')
enforcement_setup() { # credentials-file: in the local cloud the AWS_* variables name, the idle service, the role, a session
  local vpc subnet sg td
  awsj ecs create-cluster --cluster-name "$cluster" >/dev/null
  vpc=$(awsj ec2 describe-vpcs --filters Name=is-default,Values=true | jq -r '.Vpcs[0].VpcId')
  subnet=$(awsj ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" | jq -r '.Subnets[0].SubnetId')
  sg=$(awsj ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" Name=group-name,Values=default | jq -r '.SecurityGroups[0].GroupId')
  td=$(awsj ecs register-task-definition --cli-input-json "file://$work/taskdef-idle.json" | jq -r '.taskDefinition.taskDefinitionArn')
  awsj ecs create-service --cluster "$cluster" --service-name "$idle" --task-definition "$td" --desired-count 0 \
    --launch-type FARGATE --network-configuration "awsvpcConfiguration={subnets=[$subnet],securityGroups=[$sg],assignPublicIp=ENABLED}" >/dev/null
  awsj iam create-role --role-name "$role" --assume-role-policy-document "$trust" >/dev/null
  awsj iam put-role-policy --role-name "$role" --policy-name describe-idle --policy-document "$allow" >/dev/null
  (umask 077 && awsj sts assume-role --role-arn "arn:aws:iam::$account:role/$role" --role-session-name bench >"$1")
}
enforcement_setup "$work/session-on.json"
off enforcement_setup "$work/session-off.json"

# A command with a session's keys in its environment (not in its arguments).
as_session() { # credentials-file command...
  AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId "$1") AWS_SECRET_ACCESS_KEY=$(jq -r .Credentials.SecretAccessKey "$1") \
    AWS_SESSION_TOKEN=$(jq -r .Credentials.SessionToken "$1") "${@:2}"
}
# Enforcement really is on in the one and off in the other: the session may describe "idle" in both, "other" only in the second.
for cloud in on off; do
  [[ $cloud == on ]] && run=() || run=(off)
  "${run[@]}" as_session "$work/session-$cloud.json" awsj ecs describe-services --cluster "$cluster" --services "$idle" \
    | jq -e --arg idle "$idle" '.services[0].serviceName == $idle' >/dev/null \
    || { echo "enforcement $cloud: the role session could not describe $idle" >&2; exit 1; }
done
if as_session "$work/session-on.json" awsj ecs describe-services --cluster "$cluster" --services other >/dev/null 2>"$work/denied.txt" \
  || ! grep -q AccessDeniedException "$work/denied.txt"; then
  cat "$work/denied.txt" >&2; echo "enforcement on: the role session was not refused another service" >&2; exit 1
fi
off as_session "$work/session-off.json" awsj ecs describe-services --cluster "$cluster" --services other >/dev/null \
  || { echo "enforcement off: the role session was refused another service" >&2; exit 1; }

echo "$idle as the role session and the configured key, on and off alternating, $rounds round(s) after a 5 s warm-up..." >&2
trail="$state/iam-decisions.jsonl"
lines() { { wc -l <"$1"; } 2>/dev/null || echo 0; }
for cloud in on off; do
  [[ $cloud == on ]] && at="$endpoint" || at="$off_endpoint"
  latency_run "warmup-$cloud" "$at" "$idle" "$work/session-$cloud.json" 5
done
trail_before=$(lines "$trail")
for round in $(seq 1 "$rounds"); do
  # Role session and configured key, on and off, in reverse order every other round: a load that rises or falls
  # during the runs weighs on all four alike.
  order=(role-on role-off root-off root-on)
  ((round % 2)) || order=(root-on root-off role-off role-on)
  for run in "${order[@]}"; do
    case $run in
      role-on) latency_run "$run-$round" "$endpoint" "$idle" "$work/session-on.json" ;;
      role-off) latency_run "$run-$round" "$off_endpoint" "$idle" "$work/session-off.json" ;;
      root-on) latency_run "$run-$round" "$endpoint" "$idle" ;;
      root-off) off latency_run "$run-$round" "$off_endpoint" "$idle" ;;
    esac
  done
done
trail_after=$(lines "$trail")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 5
rss_after=$(rss "$cloud_pid" VmRSS)
hwm=$(rss "$cloud_pid" VmHWM)

# Figures.
if [[ -z "$latency_only" ]]; then
  echo
  echo "== UpdateService v1 -> v2, 2 tasks behind a load balancer: seconds after the update-service call =="
  jq -r '
    def s(a; b): if a != null and b != null then ((b - a) * 100 | round) / 100 | tostring else "n/a" end;
    .t0 as $t0 |
    (["new task", "created", "provision", "pull", "start", "healthy(poll)", "healthy(state)", "target-healthy(state)", "at-healthy(poll)"] | @tsv),
    (.tasks | to_entries[] | .value as $t | [
      (.key | split("/") | last | .[0:8]),
      s($t0; $t.createdAt),
      s($t.createdAt; $t.pullStartedAt),
      s($t.pullStartedAt; $t.pullStoppedAt),
      s($t.pullStoppedAt; $t.startedAt),
      s($t.startedAt; $t.firstHealthyPoll),
      s($t.startedAt; $t.containerHealthyAt),
      s($t.containerHealthyAt; $t.healthyAt),
      s($t0; $t.firstHealthyPoll)
    ] | @tsv)' "$work/v2.json" | column -t -s $'\t'
  echo
  jq -r '
    def s(a; b): if a != null and b != null then ((b - a) * 100 | round) / 100 | tostring else "n/a" end;
    .t0 as $t0 |
    (["old task", "stopping(drain) at", "stopped at", "drain+stop", "exit code"] | @tsv),
    ((.old // {}) | to_entries[] | .value as $t | [
      (.key | split("/") | last | .[0:8]), s($t0; $t.stoppingAt), s($t0; $t.stoppedAt), s($t.stoppingAt; $t.stoppedAt), ($t.exitCode | tostring)
    ] | @tsv)' "$work/v2.json" | column -t -s $'\t'
  echo
  jq -r '
    def s(a; b): if a != null and b != null then ((b - a) * 100 | round) / 100 | tostring else "n/a" end;
    .t0 as $t0 | ([.tasks[].healthyAt] | max) as $h | ([.tasks[].firstHealthyPoll] | max) as $hp |
    "update-service call returned|\(s($t0; .update_returned))",
    "last new task container HEALTHY (first poll)|\(s($t0; $hp))",
    "last new task healthy incl. target group (state)|\(s($t0; $h))",
    "\"deployment completed.\" event|\(s($t0; .completedEvent))",
    "PRIMARY rolloutState COMPLETED (first poll)|\(s($t0; .completedPoll))",
    "polls (0.2 s apart, 3 calls each)|\(.polls)"' "$work/v2.json" | column -t -s '|'
  echo
  echo "docker events of our containers during the rollout (s after update-service; create/start/healthy/kill+signal/die/destroy):"
  t0=$(jq -r .t0 "$work/v2.json")
  awk -v t0="$t0" -v prefix="ecs-$family-" '
    $2 == "health_status:" { $2 = "healthy"; if ($3 != "healthy") next; $3 = $4 }
    index($3, prefix) == 1 && $2 ~ /^(create|start|healthy|kill|die|destroy)$/ {
      name = $3; sub(/^ecs-[^ ]*-web-/, "", name)
      printf "  %7.2f  %-8s %s %s\n", $1 / 1e9 - t0, $2, substr(name, 1, 8), ($2 == "kill" ? "signal " $4 : "") }' "$work/events.txt"
  new_tasks=$(jq '.tasks | length' "$work/v2.json")
  if ((new_tasks != 2)) || jq -e '[.old[]?.exitCode] | any(. == null)' "$work/v2.json" >/dev/null; then
    echo "WARNING: $new_tasks new tasks for 2 desired, or an old task without exit code: containers were stopped or removed outside"
    echo "         the scheduler's plan (see the docker events above: a SIGKILL without a SIGTERM first is not the local cloud's stop)."
  fi
fi
echo
echo "== API and memory =="
{
  echo "measure|value"
  echo "local cloud start -> /health answers|${startup} s"
  echo "RSS at /health|$(mib "$rss_ready") MiB"
  echo "RSS idle (5 s after start-up)|$(mib "$rss_idle") MiB"
  [[ -n "$latency_only" ]] || echo "RSS after the v1 service is COMPLETED|$(mib "$rss_v1") MiB"
  [[ -n "$latency_only" ]] || echo "RSS after the v2 rollout|$(mib "$rss_rollout") MiB"
  echo "RSS after the latency runs (+5 s)|$(mib "$rss_after") MiB"
  echo "peak RSS (VmHWM)|$(mib "$hwm") MiB"
} | column -t -s '|'

# Nearest-rank percentiles (as AwsLatency's) of the pooled timings of the named runs.
pooled() { # p label...
  local p=$1; shift
  for label in "$@"; do cat "$work/timings-$label"; done | sort -n \
    | awk -v p="$p" '{ a[NR] = $1 } END { i = int(p * NR + 0.999999); if (i < 1) i = 1; printf "%.3f", NR ? a[i] : "nan" }'
}
summary() { awk -F'|' -v l="$1" '$1 == l { print $3 }' "$work/runs.txt"; } # label -> AwsLatency's line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $(summary "$1")"; } # label name
rc() { awk -F'|' -v l="$1" '$1 == l { print $2 }' "$work/runs.txt"; }
# CPU microseconds per call of the named runs (their timed, failed and warm-up calls).
cpu_per_call() { awk -F'|' -v runs=" $* " -v w=$((clients * 5)) 'index(runs, " " $1 " ") {
    split($3, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }; cpu += $4; calls += v["calls"] + v["errors"] + w }
  END { printf "%.0f", calls ? cpu * 1e6 / calls : 0 }' "$work/runs.txt"; }
row() { echo "$2|$(field "$1" calls)|$(field "$1" errors)$( [[ $(rc "$1") == 0 ]] || echo " (rc $(rc "$1"))")|$(field "$1" throughput)|$(cpu_per_call "$1")|$(field "$1" p50)|$(field "$1" p99)|$(field "$1" max)"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2fx" : "n/a"), a / b }'; }
runs_of() { seq 1 "$rounds" | sed "s/^/$1-/"; } # role-on -> role-on-1 role-on-2 ...
calls_of() { local n=0; for label in $(runs_of "$1"); do n=$((n + $(wc -l <"$work/timings-$label"))); done; echo "$n"; }
errors_of() { local n=0; for label in $(runs_of "$1"); do n=$((n + $(field "$label" errors))); done; echo "$n"; }
declare -A p50 p99 cpu_us
for run in role-on role-off root-on root-off; do
  mapfile -t labels < <(runs_of "$run")
  p50[$run]=$(pooled 0.50 "${labels[@]}")
  p99[$run]=$(pooled 0.99 "${labels[@]}")
  cpu_us[$run]=$(cpu_per_call "${labels[@]}")
done
declare -A names=([role-on]="role session, on" [role-off]="role session, off" [root-on]="configured key, on" [root-off]="configured key, off")
echo
echo "== DescribeServices, $clients clients x ${latency_seconds} s per run (ms; calls/s per run; the local cloud's CPU us per call) =="
{
  echo "run|calls|errors|calls/s|CPU us|p50|p99|max"
  [[ -n "$latency_only" ]] || row root-on-web "configured key, $service (2 tasks), enforcement on"
  for round in $(seq 1 "$rounds"); do
    for run in role-on role-off root-on root-off; do row "$run-$round" "${names[$run]}, $idle, round $round"; done
  done
  for run in role-on role-off root-on root-off; do
    echo "${names[$run]}, pooled|$(calls_of "$run")|$(errors_of "$run")||${cpu_us[$run]}|${p50[$run]}|${p99[$run]}|"
  done
} | column -t -s '|'
echo
ratio_of_ratios() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN { printf (b > 0 && c > 0 && d > 0 ? "%.2fx" : "n/a"), (a / b) / (c / d) }'; }
{
  echo "on/off (pooled)|p50|p99|CPU per call"
  echo "role session: enforcement (goal <= 1.20x)|$(ratio "${p50[role-on]}" "${p50[role-off]}")|$(ratio "${p99[role-on]}" "${p99[role-off]}")|$(ratio "${cpu_us[role-on]}" "${cpu_us[role-off]}")"
  echo "configured key: control, never checked|$(ratio "${p50[root-on]}" "${p50[root-off]}")|$(ratio "${p99[root-on]}" "${p99[root-off]}")|$(ratio "${cpu_us[root-on]}" "${cpu_us[root-off]}")"
  echo "role session / control: net of the processes' difference|$(ratio_of_ratios "${p50[role-on]}" "${p50[role-off]}" "${p50[root-on]}" "${p50[root-off]}")|$(ratio_of_ratios "${p99[role-on]}" "${p99[role-off]}" "${p99[root-on]}" "${p99[root-off]}")"
} | column -t -s '|'
warmups=$((rounds * clients * 5))
echo "decisions the enforcing cloud recorded during the rounds: $((trail_after - trail_before)) for the role session's $(calls_of role-on) timed + $(errors_of role-on) failed + $warmups warm-up calls (the configured key's: none)"
echo
echo "$(aws --version 2>&1); dotnet $(dotnet --version); docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo n/a); $(nproc) cores"
echo "load average (1, 5, 15 min) before the latency runs: $load_before; after: $load_after"
[[ -n "$latency_only" ]] || echo "target group health check: interval ${tg_interval} s, healthy threshold ${tg_healthy}; container health check: interval 5 s, retries 2; stopTimeout ${stop_timeout:-30 (default)} s"
