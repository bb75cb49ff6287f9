/**
 * Issue 12 (Build 4): the evaluator was reshaped for speed, and its results must not change. This
 * differential test draws policy sets and cases (well-formed, subtly off, and plain junk) and
 * checks that `evaluate()` and `evaluateWithDetail()` deep-equal the evaluator as it was before
 * (test/policy/oracle/, a copy), every case decided twice on one compiled set so that the memos
 * the fast paths keep are exercised warm as well as cold.
 *
 * The oracle compiles the set with its own copy of the compiler at 9dc7840 too, so the compile
 * side is under test as well: the subnet-list scan, the fast pattern compiler, the CIDR sweep,
 * the pattern buckets, the subscription index and the target memo. The pools below are made to
 * collide where those structures key by a few characters: targets whose names have one length and
 * one ending (the target memo's key), GUIDs sharing their first characters (the subscription
 * index's key) listed and not listed, subnet patterns sharing their bucket's name segment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateWithDetail } from '../../src/policy/evaluate.js';
import type { EvaluationCase, PolicyDocument } from '../../src/policy/types.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';
import { compilePolicies as oracleCompile } from './oracle/compile-policies.js';
import * as oracle from './oracle/evaluate.js';
import { compile, CONSUMER, PROVIDER_SUB, STRANGER, SUBNET, TARGET, TENANT } from './policy-builders.js';

const OTHER = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
/** GUIDs equal in their first characters and length: one key in the subscription index. */
const seq = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const abc = (n: number) => `abcdef0${n}-0000-4000-8000-00000000000${n}`;
const SEQ_A = '0000000a-0000-4000-8000-000000000001';
/** What policies list. */
const GUIDS = [CONSUMER, STRANGER, TENANT, OTHER, seq(1), seq(2), seq(3), seq(0x10), SEQ_A, abc(1), abc(2)];
/** Consumers no policy lists whose keys collide with listed ones. */
const UNLISTED = [seq(0), seq(4), seq(0xff), '0000000b-0000-4000-8000-000000000001', abc(3)];
/** More than the 8 entries a key keeps in a chain (subscription-index.ts) share this one. */
const CROWD = Array.from({ length: 12 }, (_, i) => seq(0x20 + i));
const CONSUMERS = [...GUIDS, ...UNLISTED, ...CROWD, seq(0x2f)];
const TARGET2 = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-web`;
const STORAGE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/data1`;
/** Targets whose heads collide in the target memo's key: names of one length and ending, groups of one length. */
const pls = (rg: string, i: number) => `/subscriptions/${PROVIDER_SUB}/resourceGroups/${rg}/providers/Microsoft.Network/privateLinkServices/pls0000${i}-westeurope`;
const COLLIDING_TARGETS = [
  ...[0, 1, 2, 3, 4, 5].map((i) => pls('rg-pay', i)),
  pls('rg-aaa', 1),
  pls('rg-bbb', 1),
  pls('rg-bbb', 2),
  pls('RG-PAY', 3),
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-apj`,
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/data0001westeurope`,
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/data0002westeurope`,
];
const TARGET_PATTERNS = [
  pls('rg-pay', 1),
  pls('rg-pay', 2).toUpperCase(),
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-aaa/providers/Microsoft.Network/privateLinkServices/pls0000*`,
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-bbb/**`,
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/*`,
  `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Storage/storageAccounts/data0001westeurope`,
  TARGET, TARGET2.toUpperCase(), `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/*`, `/subscriptions/${PROVIDER_SUB}/**`, `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pay-*`, STORAGE];
const CIDRS = ['10.20.0.0/16', '10.20.1.0/24', '10.99.0.0/16', '0.0.0.0/0', '192.168.1.5/32', '10.20.1.4/32', 'fd00:1::/48', '2001:db8::/32', '::/0'];
/** Nested, adjacent, overlapping, bare, mapped, non-canonical and invalid blocks, for the CIDR sweep. */
const MORE_CIDRS = ['10.20.0.0/17', '10.20.128.0/17', '10.20.1.4/30', '10.20.1.4', '10.20.1.5/24', '10.20.2.0/23', '::ffff:10.20.0.0/112', '010.20.1.0/24', '10.20.1.0/33', 'fd00:1::/64', '10.20.0.0/16'];
const hubSubnets = (g: string) => `/subscriptions/${g}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`;
/** Patterns sharing a bucket (the name segment `hub`) across colliding subscriptions, in and out of the fast compiler's shape. */
const MORE_SUBNET_PATTERNS = [
  hubSubnets(seq(1)),
  hubSubnets(seq(2)),
  hubSubnets(abc(1)),
  hubSubnets(SEQ_A),
  `/subscriptions/${seq(3)}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe`,
  `/SUBSCRIPTIONS/${abc(2).toUpperCase()}/resourceGroups/RG-HUB/providers/Microsoft.Network/virtualNetworks/hub/*/*`,
  `/subscriptions/${seq(2)}/resourceGroups/rg-hub/**`,
  `/subscriptions/${seq(1)}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub*/subnets/pe`,
  `/subscriptions/${seq(0x10)}/resourceGroups/rg.hub(1)/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`,
  `/subscriptions/${seq(1)}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/*/*`,
  `/subscriptions/${seq(1)}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/./*`,
  `/subscriptions/${seq(1)}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/*`,
];
const SUBNET_PATTERNS = [
  SUBNET.replace('/pe', '/*'),
  SUBNET,
  SUBNET.toUpperCase(),
  `/subscriptions/*/resourceGroups/rg-hub/**`,
  `/subscriptions/${STRANGER}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/*/subnets/pe`,
  `/subscriptions/${CONSUMER}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub-*/subnets/*`,
];

const some = <T>(values: readonly T[]) => fc.subarray([...values]);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Present one time in `freq`: a deny or visibility list in every policy would leave little to approve. */
const seldom = <T>(arb: fc.Arbitrary<T>, freq = 3) => fc.oneof({ weight: freq - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const guidSpelling = fc.tuple(fc.constantFrom(...CONSUMERS), fc.boolean()).map(([g, upper]) => (upper ? g.toUpperCase() : g));

const documentArb = (name: string): fc.Arbitrary<PolicyDocument> =>
  fc
    .record({
      mode: maybe(fc.constantFrom('enforce' as const, 'audit' as const)),
      targets: fc.subarray(TARGET_PATTERNS, { minLength: 1, maxLength: 2 }),
      visibility: seldom(fc.oneof(fc.constant(['*']), some(GUIDS))),
      autoApproval: maybe(some(GUIDS)),
      trustedSubnets: maybe(some([...CIDRS, ...SUBNET_PATTERNS, ...MORE_CIDRS, ...MORE_SUBNET_PATTERNS])),
      trustedTenants: maybe(some(GUIDS)),
      deny: seldom(fc.record({ subscriptions: maybe(some(GUIDS)), tenants: maybe(some(GUIDS)), subnets: maybe(some([...CIDRS.slice(2), ...SUBNET_PATTERNS.slice(3), ...MORE_CIDRS.slice(3), ...MORE_SUBNET_PATTERNS.slice(2)])) })),
      requestMessage: seldom(fc.constantFrom('^CHG', '^(CHG|INC)[0-9]{6}\\b', 'x', '^$')),
      connectionLimit: seldom(fc.integer({ min: 0, max: 3 })),
      otherwise: maybe(fc.constantFrom('manual' as const, 'reject' as const)),
    })
    .map((fields) => {
      const document: PolicyDocument = { name, targets: fields.targets };
      // Absent fields stay absent (the loader's shape), never present-and-undefined.
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) (document as unknown as Record<string, unknown>)[key] = value;
      return document;
    });

const policiesArb = fc.integer({ min: 0, max: 4 }).chain((count) =>
  fc.tuple(...Array.from({ length: count }, (_, i) => documentArb(`p${(i * 7) % 5}-${i}`))).map((documents) => documents as PolicyDocument[]),
);

const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** Mostly well-formed, so that most cases reach the policies; each part sometimes subtly off. */
const usually = <T>(good: readonly T[], odd: readonly T[]) => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });

/** Connection IDs whose targets collide in the target memo, in both collections (Proxies moves the key's characters into the segment). */
const collidingConnectionIdArb = fc
  .tuple(
    fc.constantFrom(...COLLIDING_TARGETS),
    usually(['privateEndpointConnections', 'privateEndpointConnectionProxies'], ['PrivateEndpointConnections', 'privateEndpointConnectionproxies']),
    usually(['c1', 'c2', 'pe-1.conn'], ['..', 'a b', 'c%']),
  )
  .map(([t, col, name]) => `${t}/${col}/${name}`);

const connectionIdArb = fc.oneof(
  { weight: 4, arbitrary: collidingConnectionIdArb },
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        usually([TARGET, TARGET2, STORAGE, TARGET.toUpperCase()], [TARGET.replace('/subscriptions/', '/SUBSCRIPTIONS/'), `${TARGET}/`, TARGET.replace('rg-pay', 'rg pay')]),
        usually(['privateEndpointConnections', 'privateEndpointConnectionProxies'], ['PRIVATEENDPOINTCONNECTIONS', 'connections']),
        usually(['c1', 'c2', 'c3'], ['', '.', '..', 'a b', 'x%2F', 'ſ', 'c1?x', 'c\u00a0', 'c'.repeat(2000)]),
      )
      .map(([t, col, name]) => `${t}/${col}/${name}`),
  },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: junk },
);

const peIdArb = fc.oneof(
  { weight: 5, arbitrary: guidSpelling.map((g) => `/subscriptions/${g}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe1`) },
  { weight: 1, arbitrary: guidSpelling.map((g) => `/Subscriptions/${g}`) },
  { weight: 1, arbitrary: fc.constantFrom(`/subscriptions/${CONSUMER}x/rg`, `/subscriptions/${CONSUMER.replace('-', '_')}/x`, `subscriptions/${CONSUMER}/x`, `/subscriptions/${CONSUMER.replace('a', 'ſ')}/x`) },
  { weight: 1, arbitrary: junk },
);

const connectionArb = (status: fc.Arbitrary<unknown>, idArb: fc.Arbitrary<unknown> = connectionIdArb) =>
  fc.record({ id: idArb, status, description: fc.oneof(fc.constantFrom('', 'CHG000001', 'Awaiting approval', ' Manual Approval ', 'INC123456 please'), fc.string(), junk), pe: peIdArb }).map(({ id, status: s, description, pe }) => ({
    id,
    properties: { privateEndpoint: { id: pe }, privateLinkServiceConnectionState: { status: s, description } },
  }));

const ipArb = fc.constantFrom('10.20.1.7', '10.20.128.1', '10.20.127.255', '10.20.3.1', '10.21.0.0', '10.20.1.4', '10.99.0.1', '172.16.0.1', '192.168.1.5', 'fd00:1::5', '::ffff:10.20.1.4', '010.20.1.4', 'junk', '', '10.20.1.4/28', '2001:db8::1');

/** Subnets in subscriptions that collide in the index, listed by a pattern or not. */
const collidingSubnetArb = fc
  .tuple(guidSpelling, fc.constantFrom('rg-hub', 'RG-HUB', 'rg.hub(1)'), fc.constantFrom('hub', 'hub-2', 'hub1'), fc.constantFrom('pe', 'pe2'))
  .map(([g, rg, vnet, subnet]) => `/subscriptions/${g}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`);

const endpointArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        subnet: maybe(fc.oneof(collidingSubnetArb, fc.constantFrom(SUBNET, SUBNET.toUpperCase(), SUBNET.replace('hub', 'hub-2'), SUBNET.replace(CONSUMER, STRANGER), SUBNET.replace('/subscriptions/', '/SUBSCRIPTIONS/'), `${SUBNET}/`, 'junk'), junk)),
        ips: fc.array(ipArb, { maxLength: 3 }),
        dns: maybe(fc.array(ipArb, { maxLength: 2 })),
        nicIps: maybe(fc.array(ipArb, { maxLength: 2 })),
        message: maybe(fc.tuple(fc.constantFrom(TARGET, TARGET.toUpperCase(), TARGET2), fc.constantFrom('CHG123456', '', 'hello'))),
      })
      .map(({ subnet, ips, dns, nicIps, message }) => ({
        properties: {
          subnet: { id: subnet },
          ipConfigurations: ips.map((ip) => ({ properties: { privateIPAddress: ip } })),
          ...(dns === undefined ? {} : { customDnsConfigs: [{ ipAddresses: dns }] }),
          ...(nicIps === undefined ? {} : { networkInterfaces: [{ id: 'nic', properties: { ipConfigurations: nicIps.map((ip) => ({ properties: { privateIPAddress: ip } })) } }] }),
          ...(message === undefined ? {} : { manualPrivateLinkServiceConnections: [{ properties: { privateLinkServiceId: message[0], requestMessage: message[1] } }] }),
        },
      })),
  },
  { weight: 1, arbitrary: junk },
);

const caseArb = (idArb: fc.Arbitrary<unknown> = connectionIdArb): fc.Arbitrary<EvaluationCase> => fc
  .record({
    connection: connectionArb(fc.oneof({ weight: 8, arbitrary: usually(['Pending'], ['pending', 'PENDING', 'Approved', 'Rejected']) }, { weight: 1, arbitrary: junk }), idArb),
    privateEndpoint: maybe(endpointArb),
    privateEndpointUnavailable: maybe(fc.constantFrom('403 from ARM: cross-tenant')),
    ipAddressesUnavailable: maybe(fc.constantFrom('the network interface answered 403')),
    targetConnections: maybe(fc.oneof(fc.array(connectionArb(fc.constantFrom('Approved', 'approved', 'Pending')), { maxLength: 4 }), junk)),
    consumerTenantId: maybe(fc.oneof(guidSpelling, fc.string(), junk)),
  })
  .map((fields) => {
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) input[key] = value;
    return input as unknown as EvaluationCase;
  });

function agree(documents: PolicyDocument[], cases: readonly EvaluationCase[]): void {
  const set = compile(...documents);
  const old = oracleCompile({ revision: 'test', policies: documents.map((document) => ({ file: `${document.name}.json`, document })) });
  for (let round = 0; round < 2; round++) {
    for (const input of cases) {
      expect(evaluate(set, input)).toStrictEqual(oracle.evaluate(old, input));
      expect(evaluateWithDetail(set, input)).toStrictEqual(oracle.evaluateWithDetail(old, input));
    }
  }
}

describe('evaluate() gives the same results as the evaluator before issue 12', () => {
  it('on generated policy sets and cases, in ARM shape and subtly off', () => {
    fc.assert(fc.property(policiesArb, fc.array(caseArb(), { minLength: 1, maxLength: 6 }), agree), { numRuns: FUZZ_RUNS });
  });

  it('on targets and subscriptions whose memo and index keys collide', () => {
    // Every run lists 9 or more GUIDs of one index key (a crowd past the chain) beside the drawn
    // policies, and decides every colliding target in both collections (10 heads a key, past the
    // memo's chain too) among drawn cases, warm and cold.
    const crowdArb = fc
      .record({
        autoApproval: fc.shuffledSubarray(CROWD, { minLength: 9 }),
        deny: fc.record({ subscriptions: fc.subarray(CROWD, { maxLength: 3 }) }),
        trustedSubnets: fc.subarray(CROWD.map(hubSubnets), { minLength: 1, maxLength: 4 }),
        targets: fc.subarray(TARGET_PATTERNS, { minLength: 1, maxLength: 3 }),
      })
      .map((fields): PolicyDocument => ({ name: 'crowd', ...fields }));
    const policies = fc.tuple(crowdArb, fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }).chain((ids) => fc.tuple(...ids.map((i) => documentArb(`p${i}`))))).map(([crowd, others]) => [crowd, ...(others as PolicyDocument[])]);
    const sweep = fc.tuple(...COLLIDING_TARGETS.flatMap((t) => ['privateEndpointConnections', 'privateEndpointConnectionProxies'].map((col) => caseArb(fc.constant(`${t}/${col}/c1`)))));
    const cases = fc.tuple(fc.array(caseArb(collidingConnectionIdArb), { minLength: 4, maxLength: 12 }), sweep).chain(([drawn, all]) => fc.shuffledSubarray([...drawn, ...all], { minLength: drawn.length + all.length }));
    fc.assert(fc.property(policies, cases, agree), { numRuns: Math.ceil(FUZZ_RUNS / 3) });
  });

  it('before and after the target memo grows past its cap', () => {
    // resolve-target.ts clears its memos at 100,000 targets (MAX_MEMO, a module constant); filling
    // them costs ~1 s of full parses. The filler's names end differently, so it forms no memo chain.
    const fill = (i: number) => `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-fill/providers/Microsoft.Network/privateLinkServices/f${i}/privateEndpointConnections/c`;
    const documents: PolicyDocument[] = [
      { name: 'a', targets: [`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-fill/**`, pls('rg-pay', 1)], autoApproval: [seq(1), seq(3)], deny: { subscriptions: [seq(2)] } },
      { name: 'b', targets: [`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-pay/providers/Microsoft.Network/privateLinkServices/pls0000*`], visibility: [seq(1), seq(2)], otherwise: 'reject' },
      { name: 'c', mode: 'audit', targets: [`/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-bbb/**`], trustedSubnets: [hubSubnets(seq(1)), hubSubnets(seq(2))] },
    ];
    const probes: EvaluationCase[] = [];
    for (const target of COLLIDING_TARGETS)
      for (const collection of ['privateEndpointConnections', 'privateEndpointConnectionProxies'])
        for (const consumer of [seq(1), seq(2), seq(0)]) {
          const pe = `/subscriptions/${consumer}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe1`;
          const subnet = `/subscriptions/${consumer}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe`;
          probes.push({
            connection: { id: `${target}/${collection}/c1`, properties: { privateEndpoint: { id: pe }, privateLinkServiceConnectionState: { status: 'Pending', description: '' } } },
            privateEndpoint: { properties: { subnet: { id: subnet }, ipConfigurations: [{ properties: { privateIPAddress: '10.20.1.4' } }] } },
          });
        }
    const set = compile(...documents);
    const old = oracleCompile({ revision: 'test', policies: documents.map((document) => ({ file: `${document.name}.json`, document })) });
    let wrong = 0;
    // Chunks that do not divide the cap, so that a clear falls between probes and among them.
    for (let chunk = 0, next = 0; chunk < 11; chunk++) {
      for (const input of probes) {
        expect(evaluate(set, input)).toStrictEqual(oracle.evaluate(old, input));
        expect(evaluateWithDetail(set, input)).toStrictEqual(oracle.evaluateWithDetail(old, input));
      }
      for (const end = next + 9_973; next < end; next++) {
        const id = fill(next);
        const resolved = set.resolveConnection(id);
        if ('error' in resolved || resolved.target !== id.slice(0, id.lastIndexOf('/privateEndpointConnections/')) || resolved.plan.enforce.length !== 1 || resolved.plan.enforce[0]!.name !== 'a') wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('on any JSON at all', () => {
    const anyCase = fc.record({ connection: fc.jsonValue(), privateEndpoint: fc.jsonValue(), targetConnections: fc.jsonValue(), consumerTenantId: fc.jsonValue() }) as unknown as fc.Arbitrary<EvaluationCase>;
    fc.assert(fc.property(policiesArb, fc.array(fc.oneof(anyCase, fc.jsonValue() as unknown as fc.Arbitrary<EvaluationCase>), { minLength: 1, maxLength: 4 }), agree), { numRuns: FUZZ_RUNS });
  });
});
