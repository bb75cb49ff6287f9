/**
 * What the pipeline, the sweep and the intake need from Azure Resource Manager.
 * Implemented by `createArmClient` (arm-client.ts) over undici; faked in unit tests by injecting
 * an undici dispatcher, and exercised against the local ARM emulator in integration tests.
 */

/** A private endpoint connection as ARM returns it (fields vary by provider; keep it loose). */
export interface ArmConnection {
  id: string;
  name?: string;
  type?: string;
  etag?: string;
  properties?: {
    privateEndpoint?: { id?: string };
    privateLinkServiceConnectionState?: {
      status?: string;
      description?: string;
      actionsRequired?: string;
      /** Storage spells it this way. */
      actionRequired?: string;
    };
    provisioningState?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type EndpointRead =
  | { readable: true; endpoint: Record<string, unknown> }
  /** 403/404 (typically cross-tenant): not an error, the subnet/IP conditions just cannot match. */
  | { readable: false; httpStatus: number; reason: string };

/** The consumer endpoint's network interface, where Azure keeps its private IP (DESIGN §9). */
export type NetworkInterfaceRead =
  | { readable: true; networkInterface: Record<string, unknown> }
  /** 403/404: the IP conditions cannot match; never an approval. */
  | { readable: false; httpStatus: number; reason: string };

export type ConnectionStatus = 'Approved' | 'Rejected';

export interface SetStatusRequest {
  /** The connection as read (its id, etag and privateEndpoint are sent back). */
  connection: ArmConnection;
  status: ConnectionStatus;
  /** Written to privateLinkServiceConnectionState.description (length-capped by the client). */
  description: string;
}

/**
 * How a write to ARM ended, as far as the client can tell. The exactly-once protocol decides
 * from it whether the decision may be written again:
 * - `succeeded`: ARM shows the wanted status and the operation is over. Never write it again.
 * - `in-progress`: ARM took the write and is still carrying it out after the client's bounded
 *   wait (operation InProgress, provisioningState Updating, status Approving/Rejecting/
 *   Disconnecting: Web/sites for ~45 s, API Management for minutes). Transient: keep the claim,
 *   revisit the connection later and read it; do not write again while it may still land, and
 *   never record it as failed.
 * - `not-landed`: ARM answered and refused (a 4xx/5xx error, thrown as ArmError and classified by
 *   `writeOutcomeOfError`), or the operation ended Failed/Canceled, or the connection settled on
 *   another status. The connection is as it was: the decision may be released and retried
 *   (`transient` says whether retrying soon can help, e.g. 429/5xx/409 conflicts; `code` is ARM's).
 *   `code: 'PreconditionFailed'` (412) means the etag moved: read again and decide again.
 * - `unknown`: no answer (connection reset, timeout): the write may or may not have landed.
 *   Read the connection before any retry; keep the claim until the write could have finished.
 */
export type WriteOutcome =
  | { kind: 'succeeded' }
  | { kind: 'in-progress'; reason: string }
  | { kind: 'not-landed'; reason: string; transient: boolean; httpStatus?: number; code?: string }
  | { kind: 'unknown'; reason: string };

export interface SetStatusResult {
  /** The connection re-read after the write (and after polling a long-running operation). */
  connection: ArmConnection | undefined;
  /** HTTP status of the PUT/PATCH/POST that carried the decision. */
  httpStatus: number;
  armRequestId?: string;
  /** Never `unknown` here: a write without an answer throws (see `writeOutcomeOfError`). */
  outcome: WriteOutcome;
}

export interface ResourceGraphRequest {
  query: string;
  subscriptions?: string[];
  managementGroups?: string[];
  /** Page size ($top); the client follows $skipToken. */
  pageSize?: number;
}

export interface ArmClient {
  /** Every connection of a provider resource (paging, or the parent's properties, per type). */
  listConnections(targetId: string): Promise<ArmConnection[]>;
  getConnection(connectionId: string): Promise<ArmConnection | undefined>;
  getPrivateEndpoint(privateEndpointId: string): Promise<EndpointRead>;
  /** GET of a consumer endpoint's network interface (`properties.networkInterfaces[].id`). */
  getNetworkInterface(networkInterfaceId: string): Promise<NetworkInterfaceRead>;
  /**
   * Approves or rejects the way the type takes it (resource-type-data.ts: PUT, PATCH or AOSM's
   * POST; only the fields its spec accepts; If-Match with the etag read, only when the connection
   * carries one: a write without it is not retried after a lost answer), follows the operation to its end within a bounded number of polls,
   * and reads the connection again. Returns `outcome` succeeded, in-progress or not-landed; throws
   * ArmError when ARM refused or did not answer (`writeOutcomeOfError` classifies it; 412 means
   * the connection changed under us: re-read and decide again), and NotApprovableTypeError for
   * types whose connections ARM cannot write.
   */
  setConnectionStatus(request: SetStatusRequest): Promise<SetStatusResult>;
  /** Home tenant from the unauthenticated 401 WWW-Authenticate answer; cached. undefined if unknown. */
  homeTenantOf(subscriptionId: string): Promise<string | undefined>;
  /** Resource Graph query, every page. */
  queryResourceGraph(request: ResourceGraphRequest): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}
