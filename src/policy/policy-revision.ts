/**
 * The revision of a loaded policy set: a content hash recorded with every decision, as OPA
 * records its bundle revision, so an audit record says exactly which policies decided it.
 * Independent of file order, key order and formatting; any change to any policy changes it.
 *
 * Each document's canonical JSON (keys sorted, `$schema` left out) is fed to its own SHA-256 piece
 * by piece, never built as one string: a 4 MB policy would otherwise be concatenated, flattened
 * and copied again for the hash. The documents' digests, sorted, make the revision.
 */
import { createHash, type Hash } from 'node:crypto';
import type { PolicyDocument } from './types.js';

function feedCanonical(hash: Hash, value: unknown): void {
  if (Array.isArray(value)) {
    // Lists of strings (every list of a policy) serialise natively, one call for 100,000 entries.
    if (value.every((entry) => typeof entry === 'string')) {
      hash.update(JSON.stringify(value));
      return;
    }
    hash.update('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) hash.update(',');
      feedCanonical(hash, value[i]);
    }
    hash.update(']');
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined && key !== '$schema')
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    hash.update('{');
    keys.forEach((key, i) => {
      hash.update(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      feedCanonical(hash, record[key]);
    });
    hash.update('}');
    return;
  }
  hash.update(JSON.stringify(value) ?? 'null');
}

export function policyRevision(documents: readonly PolicyDocument[]): string {
  const digests = documents.map((document) => {
    const hash = createHash('sha256');
    feedCanonical(hash, document);
    return hash.digest('hex');
  });
  const hash = createHash('sha256');
  for (const digest of digests.sort()) hash.update(digest).update('\n');
  return 'sha256:' + hash.digest('hex').slice(0, 16);
}
