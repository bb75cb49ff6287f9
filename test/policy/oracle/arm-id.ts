/** Test oracle: src/ids/arm-id.ts at 9dc7840 (only what the oracle reaches); do not fix or update it, see compile-policies.ts here. */
/**
 * ARM resource IDs: strict parsing, normalisation and the relations linkgate needs
 * (target of a connection, subscription of an endpoint). Pure and total: junk yields a typed
 * error, never an exception, because IDs arrive from events that we must not trust.
 */
import { isGuid } from './guid.js';

export interface ArmId {
  /** Normalised text: one leading slash, no trailing slash, no empty segments, original case. */
  text: string;
  /** Canonical lower-case form: use it for comparisons, maps and sets. */
  key: string;
  /** Lower-case subscription GUID. */
  subscriptionId: string;
  resourceGroup: string | undefined;
  /** Resource provider namespace, e.g. `Microsoft.Network` (original case); undefined for a subscription or group. */
  provider: string | undefined;
  /**
   * Full resource type, e.g. `Microsoft.Network/privateLinkServices/privateEndpointConnections`
   * (original case); undefined for a subscription or group.
   */
  resourceType: string | undefined;
  /** Resource names along the type chain, e.g. `['pls1', 'conn1']`. */
  names: string[];
  /** All path segments after normalisation. */
  segments: string[];
}

export type ArmIdResult = { ok: true; id: ArmId } | { ok: false; error: string };

const MAX_ID_LENGTH = 2048;
// Characters that never belong in a resource path we build URLs from: query, fragment,
// percent-encoding (hides separators), backslash, whitespace and control characters.
export const FORBIDDEN_IN_ID = /[?#%\\\s\u0000-\u001f\u007f]/u;
const PROVIDER_NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/u;
const TYPE_SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/u;

function fail(error: string): ArmIdResult {
  return { ok: false, error };
}

/** Parses an ARM resource ID strictly. Accepts subscription, resource group and provider resource IDs. */
export function parseArmId(input: unknown): ArmIdResult {
  if (typeof input !== 'string') return fail('not a string');
  if (input.length === 0) return fail('empty');
  if (input.length > MAX_ID_LENGTH) return fail(`longer than ${MAX_ID_LENGTH} characters`);
  if (FORBIDDEN_IN_ID.test(input)) return fail('contains a query, fragment, percent-encoding, backslash, space or control character');
  if (!input.startsWith('/')) return fail("must start with '/subscriptions/'");
  const segments = input.split('/').filter((s) => s.length > 0);
  if (segments.length !== input.split('/').length - 1 - (input.endsWith('/') ? 1 : 0)) {
    return fail("has an empty path segment ('//')");
  }
  if (segments.some((s) => s === '.' || s === '..')) return fail("has a '.' or '..' segment");
  if (segments.length < 2 || segments[0]!.toLowerCase() !== 'subscriptions') return fail("must start with '/subscriptions/'");
  const subscription = segments[1]!;
  if (!isGuid(subscription)) return fail(`subscription '${subscription}' is not a GUID`);

  let resourceGroup: string | undefined;
  let index = 2;
  if (segments.length > index) {
    if (segments[index]!.toLowerCase() !== 'resourcegroups') {
      if (segments[index]!.toLowerCase() !== 'providers') return fail(`unexpected segment '${segments[index]}' after the subscription`);
    } else {
      resourceGroup = segments[index + 1];
      if (resourceGroup === undefined) return fail('resourceGroups without a name');
      index += 2;
    }
  }

  let provider: string | undefined;
  const types: string[] = [];
  const names: string[] = [];
  if (segments.length > index) {
    if (segments[index]!.toLowerCase() !== 'providers') return fail(`expected 'providers' but found '${segments[index]}'`);
    provider = segments[index + 1];
    if (provider === undefined || !PROVIDER_NAMESPACE.test(provider)) return fail(`'${provider ?? ''}' is not a provider namespace`);
    const rest = segments.slice(index + 2);
    if (rest.length === 0 || rest.length % 2 !== 0) return fail('a resource type must be followed by a name');
    for (let i = 0; i < rest.length; i += 2) {
      const type = rest[i]!;
      if (!TYPE_SEGMENT.test(type)) return fail(`'${type}' is not a resource type`);
      types.push(type);
      names.push(rest[i + 1]!);
    }
  }

  const text = '/' + segments.join('/');
  return {
    ok: true,
    id: {
      text,
      key: text.toLowerCase(),
      subscriptionId: subscription.toLowerCase(),
      resourceGroup,
      provider,
      resourceType: provider === undefined ? undefined : [provider, ...types].join('/'),
      names,
      segments,
    },
  };
}

/**
 * The canonical key of an ID already in canonical shape (subscription GUID first, no trailing
 * slash, no empty or dot segments, no forbidden characters), checked in one pass over its
 * characters instead of a full parse; anything else goes through parseArmId. For hot paths that
 * look an ID up, never to build a URL from it.
 */
export function canonicalKeyOf(input: string): string | undefined {
  if (isCleanId(input)) return input.toLowerCase();
  const parsed = parseArmId(input);
  return parsed.ok ? parsed.id.key : undefined;
}

const CLEAN_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/[^/?#%\\\s\u0000-\u001f\u007f]+)*$/iu;

// One regex pass measured faster here than a hand-written character loop.
function isCleanId(input: string): boolean {
  return input.length <= MAX_ID_LENGTH && CLEAN_ID.test(input) && !input.includes('/.');
}

const CONNECTION_COLLECTIONS = new Set(['privateendpointconnections', 'privateendpointconnectionproxies']);

/**
 * The provider resource a connection (or connection proxy) belongs to: the ID less its last two
 * segments. Fails unless the ID really names a connection under a provider resource.
 */
export function targetOfConnectionId(connectionId: unknown): ArmIdResult {
  const parsed = parseArmId(connectionId);
  if (!parsed.ok) return parsed;
  const { id } = parsed;
  const collection = id.segments[id.segments.length - 2]?.toLowerCase();
  if (id.names.length < 2 || collection === undefined || !CONNECTION_COLLECTIONS.has(collection)) {
    return fail('not a privateEndpointConnections or privateEndpointConnectionProxies ID under a provider resource');
  }
  return parseArmId('/' + id.segments.slice(0, -2).join('/'));
}
