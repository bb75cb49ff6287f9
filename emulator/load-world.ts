/** Reads a world from JSON (a file or a test's object): validates every field and fills in etags and descriptions. */
import { isGuid } from '../src/ids/guid.js';
import { parseArmId } from '../src/ids/arm-id.js';
import { isRecord } from './arm-answer.js';
import { EMULATED_STATUSES, etagFor, WorldError, type EmulatedConnection, type EmulatedStatus, type PrivateEndpoint, type ProviderResource, type World } from './world-types.js';
import { messageOf } from '../src/errors/linkgate-error.js';

/** Collects every problem with a path, so a hand-written world file is fixed in one go. */
class Checker {
  readonly problems: string[] = [];
  /** Raw connections that gave no description: they take their endpoint's request message. */
  readonly withoutDescription = new WeakSet<object>();
  add(path: string, problem: string): void {
    if (this.problems.length < 50) this.problems.push(`${path}: ${problem}`);
  }
  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, 'must be a non-empty string');
      return '';
    }
    return value;
  }
  armId(value: unknown, path: string, expectProvider: boolean): string {
    const text = this.string(value, path);
    if (text === '') return text;
    const parsed = parseArmId(text);
    if (!parsed.ok) this.add(path, `not an ARM resource ID (${parsed.error})`);
    else if (expectProvider && parsed.id.provider === undefined) this.add(path, 'must name a provider resource');
    return text;
  }
  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) {
      this.add(path, 'must be an array');
      return [];
    }
    return value;
  }
  unknownFields(value: Record<string, unknown>, allowed: string[], path: string): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.add(`${path}.${key}`, 'unknown field');
  }
}

function readConnection(raw: unknown, path: string, targetId: string, check: Checker): EmulatedConnection {
  if (!isRecord(raw)) {
    check.add(path, 'must be an object');
    return { name: '', privateEndpointId: '', status: 'Pending', description: '', etag: '' };
  }
  check.unknownFields(raw, ['name', 'privateEndpointId', 'status', 'description', 'actionsRequired', 'etag'], path);
  const name = check.string(raw['name'], `${path}.name`);
  if (name.includes('/')) check.add(`${path}.name`, "must not contain '/'");
  const privateEndpointId = check.armId(raw['privateEndpointId'], `${path}.privateEndpointId`, true);
  const status = raw['status'];
  if (!EMULATED_STATUSES.includes(status as EmulatedStatus)) check.add(`${path}.status`, `must be one of ${EMULATED_STATUSES.join(', ')}`);
  // null: the provider side shows no message, as PaaS types do (DESIGN §9).
  const description = raw['description'] === null ? null : (raw['description'] ?? '');
  if (description !== null && typeof description !== 'string') check.add(`${path}.description`, 'must be a string or null');
  if (raw['description'] === undefined) check.withoutDescription.add(raw);
  const connection: EmulatedConnection = {
    name,
    privateEndpointId,
    status: status as EmulatedStatus,
    description: description === null ? null : String(description),
    etag: typeof raw['etag'] === 'string' && raw['etag'] !== '' ? raw['etag'] : etagFor(`${targetId.toLowerCase()}/${name.toLowerCase()}#0`),
  };
  if (raw['actionsRequired'] !== undefined) {
    if (typeof raw['actionsRequired'] !== 'string') check.add(`${path}.actionsRequired`, 'must be a string');
    else connection.actionsRequired = raw['actionsRequired'];
  }
  return connection;
}

function readProvider(raw: unknown, path: string, check: Checker): ProviderResource | undefined {
  if (!isRecord(raw)) {
    check.add(path, 'must be an object');
    return undefined;
  }
  check.unknownFields(raw, ['id', 'type', 'location', 'listStyle', 'asyncWrites', 'etags', 'connections'], path);
  const id = check.armId(raw['id'], `${path}.id`, true);
  const type = check.string(raw['type'], `${path}.type`);
  const parsed = parseArmId(id);
  if (parsed.ok && parsed.id.resourceType !== undefined && type !== '' && parsed.id.resourceType.toLowerCase() !== type.toLowerCase()) {
    check.add(`${path}.type`, `'${type}' does not match the ID's type '${parsed.id.resourceType}'`);
  }
  const provider: ProviderResource = { id, type, connections: [] };
  if (raw['location'] !== undefined) provider.location = check.string(raw['location'], `${path}.location`);
  if (raw['listStyle'] !== undefined) {
    if (raw['listStyle'] !== 'collection' && raw['listStyle'] !== 'parent-properties') check.add(`${path}.listStyle`, "must be 'collection' or 'parent-properties'");
    else provider.listStyle = raw['listStyle'];
  }
  if (raw['asyncWrites'] !== undefined) {
    if (typeof raw['asyncWrites'] !== 'boolean') check.add(`${path}.asyncWrites`, 'must be a boolean');
    else provider.asyncWrites = raw['asyncWrites'];
  }
  if (raw['etags'] !== undefined) {
    if (typeof raw['etags'] !== 'boolean') check.add(`${path}.etags`, 'must be a boolean');
    else provider.etags = raw['etags'];
  }
  const names = new Set<string>();
  check.array(raw['connections'], `${path}.connections`).forEach((entry, index) => {
    const connection = readConnection(entry, `${path}.connections[${index}]`, id, check);
    if (names.has(connection.name.toLowerCase())) check.add(`${path}.connections[${index}].name`, `duplicate connection name '${connection.name}'`);
    names.add(connection.name.toLowerCase());
    provider.connections.push(connection);
  });
  return provider;
}

function readEndpoint(raw: unknown, path: string, check: Checker): PrivateEndpoint | undefined {
  if (!isRecord(raw)) {
    check.add(path, 'must be an object');
    return undefined;
  }
  check.unknownFields(raw, ['id', 'subnetId', 'ipAddresses', 'listsIpAddresses', 'readable', 'nicReadable', 'connectsTo'], path);
  const id = check.armId(raw['id'], `${path}.id`, true);
  const parsed = parseArmId(id);
  if (parsed.ok && parsed.id.resourceType?.toLowerCase() !== 'microsoft.network/privateendpoints') {
    check.add(`${path}.id`, 'must be a Microsoft.Network/privateEndpoints ID');
  }
  const endpoint: PrivateEndpoint = {
    id,
    subnetId: check.armId(raw['subnetId'], `${path}.subnetId`, true),
    ipAddresses: check.array(raw['ipAddresses'], `${path}.ipAddresses`).map((ip, index) => check.string(ip, `${path}.ipAddresses[${index}]`)),
    connectsTo: [],
  };
  for (const flag of ['readable', 'listsIpAddresses', 'nicReadable'] as const) {
    const value = raw[flag];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') check.add(`${path}.${flag}`, 'must be a boolean');
    else endpoint[flag] = value;
  }
  check.array(raw['connectsTo'], `${path}.connectsTo`).forEach((link, index) => {
    const linkPath = `${path}.connectsTo[${index}]`;
    if (!isRecord(link)) {
      check.add(linkPath, 'must be an object');
      return;
    }
    check.unknownFields(link, ['targetId', 'manual', 'requestMessage'], linkPath);
    if (typeof link['manual'] !== 'boolean') check.add(`${linkPath}.manual`, 'must be a boolean');
    const requestMessage = link['requestMessage'] ?? '';
    if (typeof requestMessage !== 'string') check.add(`${linkPath}.requestMessage`, 'must be a string');
    endpoint.connectsTo.push({
      targetId: check.armId(link['targetId'], `${linkPath}.targetId`, true),
      manual: link['manual'] === true,
      requestMessage: String(requestMessage),
    });
  });
  return endpoint;
}

/**
 * Validates a world (a parsed object or JSON text) and returns a fresh copy with etags filled in.
 * A connection without a description takes its endpoint's request message for that target.
 * Throws WorldError listing every problem with its path.
 */
export function loadWorld(json: unknown): World {
  let raw = json;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new WorldError(`emulator world is not JSON: ${messageOf(error)}`, { hint: 'Check the world file with a JSON linter.' });
    }
  }
  const check = new Checker();
  if (!isRecord(raw)) throw new WorldError('emulator world must be a JSON object', { hint: 'See emulator/README.md, "World format".' });
  check.unknownFields(raw, ['providers', 'endpoints', 'tenants', 'managementGroups', '$schema', 'description'], '$');

  const providers: ProviderResource[] = [];
  const providerIds = new Set<string>();
  check.array(raw['providers'], '$.providers').forEach((entry, index) => {
    const provider = readProvider(entry, `$.providers[${index}]`, check);
    if (provider === undefined) return;
    if (providerIds.has(provider.id.toLowerCase())) check.add(`$.providers[${index}].id`, 'duplicate provider resource ID');
    providerIds.add(provider.id.toLowerCase());
    providers.push(provider);
  });

  const endpoints: PrivateEndpoint[] = [];
  const endpointIds = new Set<string>();
  check.array(raw['endpoints'] ?? [], '$.endpoints').forEach((entry, index) => {
    const endpoint = readEndpoint(entry, `$.endpoints[${index}]`, check);
    if (endpoint === undefined) return;
    if (endpointIds.has(endpoint.id.toLowerCase())) check.add(`$.endpoints[${index}].id`, 'duplicate endpoint ID');
    endpointIds.add(endpoint.id.toLowerCase());
    endpoints.push(endpoint);
  });

  const tenants: Record<string, string> = {};
  const rawTenants = raw['tenants'] ?? {};
  if (!isRecord(rawTenants)) check.add('$.tenants', 'must be an object of subscription ID → tenant ID');
  else {
    for (const [subscription, tenant] of Object.entries(rawTenants)) {
      if (!isGuid(subscription)) check.add(`$.tenants.${subscription}`, 'key must be a subscription GUID');
      if (!isGuid(tenant)) check.add(`$.tenants.${subscription}`, 'value must be a tenant GUID');
      tenants[subscription.toLowerCase()] = String(tenant).toLowerCase();
    }
  }

  const world: World = { providers, endpoints, tenants };
  if (raw['managementGroups'] !== undefined) {
    const groups: Record<string, string[]> = {};
    if (!isRecord(raw['managementGroups'])) check.add('$.managementGroups', 'must be an object of group name → subscription IDs');
    else {
      for (const [group, subscriptions] of Object.entries(raw['managementGroups'])) {
        groups[group.toLowerCase()] = check.array(subscriptions, `$.managementGroups.${group}`).map((s, index) => {
          if (!isGuid(s)) check.add(`$.managementGroups.${group}[${index}]`, 'must be a subscription GUID');
          return String(s).toLowerCase();
        });
      }
    }
    world.managementGroups = groups;
  }

  if (check.problems.length > 0) {
    throw new WorldError(`emulator world is invalid:\n  ${check.problems.join('\n  ')}`, { hint: 'See emulator/README.md, "World format".' });
  }
  // Pending connections created without a description show what the consumer asked for, as ARM does.
  const messages = new Map<string, string>();
  for (const endpoint of endpoints) {
    for (const link of endpoint.connectsTo) messages.set(`${endpoint.id.toLowerCase()}|${link.targetId.toLowerCase()}`, link.requestMessage);
  }
  const rawProviders = raw['providers'] as Array<{ connections: object[] }>;
  providers.forEach((provider, p) => {
    provider.connections.forEach((connection, c) => {
      const rawConnection = rawProviders[p]?.connections[c];
      if (rawConnection !== undefined && check.withoutDescription.has(rawConnection)) {
        connection.description = messages.get(`${connection.privateEndpointId.toLowerCase()}|${provider.id.toLowerCase()}`) ?? '';
      }
    });
  });
  return world;
}
