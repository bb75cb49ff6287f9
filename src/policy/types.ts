/**
 * The policy contract (DESIGN §2) and the evaluator's inputs and outputs (DESIGN §3).
 * Shared by the loader, the compiler, the evaluator, the CLI and the pipeline.
 */

export type PolicyMode = 'enforce' | 'audit';
export type Otherwise = 'manual' | 'reject';
export type DecisionKind = 'approve' | 'reject' | 'manual' | 'ignore';

/** A policy file as its author writes it, after schema validation (defaults not yet applied). */
export interface PolicyDocument {
  $schema?: string;
  name: string;
  description?: string;
  mode?: PolicyMode;
  targets: string[];
  visibility?: string[];
  autoApproval?: string[];
  trustedSubnets?: string[];
  trustedTenants?: string[];
  deny?: {
    subscriptions?: string[];
    tenants?: string[];
    subnets?: string[];
  };
  requestMessage?: string;
  connectionLimit?: number;
  otherwise?: Otherwise;
}

/** A validated policy together with where it came from, so every message can name the file. */
export interface LoadedPolicy {
  /** Path of the policy file as given to the loader (relative paths stay relative). */
  file: string;
  document: PolicyDocument;
}

/** The whole loaded set: what the compiler takes. */
export interface PolicySet {
  policies: LoadedPolicy[];
  /** Content hash of the set (see policy-revision.ts), recorded with every decision. */
  revision: string;
}

/**
 * One case to decide, exactly as DESIGN §3's `evaluate` input: ARM JSON as ARM returns it.
 * Everything is `unknown` on purpose: the evaluator must be total over junk.
 */
export interface EvaluationCase {
  connection: unknown;
  /** The consumer's private endpoint (GET {privateEndpointId}); absent or unreadable → subnet/IP rules cannot match. */
  privateEndpoint?: unknown;
  /** Why the endpoint is missing, for the reasons (e.g. "403 from ARM: cross-tenant"). */
  privateEndpointUnavailable?: string;
  /** Why a readable endpoint has no IP to match CIDRs against (e.g. its network interface answered 403). */
  ipAddressesUnavailable?: string;
  /** All connections of the target (siblings included), for `connectionLimit`. */
  targetConnections?: unknown[];
  /** Home tenant of the consumer subscription; absent → tenant rules cannot match. */
  consumerTenantId?: string;
}

export interface ShadowResult {
  policy: string;
  decision: DecisionKind;
  reasons: string[];
}

export interface Decision {
  connectionId: string;
  /** Target (provider resource ID) derived from the connection ID; null when the ID cannot be parsed. */
  target: string | null;
  decision: DecisionKind;
  /** The deciding enforce policy; null for `ignore` and when no policy governs. */
  policy: string | null;
  reasons: string[];
  /** Results of `audit`-mode policies that govern the target; never acted on. */
  shadow: ShadowResult[];
}

/** What a target's policies need from ARM beyond the connection itself, so the pipeline reads only that. */
export interface CaseRequirements {
  endpoint: boolean;
  tenant: boolean;
  targetConnections: boolean;
}
