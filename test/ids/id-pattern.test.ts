import { describe, expect, it } from 'vitest';
import { canonicalKeyOf, parseArmId } from '../../src/ids/arm-id.js';
import { compileIdPattern, IdPatternIndex, matchIdPattern } from '../../src/ids/id-pattern.js';

const SUB = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
const PLS = `/subscriptions/${SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-api`;

function pattern(text: string) {
  const result = compileIdPattern(text);
  if (!result.ok) throw new Error(result.error);
  return result.pattern;
}

describe('ID patterns', () => {
  it.each([
    [PLS, PLS, true],
    [PLS, PLS.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), true],
    [PLS + '/', PLS, true],
    [PLS, PLS + '/', true],
    [PLS.replace('pay-api', '*'), PLS, true],
    [PLS.replace('pay-api', 'pay-*'), PLS, true],
    [PLS.replace('pay-api', 'hr-*'), PLS, false],
    [PLS.replace('rg-pay', '*'), PLS, true],
    [`/subscriptions/${SUB}/**`, PLS, true],
    [`/subscriptions/*/**`, PLS, true],
    [`/subscriptions/${SUB}/resourceGroups/rg-pay/**`, PLS, true],
    [`/subscriptions/${SUB}/resourceGroups/other/**`, PLS, false],
    [`/subscriptions/${SUB}/**/privateLinkServices/*`, PLS, true],
    [`/subscriptions/${SUB}/resourceGroups/rg-pay/**`, `/subscriptions/${SUB}/resourceGroups/rg-pay`, true],
    [PLS.replace('pay-api', '*'), PLS + '/privateEndpointConnections/c', false],
    [PLS, PLS + '/privateEndpointConnections/c', false],
    [PLS, `${PLS}/../x/y`, false],
  ])('%s ~ %s → %s', (p, id, expected) => {
    expect(matchIdPattern(pattern(p), id)).toBe(expected);
  });

  it.each([
    ['', 'non-empty'],
    ['subscriptions/x', "must start with '/subscriptions/'"],
    ['/subscriptions/not-a-guid/resourceGroups/rg', 'not a GUID'],
    [`${PLS}?x=1`, 'query'],
    [`/subscriptions/${SUB}//resourceGroups/rg`, 'empty path segment'],
    [`/subscriptions/${SUB}/resourceGroups/../x`, "'..'"],
    [`/subscriptions/${SUB}/resourceGroups/*/providers`, 'even number'],
    [`/subscriptions/${SUB}/a**b`, "'**' must be a whole segment"],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/notanamespace/x/y`, 'not an ARM resource ID'],
  ])('refuses %j', (text, message) => {
    const result = compileIdPattern(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});

describe('IdPatternIndex', () => {
  const texts = [PLS, PLS.replace('pay-api', 'hr-*'), `/subscriptions/${SUB}/resourceGroups/rg-pay/**`, `/subscriptions/*/resourceGroups/rg-x/providers/Microsoft.Network/privateLinkServices/*`];
  const index = new IdPatternIndex(texts.map((t) => ({ pattern: pattern(t), entry: t })));

  it('finds every matching pattern, literal ones by hash', () => {
    expect(index.findAll(PLS.toLowerCase())).toEqual([PLS, `/subscriptions/${SUB}/resourceGroups/rg-pay/**`]);
    expect(index.findAll(PLS.replace('pay-api', 'hr-api').toLowerCase()).sort()).toEqual([`/subscriptions/${SUB}/resourceGroups/rg-pay/**`, PLS.replace('pay-api', 'hr-*')].sort());
    expect(index.findAll(`/subscriptions/${SUB}/resourcegroups/rg-x/providers/microsoft.network/privatelinkservices/a`)).toEqual([texts[3]]);
    expect(index.findAll(`/subscriptions/${SUB}/resourcegroups/other`)).toEqual([]);
  });

  it('agrees with matching each pattern one by one', () => {
    const ids = [PLS, PLS.replace('pay-api', 'hr-x'), `/subscriptions/${SUB}/resourceGroups/rg-pay`, `/subscriptions/${SUB}/resourceGroups/rg-x/providers/Microsoft.Network/privateLinkServices/a/b/c`];
    for (const id of ids) {
      const expected = texts.filter((t) => matchIdPattern(pattern(t), id));
      expect(index.findAll(id.toLowerCase()).sort()).toEqual(expected.sort());
    }
  });
});

describe('canonicalKeyOf', () => {
  it.each([
    PLS,
    PLS.toUpperCase().replace('/SUBSCRIPTIONS/', '/Subscriptions/'),
    PLS + '/',
    `${PLS}/../x/y`,
    `${PLS}/./x`,
    `${PLS}//x`,
    `${PLS}?a=b`,
    `${PLS}/x%2Fy`,
    `${PLS}/na\u3000me`,
    `/subscriptions/${SUB}`,
    `/subscriptions/${SUB}x`,
    `/subscriptions/not-a-guid/resourceGroups/x`,
    'junk',
  ])('agrees with parseArmId on %j', (id) => {
    const parsed = parseArmId(id);
    expect(canonicalKeyOf(id)).toBe(parsed.ok ? parsed.id.key : undefined);
  });
});
