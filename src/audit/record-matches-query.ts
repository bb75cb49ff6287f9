/**
 * The query predicate both stores share (`AuditQuery` minus `limit`). `target` is an ARM ID
 * pattern with the policies' rules (src/ids/id-pattern.ts), so `--target` means in `linkgate
 * audit` what `targets` means in a policy.
 */
import { compileIdPattern, matchIdPattern, type IdPattern } from '../ids/id-pattern.js';
import type { AuditQuery, AuditRecord } from './types.js';

/** Compiled patterns by text: a query tests one pattern against every record it reads. */
const compiled = new Map<string, IdPattern | undefined>();
const MAX_CACHED = 64;

function patternOf(text: string): IdPattern | undefined {
  if (!compiled.has(text)) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    const result = compileIdPattern(text);
    compiled.set(text, result.ok ? result.pattern : undefined);
  }
  return compiled.get(text);
}

/** Every filter of an AuditQuery except `limit`. An invalid target pattern matches nothing. */
export function recordMatchesQuery(record: AuditRecord, query: AuditQuery): boolean {
  if (query.decision !== undefined && record.decision !== query.decision) return false;
  if (query.policy !== undefined && record.policy !== query.policy) return false;
  if (query.since !== undefined && !(Date.parse(record.time) >= query.since.getTime())) return false;
  if (query.target !== undefined) {
    const pattern = patternOf(query.target);
    if (pattern === undefined || !matchIdPattern(pattern, record.target)) return false;
  }
  return true;
}
