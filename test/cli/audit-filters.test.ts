import { describe, expect, it } from 'vitest';
import { recordMatchesQuery } from '../../src/audit/record-matches-query.js';
import { queryFrom } from '../../src/cli/commands/audit-filters.js';
import { UsageError } from '../../src/cli/io.js';
import { makeRecord, TARGET } from '../audit/audit-store.contract.js';

const NOW = new Date('2024-05-10T12:00:00.000Z');
const matches = (target: string): boolean => recordMatchesQuery(makeRecord({ target: TARGET }), { target });

describe('--target matches with the policies ID patterns', () => {
  it('matches case-insensitively with * and **', () => {
    expect(matches(TARGET.toUpperCase())).toBe(true);
    expect(matches('/subscriptions/*/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/*')).toBe(true);
    expect(matches('/subscriptions/**')).toBe(true);
    expect(matches('/subscriptions/**/pls-one')).toBe(true);
    expect(matches('/subscriptions/**/privateLinkServices/pls-*')).toBe(true);
    expect(matches('/subscriptions/*/pls-one')).toBe(false);
    expect(matches('/subscriptions/*')).toBe(false);
    expect(matches(`${TARGET}/**`)).toBe(true);
    expect(matches('/subscriptions/**/pls-two')).toBe(false);
    expect(matches('/subscriptions/(.*)/**')).toBe(false);
  });

  it('matches nothing with a pattern policies would refuse (not under /subscriptions/)', () => {
    expect(matches('/**/privateLinkServices/pls-*')).toBe(false);
  });

  it('stays fast on many ** segments', () => {
    const pattern = '/subscriptions/' + Array.from({ length: 30 }, () => '**').join('/') + '/nothing';
    expect(recordMatchesQuery(makeRecord({ target: '/subscriptions' + '/a'.repeat(200) }), { target: pattern })).toBe(false);
  });
});

describe('recordMatchesQuery', () => {
  it('applies every filter', () => {
    const record = makeRecord({ time: '2024-05-01T10:00:00.000Z', decision: 'reject', policy: 'p1' });
    expect(recordMatchesQuery(record, {})).toBe(true);
    expect(recordMatchesQuery(record, { decision: 'reject', policy: 'p1', since: new Date('2024-05-01T10:00:00.000Z'), target: '/subscriptions/**' })).toBe(true);
    expect(recordMatchesQuery(record, { decision: 'approve' })).toBe(false);
    expect(recordMatchesQuery(record, { policy: 'p2' })).toBe(false);
    expect(recordMatchesQuery(record, { since: new Date('2024-05-01T10:00:00.001Z') })).toBe(false);
    expect(recordMatchesQuery(record, { target: '/subscriptions/*' })).toBe(false);
  });
});

describe('queryFrom', () => {
  it('refuses a --target that is not an ID pattern, saying why', () => {
    for (const bad of ['pls-one', '/**/privateLinkServices/pls-*', '/subscriptions/not-a-guid/resourceGroups/rg', '/subscriptions/**/a**b', '/subscriptions/*/resourceGroups']) {
      expect(() => queryFrom({ target: bad }, undefined, NOW), bad).toThrow(UsageError);
    }
    expect(() => queryFrom({ target: 'pls-one' }, undefined, NOW)).toThrow(/--target "pls-one": must start with '\/subscriptions\/'/u);
  });

  it('keeps a valid pattern, the decision in lower case, the limit and since', () => {
    expect(queryFrom({ target: `${TARGET}`, decision: 'MANUAL', limit: '5', since: '1h' }, 50, NOW)).toEqual({
      target: TARGET,
      decision: 'manual',
      limit: 5,
      since: new Date('2024-05-10T11:00:00.000Z'),
    });
    expect(queryFrom({}, 50, NOW)).toEqual({ limit: 50 });
  });
});
