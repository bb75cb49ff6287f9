/** Injectable faults: which rule a request matches, the seeded dice that decide it, and the answer a status fault gives. */
import { armError, type Answer } from './arm-answer.js';
import { seededRandom } from './seeded-random.js';

/** What a request does, for fault rules and the request log. `list` includes `GET {target}` and AOSM listPrivateEndPoints. */
export type EmulatedOperation = 'list' | 'get' | 'endpoint' | 'tenant' | 'write' | 'poll' | 'graph' | 'other';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: number; code?: string }
  /** Destroys the socket without an answer (the client sees a connection reset). */
  | { kind: 'reset' }
  /** Waits, then answers normally. */
  | { kind: 'delay'; ms: number }
  /**
   * Holds the request until its client gives up (closes the connection), then carries it out: the
   * answer goes nowhere, but a write still lands, as a request in flight when its caller timed out
   * may still be applied (the straggler window of src/pipeline/write-lease.ts). Source: the Azure
   * Resource Manager RPC, "Common API Details", "Client Request Timeout" (github.com/Azure/
   * azure-resource-manager-rpc): ARM gives up on the provider after 60 s and answers the caller,
   * while the provider may go on to apply the request. Ordered by the
   * client's own timeout, not by a timer of the emulator's: a test need not guess which fires first.
   */
  | { kind: 'timeout' };

export interface FaultRule {
  match: { method?: string; pathIncludes?: string; operation?: EmulatedOperation };
  fault: Fault;
  /** Chance (0..1) that a matching request is hit, from the emulator's seeded PRNG. Default 1. */
  probability?: number;
  /** How many requests the rule may hit; default unlimited. */
  times?: number;
}

const MAX_DELAY_MS = 60_000;

function defaultFaultCode(status: number): string {
  switch (status) {
    case 429:
      return 'RetryableErrorDueToAnotherOperation';
    case 500:
      return 'InternalServerError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return 'InjectedFault';
  }
}

/** The ARM error a status fault answers with. */
export function faultAnswer(fault: Extract<Fault, { kind: 'status' }>): Answer {
  const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
  return armError(fault.status, fault.code ?? defaultFaultCode(fault.status), `Injected fault: HTTP ${fault.status}.`, headers);
}

/** How long a delay fault waits, clamped to 0..60 s. */
export function faultDelayMs(fault: Extract<Fault, { kind: 'delay' }>): number {
  return Math.min(Math.max(0, fault.ms), MAX_DELAY_MS);
}

export class FaultRules {
  private readonly dice: () => number;
  private rules: Array<FaultRule & { left: number }> = [];

  constructor(rules: FaultRule[], seed: number) {
    this.dice = seededRandom(seed);
    this.set(rules);
  }

  /** Replaces the rules (and their `times` budgets); the dice keep rolling from where they were. */
  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  /** The fault of the first matching rule with budget left whose dice hit, spending one of its `times`. */
  pick(method: string, path: string, operation: EmulatedOperation): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.match.method !== undefined && rule.match.method.toUpperCase() !== method) continue;
      if (rule.match.pathIncludes !== undefined && !path.toLowerCase().includes(rule.match.pathIncludes.toLowerCase())) continue;
      if (rule.match.operation !== undefined && rule.match.operation !== operation) continue;
      if (rule.probability !== undefined && this.dice() >= rule.probability) continue;
      rule.left--;
      return rule.fault;
    }
    return undefined;
  }
}
