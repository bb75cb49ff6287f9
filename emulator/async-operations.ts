/** ARM's asynchronous writes: 202 with Azure-AsyncOperation/Location headers, then polls that go InProgress → Succeeded. */
import { randomUUID } from 'node:crypto';
import { armError, subscriptionOfPath, type Answer } from './arm-answer.js';
import type { ProviderResource } from './world-types.js';

interface Operation {
  id: string;
  polls: number;
  startTime: string;
  endTime?: string;
  /** Lower-case connection IDs shown as provisioningState 'Updating' until the operation ends. */
  connectionKeys: string[];
  result: (() => Record<string, unknown>) | undefined;
}

export interface AsyncOperationOptions {
  now: () => number;
  /** InProgress answers an operation gives before Succeeded. */
  asyncPolls: number;
  /** Retry-After (seconds) on 202 answers and in-progress polls; undefined for none. */
  pollRetryAfterSeconds: number | undefined;
  /** The emulator's own URL, known only once it listens. */
  baseUrl: () => string;
}

export class AsyncOperations {
  private readonly operations = new Map<string, Operation>();
  /** Lower-case connection ID → the operation still updating it. */
  private readonly updating = new Map<string, string>();

  constructor(private readonly options: AsyncOperationOptions) {}

  isUpdating(connectionKey: string): boolean {
    return this.updating.has(connectionKey);
  }

  /**
   * Starts an operation over these connections; answers the headers to poll it by: `both`
   * (Azure-AsyncOperation and a Location answering 202 until the result), `async-operation` (only
   * Azure-AsyncOperation), or `location-status` (only Location, at the status resource that
   * answers 200 {"status": …}, as Azure Monitor private link scopes and AOSM do; DESIGN §9).
   */
  start(provider: ProviderResource, apiVersion: string, connectionKeys: string[], result: Operation['result'], via: 'both' | 'async-operation' | 'location-status' = 'both'): Record<string, string> {
    const id = randomUUID();
    const operation: Operation = { id, polls: 0, startTime: new Date(this.options.now()).toISOString(), connectionKeys, result };
    this.operations.set(id, operation);
    for (const key of connectionKeys) this.updating.set(key, id);
    const sub = subscriptionOfPath(provider.id) ?? '';
    const namespace = provider.type.split('/')[0] ?? 'Microsoft.Resources';
    const base = `${this.options.baseUrl()}/subscriptions/${sub}/providers/${namespace}/locations/${provider.location ?? 'westeurope'}`;
    const status = `${base}/operations/${id}?api-version=${apiVersion}`;
    const headers: Record<string, string> =
      via === 'location-status'
        ? { location: status }
        : via === 'async-operation'
          ? { 'azure-asyncoperation': status }
          : { 'azure-asyncoperation': status, location: `${base}/operationResults/${id}?api-version=${apiVersion}` };
    if (this.options.pollRetryAfterSeconds !== undefined) headers['retry-after'] = String(this.options.pollRetryAfterSeconds);
    return headers;
  }

  /** Answers a poll of the operation's status (Azure-AsyncOperation) or result (Location). */
  poll(operationId: string, which: 'status' | 'result', path: string, query: string): Answer {
    const operation = this.operations.get(operationId);
    if (operation === undefined) return armError(404, 'ResourceNotFound', `Operation '${operationId}' was not found.`);
    const done = operation.endTime !== undefined || operation.polls >= this.options.asyncPolls;
    operation.polls++;
    if (done && operation.endTime === undefined) {
      operation.endTime = new Date(this.options.now()).toISOString();
      for (const key of operation.connectionKeys) if (this.updating.get(key) === operationId) this.updating.delete(key);
    }
    const retry: Record<string, string> = this.options.pollRetryAfterSeconds === undefined ? {} : { 'retry-after': String(this.options.pollRetryAfterSeconds) };
    if (which === 'status') {
      return {
        status: 200,
        body: { id: path, name: operationId, status: done ? 'Succeeded' : 'InProgress', startTime: operation.startTime, ...(done ? { endTime: operation.endTime } : {}) },
        headers: done ? {} : retry,
      };
    }
    if (!done) return { status: 202, headers: { location: `${this.options.baseUrl()}${path}${query}`, ...retry } };
    const result = operation.result?.();
    return result === undefined ? { status: 204 } : { status: 200, body: result };
  }
}
