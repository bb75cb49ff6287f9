/**
 * The benchmark's policy set, as issue 2 sizes it: 10,000 subscriptions, 100,000 CIDRs and
 * 10,000 subnet patterns, spread over 100 policies, plus the cases evaluated against it.
 * Deterministic (seeded), so figures compare across runs.
 */
import { seededRandom } from '../emulator/world.js';
import type { EvaluationCase, PolicyDocument, PolicySet } from '../src/policy/types.js';

/** The emulator's seeded PRNG (mulberry32), so bench inputs are the same on every run. */
export const seeded = seededRandom;

export function guid(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

export const PROVIDER = '1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
export const POLICIES = 100;

export function targetOf(i: number): string {
  return `/subscriptions/${PROVIDER}/resourceGroups/rg-${i % POLICIES}/providers/Microsoft.Network/privateLinkServices/pls-${i}`;
}

export interface BigSet {
  set: PolicySet;
  subscriptions: string[];
  cidrs: string[];
  subnets: string[];
}

export function bigPolicySet(sizes = { subscriptions: 10_000, cidrs: 100_000, subnets: 10_000 }): BigSet {
  const random = seeded(42);
  const subscriptions = Array.from({ length: sizes.subscriptions }, () => guid(random));
  // Distinct /26s in 10.0.0.0/8 (262,144 of them), in random order; bounded: one pass over a shuffle.
  const blocks = Array.from({ length: 1 << 18 }, (_, i) => i);
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
  }
  const cidrs = blocks.slice(0, Math.min(sizes.cidrs, blocks.length)).map((b) => `10.${b >> 10}.${(b >> 2) & 255}.${(b & 3) * 64}/26`);
  const subnets = Array.from({ length: sizes.subnets }, (_, i) => `/subscriptions/${subscriptions[i % subscriptions.length]}/resourceGroups/rg-net-${i}/providers/Microsoft.Network/virtualNetworks/hub-${i}/subnets/*`);
  const per = (list: string[], p: number) => list.filter((_, i) => i % POLICIES === p);
  const documents: PolicyDocument[] = Array.from({ length: POLICIES }, (_, p) => ({
    name: `policy-${p}`,
    targets: [`/subscriptions/${PROVIDER}/resourceGroups/rg-${p}/providers/Microsoft.Network/privateLinkServices/*`],
    visibility: ['*'],
    autoApproval: per(subscriptions, p),
    trustedSubnets: [...per(cidrs, p), ...per(subnets, p)],
    deny: { subscriptions: [guid(random)], subnets: ['192.168.66.0/24'] },
    otherwise: 'manual',
  }));
  return { set: { revision: 'bench', policies: documents.map((document) => ({ file: `${document.name}.json`, document })) }, subscriptions, cidrs, subnets };
}

/** A realistic mix: a third approved by subscription, a third by IP, a third left manual. */
export function benchCases(big: BigSet, count: number): EvaluationCase[] {
  const random = seeded(7);
  return Array.from({ length: count }, (_, i) => {
    const policyIndex = i % POLICIES;
    const kind = i % 3;
    const consumer = kind === 0 ? big.subscriptions[(Math.floor(random() * 100) * POLICIES + policyIndex) % big.subscriptions.length]! : guid(random);
    const cidr = big.cidrs[(Math.floor(random() * 1000) * POLICIES + policyIndex) % big.cidrs.length]!;
    const ip = kind === 1 ? cidr.replace(/\.(\d+)\/26$/u, (_m, last: string) => `.${Number(last) + 7}`) : `172.31.${i % 250}.9`;
    const target = targetOf(policyIndex + POLICIES * (i % 50));
    return {
      connection: {
        id: `${target}/privateEndpointConnections/c${i}`,
        etag: 'W/"1"',
        properties: {
          privateEndpoint: { id: `/subscriptions/${consumer}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe${i}` },
          privateLinkServiceConnectionState: { status: 'Pending', description: 'CHG000001', actionsRequired: 'None' },
        },
      },
      privateEndpoint: {
        properties: {
          subnet: { id: `/subscriptions/${consumer}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke/subnets/pe` },
          ipConfigurations: [{ properties: { privateIPAddress: ip } }],
        },
      },
    };
  });
}

/** The same entries as one policy governing every benchmark target: the shape issue 12 found slow. */
export function hugeSinglePolicy(big: BigSet): PolicyDocument {
  const documents = big.set.policies.map((p) => p.document);
  return {
    name: 'huge',
    targets: [`/subscriptions/${PROVIDER}/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*`],
    visibility: ['*'],
    autoApproval: documents.flatMap((d) => d.autoApproval ?? []),
    trustedSubnets: documents.flatMap((d) => d.trustedSubnets ?? []),
    deny: { subscriptions: documents.flatMap((d) => d.deny?.subscriptions ?? []), subnets: ['192.168.66.0/24'] },
    otherwise: 'manual',
  };
}

/** Writes policy documents into a folder as policy files, one per document. */
export async function writePolicyFolder(dir: string, documents: readonly PolicyDocument[]): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await Promise.all(documents.map((d) => writeFile(join(dir, `${d.name}.json`), JSON.stringify(d, null, 2))));
}
