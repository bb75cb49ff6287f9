/** Test oracle: src/ids/guid.ts at 9dc7840, what the oracle reaches of it (see compile-policies.ts here). */

/** Hand-rolled rather than GUID.test: it runs on every decision, and this is several times faster. */
export function isGuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45 /* - */) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}
