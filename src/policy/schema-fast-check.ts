/**
 * The policy schema (policies/schema/policy.schema.json, less `uniqueItems`) as a hand-written
 * yes/no check: one pass of character loops over each entry, no allocation. Loading a valid
 * policy (the usual case, and the 100,000-entry one) then never compiles or runs ajv; ajv runs
 * only when this check says no, and its errors are the ones reported, so every message and
 * pointer stays ajv's. It must accept exactly what ajv accepts: test/policy/schema-fast-check.test.ts
 * compares the two on generated documents and checks this file knows every keyword of the schema.
 */
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };

const TOP_FIELDS = new Set(Object.keys(policySchema.properties));
const DENY_FIELDS = new Set(Object.keys(policySchema.properties.deny.properties));
const NAME_MAX = policySchema.properties.name.maxLength;
const DESCRIPTION_MAX = policySchema.properties.description.maxLength;
const TARGET_MAX = policySchema.properties.targets.items.maxLength;
const SUBNET_MIN = policySchema.$defs.subnetEntry.minLength;
const SUBNET_MAX = policySchema.$defs.subnetEntry.maxLength;
const MESSAGE_MIN = policySchema.properties.requestMessage.minLength;
const MESSAGE_MAX = policySchema.properties.requestMessage.maxLength;
const LIMIT_MIN = policySchema.properties.connectionLimit.minimum;
const LIMIT_MAX = policySchema.properties.connectionLimit.maximum;
const MODES: readonly unknown[] = policySchema.properties.mode.enum;
const OTHERWISE: readonly unknown[] = policySchema.properties.otherwise.enum;

/**
 * Length in code points, as JSON Schema's maxLength/minLength count (ajv's ucs2length): a UTF-16
 * length within the bounds decides at once for the maximum; only surrogate pairs can shorten it.
 */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    count++;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

function lengthWithin(text: string, min: number, max: number): boolean {
  if (text.length >= min && text.length <= max) return true;
  // Code points are never more than UTF-16 units: over the maximum or under the minimum needs a count.
  const n = codePoints(text);
  return n >= min && n <= max;
}

/** 1 at the character codes of 0-9, a-f and A-F. */
const HEX_DIGIT = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * The schema's `guid` pattern, ^[0-9a-fA-F]{8}-…-[0-9a-fA-F]{12}$: the four dashes at their
 * places, then every other character by one table load. 10,000 GUIDs a load: a branch per
 * position and three range tests per character took 4.2 ms, this 2.3 ms here (the regex 3.2).
 */
export function isGuidText(value: string): boolean {
  if (value.length !== 36 || value.charCodeAt(8) !== 45 || value.charCodeAt(13) !== 45 || value.charCodeAt(18) !== 45 || value.charCodeAt(23) !== 45) return false;
  for (let i = 0; i < 36; i++) {
    // The dashes read as 0 here and were checked above; anything past 127 is no hex digit.
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = value.charCodeAt(i);
    if (c > 127 || HEX_DIGIT[c] === 0) return false;
  }
  return true;
}

/** The name pattern ^[a-z0-9][a-z0-9-]*$ (ASCII, so maxLength counts characters). */
function isName(value: string): boolean {
  if (value.length === 0 || value.length > NAME_MAX) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c === 45 && i > 0);
    if (!ok) return false;
  }
  return true;
}

const SUBSCRIPTIONS = '/subscriptions/';

/** The targets pattern ^/[Ss][Uu]…[Ss]/ : '/subscriptions/' in any letter case. */
function isTarget(value: string): boolean {
  if (value.length < SUBSCRIPTIONS.length || !lengthWithin(value, 0, TARGET_MAX)) return false;
  for (let i = 0; i < SUBSCRIPTIONS.length; i++) {
    const c = value.charCodeAt(i);
    // Letters differ from their upper case by 32 only in ASCII; '/' must match exactly.
    if (c !== SUBSCRIPTIONS.charCodeAt(i) && !(i > 0 && i < SUBSCRIPTIONS.length - 1 && c + 32 === SUBSCRIPTIONS.charCodeAt(i))) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function everyGuid(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (typeof entry !== 'string' || !isGuidText(entry)) return false;
  }
  return true;
}

function everySubnetEntry(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (typeof entry !== 'string' || !lengthWithin(entry, SUBNET_MIN, SUBNET_MAX)) return false;
  }
  return true;
}

function checkField(key: string, value: unknown): boolean {
  switch (key) {
    case '$schema':
      return typeof value === 'string';
    case 'name':
      return typeof value === 'string' && isName(value);
    case 'description':
      return typeof value === 'string' && lengthWithin(value, 0, DESCRIPTION_MAX);
    case 'mode':
      return MODES.includes(value);
    case 'targets':
      return Array.isArray(value) && value.length >= 1 && value.every((t: unknown) => typeof t === 'string' && isTarget(t));
    case 'visibility':
      return Array.isArray(value) && value.every((v: unknown) => typeof v === 'string' && (v === '*' || isGuidText(v)));
    case 'autoApproval':
    case 'trustedTenants':
      return everyGuid(value);
    case 'trustedSubnets':
      return everySubnetEntry(value);
    case 'deny':
      return isPlainObject(value) && Object.keys(value).every((k) => DENY_FIELDS.has(k) && (k === 'subnets' ? everySubnetEntry(value[k]) : everyGuid(value[k])));
    case 'requestMessage':
      return typeof value === 'string' && lengthWithin(value, MESSAGE_MIN, MESSAGE_MAX);
    case 'connectionLimit':
      return typeof value === 'number' && Number.isInteger(value) && value >= LIMIT_MIN && value <= LIMIT_MAX;
    case 'otherwise':
      return OTHERWISE.includes(value);
    default:
      return false;
  }
}

/** True exactly when the runtime schema (without uniqueItems) accepts the document. */
export function conformsToSchema(document: unknown): boolean {
  if (!isPlainObject(document)) return false;
  for (const required of policySchema.required) if (!Object.hasOwn(document, required)) return false;
  for (const key of Object.keys(document)) {
    if (!TOP_FIELDS.has(key) || !checkField(key, document[key])) return false;
  }
  return true;
}

/** Every (schema pointer, keyword) this check implements; the test compares it with the schema. */
export const IMPLEMENTED_KEYWORDS: readonly string[] = [
  '#:type', '#:additionalProperties', '#:required', '#:properties', '#:$defs',
  '#/properties/$schema:type',
  '#/properties/name:type', '#/properties/name:pattern', '#/properties/name:maxLength',
  '#/properties/description:type', '#/properties/description:maxLength',
  '#/properties/mode:enum',
  '#/properties/targets:type', '#/properties/targets:minItems', '#/properties/targets:uniqueItems', '#/properties/targets:items',
  '#/properties/targets/items:type', '#/properties/targets/items:pattern', '#/properties/targets/items:maxLength',
  '#/properties/visibility:type', '#/properties/visibility:uniqueItems', '#/properties/visibility:items',
  '#/properties/visibility/items:anyOf', '#/properties/visibility/items/anyOf/0:const', '#/properties/visibility/items/anyOf/1:$ref',
  '#/properties/autoApproval/items:$ref', '#/properties/trustedSubnets/items:$ref', '#/properties/trustedTenants/items:$ref',
  '#/properties/deny/properties/subscriptions/items:$ref', '#/properties/deny/properties/tenants/items:$ref', '#/properties/deny/properties/subnets/items:$ref',
  '#/properties/autoApproval:type', '#/properties/autoApproval:uniqueItems', '#/properties/autoApproval:items',
  '#/properties/trustedSubnets:type', '#/properties/trustedSubnets:uniqueItems', '#/properties/trustedSubnets:items',
  '#/properties/trustedTenants:type', '#/properties/trustedTenants:uniqueItems', '#/properties/trustedTenants:items',
  '#/properties/deny:type', '#/properties/deny:additionalProperties', '#/properties/deny:properties',
  '#/properties/deny/properties/subscriptions:type', '#/properties/deny/properties/subscriptions:uniqueItems', '#/properties/deny/properties/subscriptions:items',
  '#/properties/deny/properties/tenants:type', '#/properties/deny/properties/tenants:uniqueItems', '#/properties/deny/properties/tenants:items',
  '#/properties/deny/properties/subnets:type', '#/properties/deny/properties/subnets:uniqueItems', '#/properties/deny/properties/subnets:items',
  '#/properties/requestMessage:type', '#/properties/requestMessage:minLength', '#/properties/requestMessage:maxLength',
  '#/properties/connectionLimit:type', '#/properties/connectionLimit:minimum', '#/properties/connectionLimit:maximum',
  '#/properties/otherwise:enum',
  '#/$defs/guid:type', '#/$defs/guid:pattern',
  '#/$defs/subnetEntry:type', '#/$defs/subnetEntry:minLength', '#/$defs/subnetEntry:maxLength',
];
