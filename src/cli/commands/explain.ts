/** `linkgate explain`: one decision with its full reasoning, every governing policy's verdict included. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LinkgateError, messageOf } from '../../errors/linkgate-error.js';
import { evaluationInputShapeError } from '../evaluation-input-shape.js';
import type { EvaluationCase } from '../../policy/types.js';
import { escapeForTerminal } from '../render-table.js';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';

export const HELP = `Usage: linkgate explain --connection FILE [--endpoint FILE] [--target-connections FILE]
                        [--tenant GUID] [--policies DIR] [--json]

Decides one connection and shows why: the decision, the deciding policy, every reason, each
governing policy's own verdict (enforce and audit) and what the policies needed from ARM.

Files hold ARM JSON exactly as ARM returns it; an ARM REST example file
({"responses": {"200": {"body": ...}}}) is accepted too.

Options:
  --connection FILE          the privateEndpointConnection (required)
  --endpoint FILE            the consumer's private endpoint (for trustedSubnets and deny.subnets)
  --target-connections FILE  the target's connections, an array or {"value": [...]} (for connectionLimit)
  --tenant GUID              the consumer subscription's home tenant (for trustedTenants and deny.tenants)
  --policies DIR             policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --json                     {"decision", "verdicts", "requirements"} as JSON
  --help                     this help

Exit codes: 0 explained, 1 unreadable input or invalid policies, 2 bad usage.
`;

/** Reads ARM JSON from a file, unwrapping REST example files. */
export async function readArmJson(file: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new LinkgateError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { hint: 'check the path' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LinkgateError(`${file} is not valid JSON: ${messageOf(error)}`, { hint: 'save the ARM response body as it was returned' });
  }
  const responses = (value as { responses?: Record<string, { body?: unknown }> } | null)?.responses;
  if (typeof responses === 'object' && responses !== null) {
    const body = responses['200']?.body ?? responses['201']?.body ?? Object.values(responses)[0]?.body;
    if (body !== undefined) return body;
  }
  return value;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    connection: { type: 'string' },
    endpoint: { type: 'string' },
    'target-connections': { type: 'string' },
    tenant: { type: 'string' },
    policies: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (values.connection === undefined) throw new UsageError('--connection FILE is required');
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { evaluateWithDetail }, { targetOfConnectionId }] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../policy/evaluate.js'),
    import('../../ids/arm-id.js'),
  ]);
  const compiled = compilePolicies(await loadPolicySetOrThrow(path.resolve(io.cwd, policyDir(values.policies, io))));
  const input: EvaluationCase = { connection: await readArmJson(values.connection, io.cwd) };
  if (values.endpoint !== undefined) input.privateEndpoint = await readArmJson(values.endpoint, io.cwd);
  else input.privateEndpointUnavailable = 'no --endpoint given';
  if (values['target-connections'] !== undefined) {
    const list = await readArmJson(values['target-connections'], io.cwd);
    const items = Array.isArray(list) ? list : (list as { value?: unknown } | null)?.value;
    if (!Array.isArray(items)) throw new LinkgateError(`${values['target-connections']} holds neither an array nor {"value": [...]}`, { hint: 'save the list response of GET {target}/privateEndpointConnections' });
    input.targetConnections = items;
  }
  if (values.tenant !== undefined) input.consumerTenantId = values.tenant;
  const shape = evaluationInputShapeError(input as unknown as Record<string, unknown>);
  if (shape !== undefined) throw new UsageError(shape.replace('"connection"', `--connection ${values.connection}`).replace('"privateEndpoint"', `--endpoint ${values.endpoint ?? ''}`).replace('"consumerTenantId"', `--tenant ${JSON.stringify(values.tenant)}`));

  const { decision, verdicts } = evaluateWithDetail(compiled, input);
  const target = targetOfConnectionId(decision.connectionId);
  const requirements = target.ok ? compiled.requirements(target.id.key) : null;
  if (values.json === true) {
    io.stdout.write(JSON.stringify({ decision, verdicts, requirements, policyRevision: compiled.revision }, null, 2) + '\n');
    return EXIT_OK;
  }
  const out: string[] = [];
  const safe = escapeForTerminal;
  out.push(`connection  ${safe(decision.connectionId || '(none)')}`);
  out.push(`target      ${safe(decision.target ?? '(not a connection ID)')}`);
  out.push(`decision    ${decision.decision.toUpperCase()}${decision.policy === null ? '' : ` by policy '${decision.policy}'`}`);
  out.push('reasons');
  for (const reason of decision.reasons) out.push(`  - ${safe(reason)}`);
  if (verdicts.length > 0) {
    out.push('policies that govern the target');
    for (const v of verdicts) {
      out.push(`  ${v.policy} (${v.mode}): ${v.decision}`);
      for (const reason of v.reasons) out.push(`      ${safe(reason)}`);
    }
  }
  if (decision.shadow.length > 0) out.push(`shadow (audit mode, never written): ${decision.shadow.map((s) => `${s.policy}=${s.decision}`).join(', ')}`);
  if (requirements !== null && (requirements.endpoint || requirements.tenant || requirements.targetConnections)) {
    const needed = [requirements.endpoint ? 'the consumer endpoint (--endpoint)' : '', requirements.tenant ? 'the consumer tenant (--tenant)' : '', requirements.targetConnections ? "the target's connections (--target-connections)" : ''].filter(Boolean);
    out.push(`inputs these policies use: ${needed.join(', ')}`);
  }
  out.push(`policy revision ${compiled.revision}`);
  io.stdout.write(out.join('\n') + '\n');
  return EXIT_OK;
}
