#!/usr/bin/env bash
# The main job as a plain shell script with the docker CLI and the aws CLI, the way peers' pipelines do it:
# dotnet publish → docker build → aws ecr get-login-password | docker login → docker push →
# aws ecs register-task-definition → aws ecs update-service → aws ecs wait services-stable.
# It targets whatever the aws CLI is pointed at (bench/deploy.sh points it at the local cloud) and deploys into the
# platform ProvisionInfra created (stack outputs read with describe-stacks).
# Usage: bench/deploy-plain.sh <commit> [publish-dir]
# Prints "waited-until <epoch seconds>" when the waiter returned (bench/deploy.sh reads it), and per-step seconds on stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
commit="${1:?usage: bench/deploy-plain.sh <commit> [publish-dir]}"
publish="${2:-artifacts/publish/sample-service-plain}"
stack="${STACK_NAME:-deploy-platform}"
base_image="${BASE_IMAGE:-deploy-local/runtime-deps:10.0-debian12}"
region="${AWS_DEFAULT_REGION:?set AWS_DEFAULT_REGION (the aws CLI v1 reads it)}"
last=$(date +%s.%N)

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
repository_uri=$(output RepositoryUri)
cluster=$(output ClusterName)
service=$(output ServiceName)
log_group=$(output LogGroupName)
execution_role=$(output TaskExecutionRoleArn)
task_role=$(output TaskRoleArn)
registry="${repository_uri%%/*}"
image="$repository_uri:$commit"
version="${commit:0:12}"
step() { # per-step seconds on stderr: "step <name> <seconds>"
  local now
  now=$(date +%s.%N)
  awk -v n="$1" -v a="$last" -v b="$now" 'BEGIN { printf "step %s %.1f\n", n, b - a }' >&2
  last=$now
}
step outputs

dotnet publish src/Deploy.SampleService -c Release -r linux-x64 --self-contained -o "$publish" --nologo -v quiet
step publish
docker build -q -t "deploy/sample-service:$commit" \
  --build-arg "BASE_IMAGE=$base_image" --build-arg "SERVICE_VERSION=$version" --build-arg "SERVICE_COMMIT=$commit" \
  "$publish" >/dev/null
step build
docker tag "deploy/sample-service:$commit" "$image"
aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" >/dev/null
docker push -q "$image" >/dev/null
step login+push

taskdef=$(mktemp)
trap 'rm -f "$taskdef"' EXIT
# shellcheck disable=SC2016 # the variables envsubst replaces, literally
env IMAGE="$image" SERVICE_NAME="$service" TASK_ROLE_ARN="$task_role" EXECUTION_ROLE_ARN="$execution_role" \
  VERSION="$version" COMMIT="$commit" LOG_GROUP="$log_group" REGION="$region" \
  envsubst '${IMAGE} ${SERVICE_NAME} ${TASK_ROLE_ARN} ${EXECUTION_ROLE_ARN} ${VERSION} ${COMMIT} ${LOG_GROUP} ${REGION}' \
  <deploy/taskdef.json >"$taskdef"
arn=$(aws ecs register-task-definition --cli-input-json "file://$taskdef" \
  --query taskDefinition.taskDefinitionArn --output text)
step register
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$arn" >/dev/null
step update-service
aws ecs wait services-stable --cluster "$cluster" --services "$service"
step wait-services-stable
echo "waited-until $(date +%s.%N)"
echo "deployed $arn"
