/**
 * The revision of a loaded policy set: a content hash recorded with every decision, as OPA
 * records its bundle revision, so an audit record says exactly which policies decided it.
 * Independent of file order, key order and formatting; any change to any policy changes it.
 */
import { createHash } from 'node:crypto';
import type { PolicyDocument } from './types.js';

function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    // Lists of strings (every list of a policy) serialise natively, one call for 100,000 entries.
    if (value.every((entry) => typeof entry === 'string')) return JSON.stringify(value);
    return `[${value.map(canonical).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && key !== '$schema')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function policyRevision(documents: readonly PolicyDocument[]): string {
  const hash = createHash('sha256');
  for (const text of documents.map(canonical).sort()) hash.update(text).update('\n');
  return 'sha256:' + hash.digest('hex').slice(0, 16);
}
