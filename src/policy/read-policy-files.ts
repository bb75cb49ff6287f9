/**
 * Reads a policy folder as an untrusted input: only regular files (a FIFO would block the reader,
 * a device such as /dev/zero never ends), no symbolic link leading out of the folder (a link to
 * /proc/self/environ must not be read, let alone echoed in an error), a size cap per file, a bound
 * on files open at once (a folder of thousands of policies must not exhaust descriptors), and
 * strict UTF-8 (an invalid byte is an error naming the file and offset, never a silent U+FFFD).
 */
import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { mapWithConcurrency } from '../pipeline/map-with-concurrency.js';
import { PolicyLoadError, type PolicyError } from './policy-error.js';
import { readUpToCap } from './read-up-to-cap.js';

export interface ReadLimits {
  /** Largest policy file accepted, in bytes. */
  maxFileBytes: number;
  /** Files open at once. */
  maxOpen: number;
}

/** 16 MiB: ten times the largest realistic policy (100,000 CIDRs and 10,000 subnet patterns take ~4 MB). */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileBytes: 16 * 1024 * 1024, maxOpen: 16 };

export type PolicyFileRead = { file: string; text: string } | { file: string; error: PolicyError };

/** Policy files of a folder: `*.json`, not `*.test.json`, sorted. Folders named x.json are skipped. */
export async function listPolicyFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyLoadError(
      [{ file: dir, pointer: '', message: code === 'ENOENT' ? 'policy folder not found' : `cannot read the policy folder (${code ?? 'error'})`, fix: 'pass --policies DIR or set LINKGATE_POLICY_DIR to the folder holding your policy files' }],
      2,
    );
  }
  return entries
    .filter((e) => !e.isDirectory() && e.name.endsWith('.json') && !e.name.endsWith('.test.json'))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
}

function kindOf(stats: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Index of the first byte that is not part of well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min, max] = [2, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf]; // no overlongs, no surrogates
    else if (b >= 0xf0 && b <= 0xf4) [need, min, max] = [3, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf]; // ≤ U+10FFFF
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuse(file: string, message: string, fix: string): PolicyFileRead {
  return { file, error: { file, pointer: '', message, fix } };
}

/** One file, checked before and after opening (the entry may change in between). */
export async function readPolicyFile(file: string, realDir: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<PolicyFileRead> {
  let real = file;
  try {
    const entry = await lstat(file);
    if (entry.isSymbolicLink()) {
      real = await realpath(file);
      if (!real.startsWith(realDir + path.sep)) {
        return refuse(file, 'is a symbolic link leading outside the policy folder; it was not read', 'copy the policy into the folder, or link only to files inside it');
      }
    }
    // Not a link: lstat said what stat would (one system call less per file of a big folder).
    const before = entry.isSymbolicLink() ? await stat(real) : entry;
    if (!before.isFile()) return refuse(file, `is ${kindOf(before)}, not a regular file; it was not read`, 'policy files must be regular files; remove it or rename it so it does not end in .json');
    if (before.size > limits.maxFileBytes) return refuse(file, `is ${before.size} bytes, over the ${limits.maxFileBytes}-byte limit for one policy file`, 'split it into several policies');
  } catch (error) {
    return refuse(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'check that the file exists and is readable');
  }
  // O_NONBLOCK: if the entry became a FIFO since stat, opening it still returns at once.
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => error);
  if (handle instanceof Error) return refuse(file, `cannot be read (${handle.code ?? 'error'})`, 'check that the file exists and is readable');
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) return refuse(file, `is ${kindOf(opened)}, not a regular file; it was not read`, 'policy files must be regular files');
    const bytes = await readUpToCap(handle, opened.size, limits.maxFileBytes);
    if (bytes.length > limits.maxFileBytes) return refuse(file, `is over the ${limits.maxFileBytes}-byte limit for one policy file`, 'split it into several policies');
    try {
      return { file, text: decoder.decode(bytes) };
    } catch {
      const offset = firstInvalidUtf8(bytes);
      return refuse(file, `is not valid UTF-8: invalid byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset}`, 'save the file as UTF-8');
    }
  } finally {
    await handle.close();
  }
}

/** Every policy file of the folder, read with at most `limits.maxOpen` open at once, in file order. */
export async function readPolicyFolder(dir: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<{ files: string[]; reads: PolicyFileRead[] }> {
  const files = await listPolicyFiles(dir);
  const realDir = await realpath(dir);
  const settled = await mapWithConcurrency(files, limits.maxOpen, (file) => readPolicyFile(file, realDir, limits));
  const reads = settled.map((r, i) =>
    r.status === 'fulfilled' ? r.value : { file: files[i]!, error: { file: files[i]!, pointer: '', message: `cannot be read (${(r.reason as NodeJS.ErrnoException).code ?? 'error'})`, fix: 'check that the file exists and is readable' } },
  );
  return { files, reads };
}
