#!/usr/bin/env bash
# DescribeServices latency against moto_server on loopback: Deploy.Aws's EcsClient vs the aws CLI.
# Usage: bench/aws-latency.sh [client-calls] [cli-calls]   (defaults 50 and 20; warm-up: 5 client calls, 1 CLI call)
#
# Starts moto_server on a free 127.0.0.1 port, creates a cluster and a service in it (through the client), then
# times sequential round-trips and prints per-call p50/p90 in milliseconds:
#   client              bench/AwsLatency (Release build), one process, after 5 warm-up calls
#   aws CLI (process)   `aws ecs describe-services` per call: what a build script pays (process startup included)
#   botocore (in-proc)  the CLI's engine in one python process: M calls through one botocore client, no startup
# Stops moto at the end (also on failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

client_calls="${1:-50}"
cli_calls="${2:-20}"
warmup=5
cluster=bench
service=web
region=us-east-1

work=$(mktemp -d)
moto_pid=""
cleanup() {
  if [[ -n "$moto_pid" ]]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Nearest-rank percentile of the numbers on stdin (one per line).
percentile() { sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int(p * NR + 0.999999); if (i < 1) i = 1; printf "%.2f", a[i] }'; }

echo "building bench/AwsLatency (Release)..." >&2
dotnet build bench/AwsLatency/AwsLatency.csproj -c Release -nologo -v q >/dev/null
client_dll=bench/AwsLatency/bin/Release/net10.0/AwsLatency.dll

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:${port}"
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "$endpoint/moto-api/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then cat "$work/moto.log" >&2; echo "moto_server exited" >&2; exit 1; fi
  sleep 0.1
done
curl -fsS "$endpoint/moto-api/" >/dev/null

# The CLI and botocore get the same dummy credentials, region and endpoint as the client.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION="$region" AWS_ENDPOINT_URL="$endpoint"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""

echo "client: $client_calls calls after $warmup warm-up calls..." >&2
dotnet "$client_dll" --endpoint "$endpoint" --calls "$client_calls" --warmup "$warmup" \
  --cluster "$cluster" --service "$service" --setup >"$work/client.ms"

cli_call() { aws ecs describe-services --cluster "$cluster" --services "$service" --output json; }
cli_call | grep -q "\"serviceName\": \"$service\"" || { echo "aws CLI did not describe the service" >&2; exit 1; }
echo "aws CLI: $cli_calls processes..." >&2
for _ in $(seq 1 "$cli_calls"); do
  start=$(date +%s%N)
  cli_call >/dev/null
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e6 }'
done >"$work/cli.ms"

echo "botocore: $cli_calls calls in one python process after $warmup warm-up calls..." >&2
python3 - "$cluster" "$service" "$cli_calls" "$warmup" >"$work/botocore.ms" <<'PY'
import sys, time
import botocore.session

cluster, service, calls, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ecs = botocore.session.get_session().create_client("ecs")  # endpoint, region, keys from the AWS_* variables
def describe():
    names = [s["serviceName"] for s in ecs.describe_services(cluster=cluster, services=[service])["services"]]
    assert names == [service], names
for _ in range(warmup):
    describe()
for _ in range(calls):
    start = time.perf_counter()
    describe()
    print(f"{(time.perf_counter() - start) * 1000:.3f}")
PY

client_p50=$(percentile 0.5 <"$work/client.ms")
client_p90=$(percentile 0.9 <"$work/client.ms")
cli_p50=$(percentile 0.5 <"$work/cli.ms")
cli_p90=$(percentile 0.9 <"$work/cli.ms")
boto_p50=$(percentile 0.5 <"$work/botocore.ms")
boto_p90=$(percentile 0.9 <"$work/botocore.ms")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

echo "DescribeServices against moto_server ($endpoint), per call in ms (nearest-rank percentiles):"
printf '  %-44s n=%-4s p50 %9s  p90 %9s\n' \
  "Deploy.Aws EcsClient (one process)" "$client_calls" "$client_p50" "$client_p90" \
  "aws ecs describe-services (one process each)" "$cli_calls" "$cli_p50" "$cli_p90" \
  "botocore in one process (no startup)" "$cli_calls" "$boto_p50" "$boto_p90"
echo "  ratio p50 aws CLI / client:               $(ratio "$cli_p50" "$client_p50")x"
echo "  ratio p50 botocore in-process / client:   $(ratio "$boto_p50" "$client_p50")x"
echo "  $(aws --version 2>&1); moto $(python3 -c 'import moto; print(moto.__version__)'); dotnet $(dotnet --version)"
