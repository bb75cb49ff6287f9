/** Answers a routed request from the live world: reads, lists with paging, writes, polls, Resource Graph. */
import { armError, lastSegment, subscriptionOfPath, type Answer } from './arm-answer.js';
import { endpointToArm, providerToArm, subscriptionToArm } from './arm-shapes.js';
import type { AsyncOperations } from './async-operations.js';
import { connectionKey, findConnection, type ConnectionWrites } from './connection-writes.js';
import { answerNetworkInterface } from './network-interfaces.js';
import { graphQuery } from './resource-graph.js';
import type { Route } from './routes.js';
import type { SettlingConnections } from './settling-connections.js';
import type { WorldIndex } from './world-index.js';
import type { EmulatedConnection, ProviderResource, World } from './world-types.js';

export interface DispatchContext {
  world: World;
  index: WorldIndex;
  operations: AsyncOperations;
  writes: ConnectionWrites;
  /** A connection as the emulator answers it now. */
  armConnection: (provider: ProviderResource, connection: EmulatedConnection) => Record<string, unknown>;
  pageSize: number;
  /** The emulator's own URL, known only once it listens. */
  baseUrl: () => string;
  settling: SettlingConnections;
}

export interface RoutedRequest {
  method: string;
  route: Route;
  path: string;
  url: URL;
  body: unknown;
  ifMatch: string | undefined;
  apiVersion: string;
}

function listPage(ctx: DispatchContext, provider: ProviderResource, path: string, url: URL, apiVersion: string): Answer {
  if (provider.listStyle === 'parent-properties') {
    return armError(404, 'InvalidResourceType', `The resource type 'privateEndpointConnections' could not be found for '${provider.type}'. Read ${provider.type} and use properties.privateEndpointConnections.`);
  }
  const skipText = url.searchParams.get('$skiptoken') ?? url.searchParams.get('$skipToken') ?? '0';
  const skip = Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) return armError(400, 'InvalidSkipToken', `The $skiptoken '${skipText}' is not valid.`);
  const page = provider.connections.slice(skip, skip + ctx.pageSize).map((c) => ctx.armConnection(provider, c));
  const body: Record<string, unknown> = { value: page };
  if (skip + ctx.pageSize < provider.connections.length) {
    body['nextLink'] = `${ctx.baseUrl()}${path}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${skip + ctx.pageSize}`;
  }
  return { status: 200, body };
}

export function dispatch(ctx: DispatchContext, request: RoutedRequest): Answer {
  const { method, route: r, path, url, body, ifMatch, apiVersion } = request;
  const notAllowed = (): Answer => armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
  switch (r.kind) {
    case 'tenant': {
      if (method !== 'GET') return notAllowed();
      const tenant = ctx.index.tenantOf(r.subscriptionId);
      if (tenant === undefined) return armError(404, 'SubscriptionNotFound', `The subscription '${r.subscriptionId}' could not be found.`);
      return { status: 200, body: subscriptionToArm(r.subscriptionId, tenant) };
    }
    case 'graph':
      return method === 'POST' ? graphQuery(ctx.world, body) : notAllowed();
    case 'operation':
      return method === 'GET' ? ctx.operations.poll(r.operationId, r.which, path, url.search) : notAllowed();
    case 'endpoint': {
      if (method !== 'GET') return notAllowed();
      if (r.endpoint === undefined) return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Network/privateEndpoints/${lastSegment(path)}' was not found.`);
      if (r.endpoint.readable === false) {
        return armError(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/privateEndpoints/read' over scope '${r.endpoint.id}' or the scope is invalid.`);
      }
      const endpoint = r.endpoint;
      return {
        status: 200,
        body: endpointToArm(endpoint, (targetId) => {
          const provider = ctx.index.provider(targetId.toLowerCase());
          return provider?.connections.find((c) => c.privateEndpointId.toLowerCase() === endpoint.id.toLowerCase());
        }),
      };
    }
    case 'networkInterface':
      return answerNetworkInterface(method, r.endpoint, path);
    case 'provider': {
      if (method !== 'GET') return notAllowed();
      const p = r.provider;
      return { status: 200, body: providerToArm(p, (c) => ctx.armConnection(p, c)) };
    }
    case 'collection':
      return method === 'GET' ? listPage(ctx, r.provider, path, url, apiVersion) : notAllowed();
    case 'connection': {
      // Batch updates connections with PATCH (its API has no PUT); same rules as PUT.
      if (method === 'PUT' || method === 'PATCH') return ctx.writes.putConnection(r.provider, r.name, body, ifMatch, apiVersion);
      if (method !== 'GET') return notAllowed();
      const connection = findConnection(r.provider, r.name);
      if (connection === undefined) return armError(404, 'ResourceNotFound', `Private endpoint connection '${r.name}' of '${r.provider.id}' was not found.`);
      const shown = ctx.armConnection(r.provider, connection);
      // A write still settling (Approving, Updating at Key Vault's polling URL) ends after so many reads.
      ctx.settling.read(connectionKey(r.provider, connection));
      return { status: 200, body: shown };
    }
    case 'aosm':
      return method === 'POST' ? ctx.writes.aosmAction(r.provider, r.action, body, apiVersion) : notAllowed();
    default: {
      const sub = subscriptionOfPath(path);
      if (sub !== undefined && !ctx.index.knowsSubscription(sub)) return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
      return armError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
    }
  }
}
