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

export interface SetStatusResult {
  /** The connection re-read after the write (and after polling a long-running operation). */
  connection: ArmConnection | undefined;
  /** HTTP status of the PUT/POST that carried the decision. */
  httpStatus: number;
  armRequestId?: string;
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
   * Approves or rejects with If-Match of the etag read. Throws ArmError; status 412 means the
   * connection changed under us: re-read and decide again.
   */
  setConnectionStatus(request: SetStatusRequest): Promise<SetStatusResult>;
  /** Home tenant from the unauthenticated 401 WWW-Authenticate answer; cached. undefined if unknown. */
  homeTenantOf(subscriptionId: string): Promise<string | undefined>;
  /** Resource Graph query, every page. */
  queryResourceGraph(request: ResourceGraphRequest): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}
