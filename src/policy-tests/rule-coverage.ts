/**
 * Rule coverage of policy tests (as `opa test --coverage`, per rule rather than per line): which
 * rules of each policy decided some test case. A rule counts when a policy's verdict for a case
 * came from it: deny or visibility rejected, an approval rule approved (or found the approval a
 * requestMessage or connectionLimit then held), or `otherwise` applied.
 */
import type { PolicyVerdict } from '../policy/evaluate.js';
import type { PolicyDocument } from '../policy/types.js';

export const COVERAGE_RULES = ['deny', 'visibility', 'autoApproval', 'trustedSubnets (subnet ID)', 'trustedSubnets (CIDR)', 'trustedTenants', 'requestMessage', 'connectionLimit', 'otherwise'] as const;
export type CoverageRule = (typeof COVERAGE_RULES)[number];

export interface PolicyCoverage {
  policy: string;
  file: string;
  /** The rules this policy defines, each with whether some case exercised it. */
  rules: Array<{ rule: CoverageRule; covered: boolean }>;
  /** Cases in which this policy gave a verdict (it governed the case's target). */
  cases: number;
}

/** The rules a policy defines (otherwise always: it is the default when no rule applies). */
export function rulesOf(policy: PolicyDocument): CoverageRule[] {
  const rules: CoverageRule[] = [];
  const deny = policy.deny ?? {};
  if ((deny.subscriptions?.length ?? 0) + (deny.tenants?.length ?? 0) + (deny.subnets?.length ?? 0) > 0) rules.push('deny');
  if (policy.visibility !== undefined && !policy.visibility.includes('*')) rules.push('visibility');
  if ((policy.autoApproval?.length ?? 0) > 0) rules.push('autoApproval');
  const subnets = policy.trustedSubnets ?? [];
  if (subnets.some((s) => s.startsWith('/'))) rules.push('trustedSubnets (subnet ID)');
  if (subnets.some((s) => !s.startsWith('/'))) rules.push('trustedSubnets (CIDR)');
  if ((policy.trustedTenants?.length ?? 0) > 0) rules.push('trustedTenants');
  if (policy.requestMessage !== undefined) rules.push('requestMessage');
  if (policy.connectionLimit !== undefined) rules.push('connectionLimit');
  rules.push('otherwise');
  return rules;
}

/**
 * The rules one verdict exercised, read from its reasons. The evaluator words each reason with
 * the rule's field name first (`deny.subnets: …`, `trustedSubnets: endpoint IP … is in …`).
 */
export function rulesExercised(verdict: PolicyVerdict): CoverageRule[] {
  const rules = new Set<CoverageRule>();
  for (const reason of verdict.reasons) {
    if (/^deny\.(subscriptions|tenants|subnets): /u.test(reason)) rules.add('deny');
    else if (reason.startsWith('visibility: ')) rules.add('visibility');
    else if (reason.startsWith('autoApproval: ')) rules.add('autoApproval');
    else if (reason.startsWith('trustedSubnets: endpoint IP ')) rules.add('trustedSubnets (CIDR)');
    else if (reason.startsWith('trustedSubnets: endpoint subnet ')) rules.add('trustedSubnets (subnet ID)');
    else if (reason.startsWith('trustedTenants: ')) rules.add('trustedTenants');
    else if (reason.startsWith('requestMessage: ')) rules.add('requestMessage');
    else if (/^connectionLimit \d+ reached/u.test(reason)) rules.add('connectionLimit');
    else if (reason.startsWith('otherwise: ')) rules.add('otherwise');
  }
  return [...rules];
}

export class CoverageTracker {
  private readonly exercised = new Map<string, Set<CoverageRule>>();
  private readonly caseCounts = new Map<string, number>();

  record(verdicts: readonly PolicyVerdict[]): void {
    for (const verdict of verdicts) {
      const set = this.exercised.get(verdict.policy) ?? new Set<CoverageRule>();
      for (const rule of rulesExercised(verdict)) set.add(rule);
      this.exercised.set(verdict.policy, set);
      this.caseCounts.set(verdict.policy, (this.caseCounts.get(verdict.policy) ?? 0) + 1);
    }
  }

  report(policies: ReadonlyArray<{ file: string; document: PolicyDocument }>): PolicyCoverage[] {
    return policies.map(({ file, document }) => {
      const seen = this.exercised.get(document.name) ?? new Set<CoverageRule>();
      return { policy: document.name, file, cases: this.caseCounts.get(document.name) ?? 0, rules: rulesOf(document).map((rule) => ({ rule, covered: seen.has(rule) })) };
    });
  }
}
