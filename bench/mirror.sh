#!/usr/bin/env bash
# Incremental mirror of 1 new commit on a repository with 1,000 commits, to the same loopback git smart-HTTP endpoint
# (git-http-backend behind Basic auth: tests/Deploy.Delivery.Tests/Mirror/git_http_server.py, accepting both the
# CodeCommit SigV4 password and a static credential), measured in the same run:
#   mirror-sigv4    GitMirror in-process (bench/MirrorBench, Release), SigV4-derived password
#   mirror-static   GitMirror in-process, static credential
#   mirror-preempt  GitMirror in-process, SigV4, PreemptiveAuth (credentials on the first request: no 401 probes)
#   push --mirror   plain `git push --mirror` with the static credential in the URL (one git process)
#   ./build.sh Mirror  the whole build CLI per run (.NET start, engine, AWS session, GitMirror), as users run it
#                      (preemptive auth is the default) and with `--mirror-preemptive-auth false` (401 probes), vs
#                      push --mirror
# Usage: bench/mirror.sh [iterations] [cli-runs]   (defaults 15 and 5; 3 warm-up iterations)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
iterations="${1:-15}"
cli_runs="${2:-5}"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Built before HOME moves below: a restore under another HOME would point the projects' obj/ at a package folder
# that is deleted with $work, breaking the next build of the checkout.
echo "building bench/MirrorBench (Release)..." >&2
dotnet build bench/MirrorBench/MirrorBench.csproj -c Release -nologo -v q >/dev/null
./build.sh --help >/dev/null # compiles the build CLI once, outside the timings

export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.test GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.test
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=AKIABENCHMIRROR0001 AWS_SECRET_ACCESS_KEY=benchSecretKey/0001 AWS_SESSION_TOKEN=benchSessionToken0001 AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export BENCH_GIT_USERNAME=bench-user BENCH_GIT_PASSWORD=bench-static-password-0001
export EXPECTED_USERNAME="$BENCH_GIT_USERNAME" EXPECTED_PASSWORD="$BENCH_GIT_PASSWORD"

median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m }'; }
now_ns() { date +%s%N; }


# The source: 1,000 commits on main, 4 more branches and 10 tags, written with git fast-import.
source="$work/source"
git init -q -b main "$source"
python3 - <<'PY' | git -C "$source" fast-import --quiet
import sys
out = []
for n in range(1, 1001):
    msg = f"commit {n}\n".encode()
    body = f"line {n}\n".encode()
    out.append(b"commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.test> %d +0000\ndata %d\n%s" % (n, 1700000000 + n, len(msg), msg))
    if n > 1:
        out.append(b"from :%d\n" % (n - 1))
    out.append(b"M 644 inline file%d.txt\ndata %d\n%s\n" % (n % 50, len(body), body))
for b in range(4):
    out.append(b"reset refs/heads/branch-%d\nfrom :%d\n\n" % (b, 200 * (b + 1)))
for t in range(10):
    out.append(b"reset refs/tags/v%d\nfrom :%d\n\n" % (t, 100 * (t + 1)))
sys.stdout.buffer.write(b"".join(out))
PY
git -C "$source" reset -q --hard main
echo "source: $(git -C "$source" rev-list --count main) commits on main, $(git -C "$source" for-each-ref | wc -l) refs" >&2

served="$work/served"
for name in bench-sigv4 bench-static bench-preempt plain cli-ours cli-plain; do
  git init -q --bare "$served/v1/repos/$name"
  git -C "$source" push -q --mirror "file://$served/v1/repos/$name"
done

python3 tests/Deploy.Delivery.Tests/Mirror/git_http_server.py serve --root "$served" --auth both --region us-east-1 >"$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '{ print $2 }' "$work/port")
base="http://127.0.0.1:${port}/v1/repos"

echo "== in-process (same run, rotating order) ==" 
dotnet bench/MirrorBench/bin/Release/net10.0/MirrorBench.dll "$source" "$base/bench" "$base/plain" "$iterations" 3

echo "== whole CLI per run: ./build.sh Mirror (SigV4) vs git push --mirror, $cli_runs runs each =="
ours=()
preempt=()
theirs=()
plain_url="http://${BENCH_GIT_USERNAME}:${BENCH_GIT_PASSWORD}@127.0.0.1:${port}/v1/repos/cli-plain"
git init -q --bare "$served/v1/repos/cli-preempt"
git -C "$source" push -q --mirror "file://$served/v1/repos/cli-preempt"
# --code-commit-url names the target, so the platform's outputs (ProvisionInfra) are not needed.
cli() { ./build.sh Mirror --skip ProvisionInfra --root "$source" --cloud Aws --aws-region us-east-1 "$@" >"$work/cli.log" 2>&1 || { cat "$work/cli.log"; exit 1; }; }
for i in $(seq 1 "$cli_runs"); do
  git -C "$source" commit -q --allow-empty -m "cli $i"
  start=$(now_ns)
  cli --code-commit-url "$base/cli-ours"
  ours+=($(( ($(now_ns) - start) / 1000000 )))
  start=$(now_ns)
  cli --code-commit-url "$base/cli-preempt" --mirror-preemptive-auth false
  preempt+=($(( ($(now_ns) - start) / 1000000 )))
  start=$(now_ns)
  git -C "$source" push -q --mirror "$plain_url"
  theirs+=($(( ($(now_ns) - start) / 1000000 )))
done
grep -q "1 ref: refs/heads/main" "$work/cli.log" || { cat "$work/cli.log"; exit 1; }
o=$(printf '%s\n' "${ours[@]}" | median)
p=$(printf '%s\n' "${preempt[@]}" | median)
t=$(printf '%s\n' "${theirs[@]}" | median)
echo "./build.sh Mirror p50 ms:                          $o"
echo "./build.sh Mirror, 401 probes p50 ms:              $p"
echo "git push --mirror p50 ms:                          $t"
awk -v a="$o" -v c="$p" -v b="$t" 'BEGIN { printf "ratios:                                            %.2f, %.2f\n", a / b, c / b }'
