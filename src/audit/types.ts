/**
 * The audit record (DESIGN §6) and the store contract shared by the JSON Lines file store and the
 * Azure Table Storage store.
 *
 * Exactly-once: a decision that writes to ARM first *claims* its idempotency key
 * (connection ID + the etag read) by inserting the intent record. Only the claimer writes to ARM,
 * then completes the same record with the outcome. Records that write nothing to ARM (dry run,
 * audit mode, drift reports, manual decisions) are *appended* and never claim, so a dry run
 * followed by a real run still acts.
 */
import type { FactSources } from '../arm/read-consumer-facts.js';
import type { DecisionKind, ShadowResult } from '../policy/types.js';

export type AuditTrigger =
  | { type: 'event'; eventId: string; eventType: string }
  | { type: 'sweep' }
  | { type: 'cli' }
  /** `linkgate approve|reject`: who decided and why; `override` when it overrode a policy's explicit reject. */
  | { type: 'human'; principal: string; reason: string; override?: boolean }
  /** A connection linkgate left for manual review, found decided outside linkgate. */
  | { type: 'observed' };

export type ActionStatus =
  /** Intent written, ARM write not yet finished (or the process died in between). */
  | 'pending'
  /** ARM now shows the decided status. */
  | 'succeeded'
  /** ARM refused or failed; `error` says why. */
  | 'failed'
  /** Nothing to write: manual, dry run, audit mode, drift report. */
  | 'skipped'
  /** The connection was no longer Pending / the etag moved: someone else decided. */
  | 'superseded';

export interface AuditAction {
  status: ActionStatus;
  httpStatus?: number;
  armRequestId?: string;
  /** What went wrong (failed, or a released claim's last attempt). */
  error?: string;
  /** How a success or a supersession was established (e.g. confirmed by a re-read); never an error. */
  note?: string;
  /**
   * With status 'pending': the last write did not land and the claim is released; a reconcile
   * retries it once `leaseUntil` has passed ("failed, released").
   */
  released?: boolean;
}

export interface AuditRecord {
  id: string;
  /** ISO 8601 time the decision was taken. */
  time: string;
  trigger: AuditTrigger;
  target: string;
  connectionId: string;
  privateEndpointId: string;
  consumerSubscriptionId: string;
  consumerTenantId?: string;
  subnetId?: string;
  ipAddresses?: string[];
  requestMessage: string;
  /**
   * Where the consumer facts came from (DESIGN §9): IPs from the endpoint or its network interface,
   * the request message from the provider side or the consumer endpoint, or why there is none
   * ('unreadable': 403/404; 'not-read': no policy needed it; 'none': read, and not there).
   */
  factSources?: FactSources;
  previousStatus: string;
  decision: DecisionKind;
  /** False in audit mode, dry run, and for drift reports that are not acted on. */
  enforced: boolean;
  policy: string | null;
  reasons: string[];
  shadow: ShadowResult[];
  policyRevision: string;
  action: AuditAction;
  durationMs: number;
  /** connection ID (lower case) + '|' + the etag read. */
  idempotencyKey: string;
  /** The etag read when deciding ('' for types whose connections carry none). */
  etag?: string;
  /** ARM writes under this record that did not land; at the retry policy's limit the decision is given up. */
  failedWrites?: number;
  /** Set when an ARM write was claimed: when the claim expires and may be taken over (ISO 8601). */
  leaseUntil?: string;
  /** Free-form kind for records that are not plain decisions, e.g. 'drift'. */
  kind?: 'decision' | 'drift';
}

export type ClaimResult =
  | { claimed: true; record: AuditRecord }
  | { claimed: false; existing: AuditRecord };

export interface AuditQuery {
  since?: Date;
  decision?: DecisionKind;
  /** ARM ID pattern with the policies' rules (src/ids/id-pattern.ts) matched against `target`. */
  target?: string;
  policy?: string;
  limit?: number;
}

export interface AuditStore {
  /** Inserts the intent record unless a record with the same idempotency key exists. */
  claim(intent: AuditRecord): Promise<ClaimResult>;
  /**
   * Takes over an expired claim (its `leaseUntil` is in the past) atomically: exactly one caller
   * gets `true` and the record with a fresh lease; the others get `false`.
   */
  takeOver(existing: AuditRecord, leaseUntil: Date): Promise<{ taken: true; record: AuditRecord } | { taken: false }>;
  /** Completes a claimed record with its outcome (action and duration). */
  complete(record: AuditRecord): Promise<void>;
  /** Writes a record that claims nothing. */
  append(record: AuditRecord): Promise<void>;
  /**
   * Writes a record that claims nothing unless one with the same equivalence key
   * (equivalence-key.ts) is already stored, atomically: of two racing workers, one writes.
   * Returns whether this call wrote it.
   */
  appendOnce(record: AuditRecord): Promise<boolean>;
  /** Records for one idempotency key, oldest first. */
  findByKey(idempotencyKey: string): Promise<AuditRecord[]>;
  /**
   * Claimed records whose action is still 'pending' (crash between intent and outcome): of one
   * target (case-insensitive), or of every target when none is given, so the sweep can revisit
   * targets whose claims were orphaned even though nothing on them is Pending any more.
   */
  incomplete(target?: string): Promise<AuditRecord[]>;
  get(id: string): Promise<AuditRecord | undefined>;
  /** Newest first. */
  query(filter: AuditQuery): AsyncIterable<AuditRecord>;
  close(): Promise<void>;
}
