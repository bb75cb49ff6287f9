/**
 * A connections snapshot: JSON Lines in `evaluate`'s input format (DESIGN §3), as
 * `linkgate export-connections` writes it. Each line becomes a case or an error naming the line,
 * so a plan can say exactly which lines it could not use.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { LinkgateError, messageOf } from '../errors/linkgate-error.js';
import type { EvaluationCase } from '../policy/types.js';

export type SnapshotLine = { case: EvaluationCase } | { error: string };

export function parseSnapshotLine(line: string, number: number): SnapshotLine | undefined {
  if (line.trim().length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `line ${number}: not JSON (${messageOf(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('connection' in value)) {
    return { error: `line ${number}: not an evaluate input object with a "connection"` };
  }
  return { case: value as EvaluationCase };
}

/** Opens a snapshot file ('-' for stdin); a file that cannot be opened is a LinkgateError. */
export async function openSnapshot(file: string, stdin: Readable): Promise<Readable> {
  if (file === '-') return stdin;
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    throw new LinkgateError(`cannot read ${file}: ${error.code ?? error.message}`, { code: 'SnapshotUnreadable', hint: 'give the JSON Lines file linkgate export-connections wrote' });
  });
  return stream;
}

export async function* readSnapshot(input: Readable): AsyncGenerator<SnapshotLine> {
  let number = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const parsed = parseSnapshotLine(line, ++number);
    if (parsed !== undefined) yield parsed;
  }
}
