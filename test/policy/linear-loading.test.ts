/**
 * Loading is linear in the number of entries: the work (every read of the document by the
 * validator, the semantic checks, the revision hash and the compiler, counted through a Proxy)
 * doubles when the entries double. The same counter sees ajv's pairwise `uniqueItems` on the
 * published schema grow fourfold, so it would catch a quadratic step coming back.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import policySchema from '../../policies/schema/policy.schema.json' with { type: 'json' };
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { checkPolicyDocument, validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { policyRevision } from '../../src/policy/policy-revision.js';
import type { PolicyDocument } from '../../src/policy/types.js';

const PROVIDER = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
const guid = (i: number, tag: string): string => `${i.toString(16).padStart(8, '0')}-${tag}-4000-8000-000000000000`;

/** One policy with n subscriptions (allowed and denied), 10·n CIDRs and n subnet patterns. */
function hugePolicy(n: number): PolicyDocument {
  return {
    name: 'huge',
    targets: [`/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*`],
    visibility: Array.from({ length: n }, (_, i) => guid(i, 'aaaa')),
    autoApproval: Array.from({ length: n }, (_, i) => guid(i, 'aaaa')),
    trustedSubnets: [
      ...Array.from({ length: 10 * n }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`),
      ...Array.from({ length: n }, (_, i) => `/subscriptions/${guid(i, 'bbbb')}/resourceGroups/rg-${i}/providers/Microsoft.Network/virtualNetworks/hub/subnets/*`),
    ],
    trustedTenants: Array.from({ length: n }, (_, i) => guid(i, 'cccc')),
    deny: { subscriptions: Array.from({ length: n }, (_, i) => guid(i, 'dddd')) },
    otherwise: 'manual',
  };
}

/** The document behind a Proxy that counts every read (get, has, keys, descriptors), at any depth. */
function counted<T extends object>(document: T): { document: T; reads: () => number } {
  let reads = 0;
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    let proxy = proxies.get(value);
    if (proxy === undefined) {
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          reads++;
          return wrap(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          reads++;
          return Reflect.has(target, key);
        },
        ownKeys(target) {
          reads++;
          return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(target, key) {
          reads++;
          const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
          return descriptor === undefined ? undefined : { ...descriptor, value: wrap(descriptor.value) };
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  return { document: wrap(document) as T, reads: () => reads };
}

function loadingWork(n: number): number {
  const { document, reads } = counted(hugePolicy(n));
  expect(checkPolicyDocument('huge.json', document)).toEqual([]);
  policyRevision([document]);
  compilePolicies({ revision: 'r', policies: [{ file: 'huge.json', document }] });
  return reads();
}

describe('policy loading is linear in the number of entries', () => {
  it('validation, semantic checks, revision and compilation: twice the entries, twice the work', () => {
    const small = loadingWork(400);
    const large = loadingWork(800);
    expect(large / small).toBeGreaterThan(1.8);
    expect(large / small).toBeLessThan(2.2);
  });

  it('the counter sees the quadratic uniqueItems of the published schema (so it can fail)', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(policySchema);
    const work = (n: number): number => {
      const { document, reads } = counted(hugePolicy(n));
      expect(validate(document)).toBe(true);
      return reads();
    };
    expect(work(60) / work(30)).toBeGreaterThan(3.5);
  });

  it('duplicates are still found, at the pointer the published schema reports them', () => {
    const published = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(policySchema);
    const document = hugePolicy(20);
    document.trustedSubnets!.push(document.trustedSubnets![5]!);
    document.deny!.subscriptions!.push(document.deny!.subscriptions![0]!);
    document.targets.push(document.targets[0]!);
    published(document);
    const expected = (published.errors ?? []).filter((e) => e.keyword === 'uniqueItems').map((e) => e.instancePath).sort();
    const result = validatePolicyDocuments([{ file: 'huge.json', text: JSON.stringify(document) }]);
    expect(result.ok).toBe(false);
    const found = result.ok ? [] : result.errors.filter((e) => e.message === 'has duplicate entries').map((e) => e.pointer).sort();
    expect(found).toEqual(expected);
    expect(found).toEqual(['/deny/subscriptions', '/targets', '/trustedSubnets']);
  });
});
