/**
 * Rotation (LINKGATE_AUDIT_MAX_BYTES): the live file `audit.jsonl` is renamed to `audit.N.jsonl`
 * (N = 1, 2, …; a higher N is newer) once it would grow past the limit, and a fresh live file
 * starts. Readers read every segment, oldest first or newest first.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export interface Segment {
  path: string;
  /** 0 for the live file; N for audit.N.jsonl. */
  number: number;
}

function parts(file: string): { dir: string; stem: string; ext: string } {
  const ext = extname(file);
  return { dir: dirname(file), stem: basename(file, ext), ext };
}

export function rolledPath(file: string, n: number): string {
  const { dir, stem, ext } = parts(file);
  return join(dir, `${stem}.${n}${ext}`);
}

/** The rolled segments (oldest first) then the live file; files that do not exist are left out, the live one is always listed. */
export async function listSegments(file: string): Promise<Segment[]> {
  const { dir, stem, ext } = parts(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [{ path: file, number: 0 }];
  }
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const rolled = new RegExp(`^${escape(stem)}\\.([1-9][0-9]{0,8})${escape(ext)}$`, 'u');
  const segments: Segment[] = [];
  for (const name of names) {
    const n = rolled.exec(name)?.[1];
    if (n !== undefined) segments.push({ path: join(dir, name), number: Number(n) });
  }
  segments.sort((a, b) => a.number - b.number);
  segments.push({ path: file, number: 0 });
  return segments;
}
