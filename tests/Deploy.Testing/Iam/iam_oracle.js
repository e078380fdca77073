// Evaluates a corpus of IAM requests with @cloud-copilot/iam-simulate (nobody here wrote it), in one process.
// stdin: [{ "id", "policies": [{ "name", "document" }], "principal", "action", "resource", "context": { key: [values] } }]
// stdout: [{ "id", "decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error", "detail" }]
'use strict';
const { runSimulation } = require('@cloud-copilot/iam-simulate');

function account(arn) {
  const parts = arn.split(':');
  return parts.length >= 5 && /^\d{12}$/.test(parts[4]) ? parts[4] : null;
}

async function evaluate(c) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: account(c.resource) || account(c.principal) },
      contextVariables: Object.fromEntries(Object.entries(c.context || {}).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
    },
    identityPolicies: c.policies.map((p) => ({ name: p.name, policy: JSON.parse(p.document) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    return { id: c.id, decision: 'Error', detail: result.errors.message + ' ' + JSON.stringify(result.errors) };
  }
  const single = result.resultType === 'single' ? result.result : result.results[0];
  const ignored = (single && single.ignoredContextKeys) || [];
  return { id: c.id, decision: result.overallResult, detail: ignored.length ? 'ignored context keys: ' + ignored.join(', ') : '' };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const out = [];
  for (const c of JSON.parse(input)) {
    try {
      out.push(await evaluate(c));
    } catch (e) {
      out.push({ id: c.id, decision: 'Error', detail: String(e && e.stack ? e.stack : e) });
    }
  }
  process.stdout.write(JSON.stringify(out));
});
