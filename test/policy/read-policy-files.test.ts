/**
 * The policy folder is untrusted input: each unsafe entry is refused with an error naming the
 * file, and never read (symlinks out, FIFOs, devices), bounded (size), or decoded leniently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/policy/load-policies.js';
import { firstInvalidUtf8 } from '../../src/policy/read-policy-files.js';

const TARGET = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*';
const policy = (name: string): string => JSON.stringify({ name, targets: [TARGET], otherwise: 'reject' });

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'linkgate-read-'));
  dir = path.join(root, 'policies');
  await mkdir(dir);
  await writeFile(path.join(dir, 'good.json'), policy('good'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(file: string, ...args: Parameters<typeof loadPolicies> extends [string, ...infer R] ? R : never): Promise<string> {
  const result = await loadPolicies(dir, ...args);
  expect(result.ok).toBe(false);
  const errors = result.ok ? [] : result.errors;
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ file: path.join(dir, file), pointer: '', fix: expect.any(String) });
  return errors[0]!.message;
}

describe('reading a policy folder safely', () => {
  it('refuses a symlink leading out of the folder without reading it', async () => {
    await writeFile(path.join(root, 'secret.json'), 'SECRET=hunter2');
    await symlink(path.join(root, 'secret.json'), path.join(dir, 'leak.json'));
    const message = await refusal('leak.json');
    expect(message).toContain('symbolic link leading outside the policy folder');
    expect(message).not.toContain('SECRET');
  });

  it('refuses links to /proc/self/environ and /dev/zero', async () => {
    await symlink('/proc/self/environ', path.join(dir, 'environ.json'));
    await symlink('/dev/zero', path.join(dir, 'zero.json'));
    const result = await loadPolicies(dir);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => [path.basename(e.file), e.message.includes('outside the policy folder')])).toEqual([
      ['environ.json', true],
      ['zero.json', true],
    ]);
  });

  it('follows a symlink that stays inside the folder', async () => {
    await mkdir(path.join(dir, 'shared'));
    await writeFile(path.join(dir, 'shared', 'base.txt'), policy('linked'));
    await symlink(path.join(dir, 'shared', 'base.txt'), path.join(dir, 'linked.json'));
    const result = await loadPolicies(dir);
    expect(result.ok && result.set.policies.map((p) => p.document.name)).toEqual(['good', 'linked']);
  });

  it('refuses a FIFO without opening it for a blocking read', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    expect(await refusal('pipe.json')).toContain('FIFO');
  });

  it('refuses a file over the size cap', async () => {
    await writeFile(path.join(dir, 'big.json'), JSON.stringify({ name: 'big', targets: [TARGET], description: 'x'.repeat(5_000) }));
    expect(await refusal('big.json', { maxFileBytes: 4_096, maxOpen: 4 })).toMatch(/is \d+ bytes, over the 4096-byte limit/u);
  });

  it('refuses invalid UTF-8, naming the offset, instead of decoding it to U+FFFD', async () => {
    const text = Buffer.from(policy('bad'));
    const at = text.indexOf('reject') + 2;
    text[at] = 0xff;
    await writeFile(path.join(dir, 'bad.json'), text);
    expect(await refusal('bad.json')).toBe(`is not valid UTF-8: invalid byte 0xff at byte offset ${at}`);
  });

  it('firstInvalidUtf8 follows RFC 3629 (no overlongs, surrogates, or code points past U+10FFFF)', () => {
    const at = (...bytes: number[]): number => firstInvalidUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBe(-1);
    expect(at(0x61, 0xc0, 0x80)).toBe(1);
    expect(at(0xe0, 0x80, 0x80)).toBe(0);
    expect(at(0x61, 0xed, 0xa0, 0x80)).toBe(1);
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0);
    expect(at(0xf5)).toBe(0);
    expect(at(0x61, 0x62, 0xe2, 0x82)).toBe(2);
    expect(at(0x80)).toBe(0);
  });

  it('loads 5,000 files under a limit of 64 open descriptors', async () => {
    for (let i = 0; i < 5_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, k) => writeFile(path.join(dir, `p-${i + k}.json`), policy(`p-${i + k}`))));
    }
    // The loader as one file (packages stay external, resolved from the repo's node_modules), run
    // by a child whose descriptor limit is far below the file count.
    const script = path.join(process.cwd(), 'node_modules', '.cache', 'linkgate-test', `load-${process.pid}.mjs`);
    await build({
      stdin: { contents: `import { loadPolicies } from ${JSON.stringify(path.resolve('src/policy/load-policies.ts'))};\nconst r = await loadPolicies(process.argv[2]);\nconsole.log(JSON.stringify({ ok: r.ok, n: r.ok ? r.set.policies.length : r.errors.slice(0, 3) }));`, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: script,
      logLevel: 'silent',
    });
    try {
      const child = spawnSync('bash', ['-c', 'ulimit -n 64 && exec "$0" "$1" "$2"', process.execPath, script, dir], { encoding: 'utf8', timeout: 120_000 });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual({ ok: true, n: 5_001 });
    } finally {
      await rm(script, { force: true });
    }
  }, 180_000);
});
