/**
 * The filters `audit list` and `audit export` share, turned into an AuditQuery. `--target` is an
 * ARM ID pattern with the policies' rules (src/ids/id-pattern.ts), validated here so a typo is a
 * usage error instead of a silently empty listing.
 */
import type { AuditQuery } from '../../audit/types.js';
import { compileIdPattern } from '../../ids/id-pattern.js';
import type { DecisionKind } from '../../policy/types.js';
import { UsageError } from '../io.js';
import { parseSince } from '../parse-since.js';
import { messageOf } from '../../errors/linkgate-error.js';

export const FILTER_HELP = `  --since WHEN       only records at or after WHEN: a duration back from now (30s, 15m, 24h,
                     7d, 2w) or an ISO date/time (2024-05-01, 2024-05-01T10:00:00Z; UTC unless
                     an offset is given)
  --decision D       approve | reject | manual | ignore
  --target PATTERN   provider resource ID or pattern, as in a policy's "targets": starts with
                     /subscriptions/, '*' one segment, '**' any number; case-insensitive
  --policy NAME      the deciding policy`;

export const FILTER_OPTIONS = {
  since: { type: 'string' },
  decision: { type: 'string' },
  target: { type: 'string' },
  policy: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DECISIONS: readonly DecisionKind[] = ['approve', 'reject', 'manual', 'ignore'];
const MAX_LIMIT = 1_000_000;

export interface FilterValues {
  since?: string | boolean;
  decision?: string | boolean;
  target?: string | boolean;
  policy?: string | boolean;
  limit?: string | boolean;
}

export function queryFrom(values: FilterValues, defaultLimit: number | undefined, now: Date): AuditQuery {
  const query: AuditQuery = {};
  if (typeof values.since === 'string') {
    try {
      query.since = parseSince(values.since, now);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
  }
  if (typeof values.decision === 'string') {
    const decision = values.decision.toLowerCase();
    if (!(DECISIONS as readonly string[]).includes(decision)) {
      throw new UsageError(`--decision ${JSON.stringify(values.decision)}: use one of ${DECISIONS.join(', ')}`);
    }
    query.decision = decision as DecisionKind;
  }
  if (typeof values.target === 'string') {
    const pattern = compileIdPattern(values.target);
    if (!pattern.ok) throw new UsageError(`--target ${JSON.stringify(values.target)}: ${pattern.error} (e.g. /subscriptions/<guid>/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*)`);
    query.target = values.target;
  }
  if (typeof values.policy === 'string') query.policy = values.policy;
  if (typeof values.limit === 'string') {
    const limit = Number(values.limit);
    if (!/^\d+$/u.test(values.limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit ${JSON.stringify(values.limit)}: use a whole number from 1 to ${MAX_LIMIT}`);
    query.limit = limit;
  } else if (defaultLimit !== undefined) {
    query.limit = defaultLimit;
  }
  return query;
}
