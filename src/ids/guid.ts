/** GUIDs (subscription and tenant IDs) are compared case-insensitively: keep them lower case. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** Lower-case GUID, or undefined when the value is not a GUID. */
export function normalizeGuid(value: unknown): string | undefined {
  return isGuid(value) ? value.toLowerCase() : undefined;
}
