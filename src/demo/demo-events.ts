/**
 * Events shaped exactly like the ones Azure sends (see test/fixtures/events/): built from IDs so
 * the demo and the load tests can aim them at any emulated world.
 */
import { randomUUID } from 'node:crypto';

export interface WriteEventOptions {
  resourceUri: string;
  operationName: string;
  id?: string;
  time?: string;
  tenantId?: string;
}

function subscriptionOf(resourceUri: string): string {
  return resourceUri.split('/')[2] ?? '';
}

function writeData(options: WriteEventOptions): Record<string, unknown> {
  const subscriptionId = subscriptionOf(options.resourceUri);
  return {
    authorization: { scope: options.resourceUri, action: options.operationName, evidence: { role: 'Network Contributor' } },
    claims: { aud: 'https://management.core.windows.net/', ver: '1.0' },
    correlationId: randomUUID(),
    httpRequest: {
      clientRequestId: randomUUID(),
      clientIpAddress: '10.0.0.4',
      method: 'PUT',
      url: `https://management.azure.com${options.resourceUri}?api-version=2024-05-01`,
    },
    resourceProvider: options.operationName.split('/')[0] ?? '',
    resourceUri: options.resourceUri,
    operationName: options.operationName,
    status: 'Succeeded',
    subscriptionId,
    tenantId: options.tenantId ?? '9d2f1a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
  };
}

/** `Microsoft.Resources.ResourceWriteSuccess` in the Event Grid schema (one element of the delivered array). */
export function resourceWriteSuccessEvent(options: WriteEventOptions): Record<string, unknown> {
  return {
    subject: options.resourceUri,
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    eventTime: options.time ?? new Date().toISOString(),
    id: options.id ?? randomUUID(),
    data: writeData(options),
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${subscriptionOf(options.resourceUri)}`,
  };
}

/** The same event in CloudEvents 1.0. */
export function resourceWriteSuccessCloudEvent(options: WriteEventOptions): Record<string, unknown> {
  return {
    id: options.id ?? randomUUID(),
    source: `/subscriptions/${subscriptionOf(options.resourceUri)}`,
    subject: options.resourceUri,
    type: 'Microsoft.Resources.ResourceWriteSuccess',
    time: options.time ?? new Date().toISOString(),
    specversion: '1.0',
    data: writeData(options),
  };
}

/** `Microsoft.ResourceNotifications.Resources.CreatedOrUpdated` (CloudEvents 1.0). */
export function resourceCreatedOrUpdatedCloudEvent(resource: { id: string; type: string; location?: string; properties?: unknown }, id?: string): Record<string, unknown> {
  return {
    id: id ?? randomUUID(),
    source: `/subscriptions/${subscriptionOf(resource.id)}`,
    subject: resource.id,
    type: 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated',
    time: new Date().toISOString(),
    specversion: '1.0',
    data: {
      resourceInfo: {
        id: resource.id,
        name: resource.id.split('/').at(-1),
        type: resource.type,
        location: resource.location ?? 'westeurope',
        properties: resource.properties ?? {},
      },
      operationalInfo: { resourceEventTime: new Date().toISOString() },
      apiVersion: '2024-05-01',
    },
  };
}

/** A connection proxy write on a provider resource: what the consumer's endpoint creation raises. */
export function connectionProxyWriteEvent(target: string, connectionName: string, id?: string): Record<string, unknown> {
  const provider = target.split('/providers/')[1]?.split('/') ?? [];
  const type = `${provider[0] ?? ''}/${provider[1] ?? ''}`;
  return resourceWriteSuccessEvent({
    resourceUri: `${target}/privateEndpointConnectionProxies/${connectionName}`,
    operationName: `${type}/privateEndpointConnectionProxies/write`,
    ...(id === undefined ? {} : { id }),
  });
}

/** A consumer private endpoint write (the consumer side: the endpoint names the targets). */
export function privateEndpointWriteEvent(endpointId: string, id?: string): Record<string, unknown> {
  return resourceWriteSuccessEvent({ resourceUri: endpointId, operationName: 'Microsoft.Network/privateEndpoints/write', ...(id === undefined ? {} : { id }) });
}

/** The webhook validation handshake. */
export function subscriptionValidationEvent(code: string = randomUUID()): Record<string, unknown>[] {
  return [
    {
      id: randomUUID(),
      topic: '/subscriptions/0b3c6b1e-7f4e-4c0a-9d55-2d7a3a1f0c11',
      subject: '',
      data: { validationCode: code, validationUrl: 'https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/linkgate/validate?id=0&t=0&apiVersion=2022-06-15&token=0' },
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      eventTime: new Date().toISOString(),
      metadataVersion: '1',
      dataVersion: '1',
    },
  ];
}
