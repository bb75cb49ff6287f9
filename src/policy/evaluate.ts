/**
 * The decision for one connection (DESIGN §2), pure and total: any input, however malformed,
 * yields a Decision and never an exception, and nothing is approved on missing data.
 *
 * Each governing policy gives a verdict (policy-verdict.ts); across enforce policies:
 * explicit reject > approve > otherwise-reject > manual. Audit policies only shadow.
 *
 * One decision reads the connection once, resolves its target through the compiled set's memo
 * (the connection ID is parsed in full only for a target not seen before), and reads any other
 * fact only when a governing policy asks for it (case-context.ts). Issue 12 asked for 1 M
 * decisions/s on distinct cases: the path allocates the context, the verdicts and the Decision,
 * and little else (test/policy/evaluate-oracle.property.test.ts holds the results to the old ones).
 */
import type { CompiledPolicySet } from './compile-policies.js';
import { CaseContext } from './case-context.js';
import { isPendingStatus, record, text } from './connection-facts.js';
import { evaluatePolicy, type PolicyVerdict } from './policy-verdict.js';
import { overrides } from './reason-text.js';
import type { Decision, EvaluationCase, ShadowResult } from './types.js';

export type { PolicyVerdict } from './policy-verdict.js';

function ignore(connectionId: string, target: string | null, reason: string, shadow: ShadowResult[] = []): Decision {
  return { connectionId, target, decision: 'ignore', policy: null, reasons: [reason], shadow };
}

export interface EvaluationDetail {
  decision: Decision;
  /** Every governing policy's verdict (enforce and audit), in name order. */
  verdicts: PolicyVerdict[];
}

/** The decision plus every policy's verdict, for `linkgate explain`. */
export function evaluateWithDetail(compiled: CompiledPolicySet, input: EvaluationCase): EvaluationDetail {
  const verdicts: PolicyVerdict[] = [];
  return { decision: decide(compiled, input, verdicts), verdicts };
}

export function evaluate(compiled: CompiledPolicySet, input: EvaluationCase): Decision {
  return decide(compiled, input, undefined);
}

function decide(compiled: CompiledPolicySet, input: EvaluationCase, collect: PolicyVerdict[] | undefined): Decision {
  if (typeof input !== 'object' || input === null) return ignore('', null, 'the case is not an object');
  // The connection's fields are read here as each is needed, as connectionFacts reads them, without its object.
  const connection = record(input.connection);
  const connectionId = text(connection?.['id']);
  if (connectionId === undefined) return ignore('', null, 'the connection has no id');
  const resolution = compiled.resolveConnection(connectionId);
  if ('error' in resolution) return ignore(connectionId, null, `the connection ID is not a private endpoint connection of a resource: ${resolution.error}`);
  const { target, plan } = resolution;
  const properties = record(connection!['properties']);
  const state = record(properties?.['privateLinkServiceConnectionState']);
  const status = text(state?.['status']);
  if (!isPendingStatus(status)) {
    return ignore(connectionId, target, `the connection is ${status === undefined ? 'without a status' : status}, not Pending: nothing to decide`);
  }
  if (plan.enforce.length === 0 && plan.audit.length === 0) return ignore(connectionId, target, `no policy governs ${target}`);

  const endpointId = text(record(properties!['privateEndpoint'])?.['id']);
  const ctx = new CaseContext(input, compiled.subscriptions, connectionId, endpointId, text(state!['description']) ?? '', target);

  const shadow: ShadowResult[] = [];
  for (const policy of plan.audit) {
    const v = evaluatePolicy(policy, ctx);
    collect?.push(v);
    shadow.push({ policy: v.policy, decision: v.decision, reasons: v.reasons });
  }
  if (plan.enforce.length === 0) return ignore(connectionId, target, `no enforce policy governs ${target} (audit-mode policies only)`, shadow);

  let best: PolicyVerdict | undefined;
  let overridden: PolicyVerdict | undefined;
  for (const policy of plan.enforce) {
    const v = evaluatePolicy(policy, ctx);
    collect?.push(v);
    if (best === undefined || v.rank > best.rank) {
      if (best !== undefined && best.rank >= 2) overridden = best;
      best = v;
    } else if (overridden === undefined && v.rank >= 2 && v.rank < best.rank) {
      overridden = v;
    }
  }
  const winner = best as PolicyVerdict;
  const reasons = overridden === undefined ? winner.reasons : [...winner.reasons, overrides(overridden.decision, overridden.policy)];
  return { connectionId, target, decision: winner.decision, policy: winner.policy, reasons, shadow };
}
