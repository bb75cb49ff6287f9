/**
 * Test oracle: the evaluator as it was before issue 12's evaluation work (main at 9dc7840),
 * copied unchanged but for resolving the target by a full parse instead of the compiled set's
 * memo. It decides on a set compiled by this folder's copy of the compiler at 9dc7840 (see
 * compile-policies.ts here, and do not "fix" anything in this folder). The differential test
 * (evaluate-oracle.property.test.ts) checks that the evaluator in src/ gives deep-equal results
 * on every generated case and policy set.
 */
import type { CompiledPolicySet } from './compile-policies.js';
import { targetOfConnectionId } from './arm-id.js';
import { CaseContext } from './case-context.js';
import { connectionFacts } from './connection-facts.js';
import { evaluatePolicy, type PolicyVerdict } from './policy-verdict.js';
import { overrides } from './reason-text.js';
import type { Decision, EvaluationCase, ShadowResult } from '../../../src/policy/types.js';

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
  const facts = connectionFacts(input.connection);
  const connectionId = facts.connectionId;
  if (connectionId === undefined) return ignore('', null, 'the connection has no id');
  // The slow path by definition: a full parse of every ID, no memo (the evaluator under test has one).
  const parsed = targetOfConnectionId(connectionId);
  if (!parsed.ok) return ignore(connectionId, null, `the connection ID is not a private endpoint connection of a resource: ${parsed.error}`);
  const target = parsed.id.text;
  const plan = compiled.plan(parsed.id.key);
  if (!facts.isPending) {
    return ignore(connectionId, target, `the connection is ${facts.status === undefined ? 'without a status' : facts.status}, not Pending: nothing to decide`);
  }
  if (plan.enforce.length === 0 && plan.audit.length === 0) return ignore(connectionId, target, `no policy governs ${target}`);

  const ctx = new CaseContext(input, connectionId, facts.consumerSubscriptionId, facts.requestMessage, target);

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
