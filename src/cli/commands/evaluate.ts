/**
 * `linkgate evaluate [FILE|-]`: JSON Lines in, JSON Lines out, in order, streaming. A line that
 * cannot be read becomes {"error": "..."} on that line and the rest go on, so a bulk what-if over
 * a million connections never stops at one bad record.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { CompiledPolicySet } from '../../policy/compile-policies.js';
import type { EvaluationCase } from '../../policy/types.js';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';
import { messageOf } from '../../errors/linkgate-error.js';
import { evaluationInputShapeError } from '../evaluation-input-shape.js';
import { writeWithBackpressure } from '../../util/write-with-backpressure.js';
import { lineBatches } from '../line-batches.js';

export const HELP = `Usage: linkgate evaluate [FILE|-] [--policies DIR]

Bulk what-if: reads JSON Lines (FILE, or stdin when FILE is '-' or absent), one case per line:
  {"connection": {...}, "privateEndpoint": {...}?, "targetConnections": [...]?, "consumerTenantId": "..."?}
(ARM JSON exactly as ARM returns it) and writes one line per input line, in the same order:
  {"connectionId": "...", "decision": "approve|reject|manual|ignore", "policy": "..."|null, "reasons": [...]}
A line that cannot be read yields {"error": "..."} and the rest go on.

Options:
  --policies DIR  policy folder (default: $LINKGATE_POLICY_DIR or ./policies)
  --help          this help

Exit codes: 0 done (even with error lines), 1 invalid policies or unreadable input, 2 bad usage.
`;

const FLUSH_BYTES = 64 * 1024;

/** Decides one input line; never throws. */
export function evaluateLine(compiled: CompiledPolicySet, line: string, evaluate: (c: CompiledPolicySet, input: EvaluationCase) => { connectionId: string; decision: string; policy: string | null; reasons: string[] }): string {
  if (line.trim().length === 0) return '{"error":"empty line"}';
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (error) {
    return JSON.stringify({ error: `not JSON: ${messageOf(error)}` });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return '{"error":"a line must be a JSON object with a \\"connection\\""}';
  if (!('connection' in input)) return '{"error":"missing \\"connection\\""}';
  const shape = evaluationInputShapeError(input as Record<string, unknown>);
  if (shape !== undefined) return JSON.stringify({ error: shape });
  try {
    const d = evaluate(compiled, input as EvaluationCase);
    return JSON.stringify({ connectionId: d.connectionId, decision: d.decision, policy: d.policy, reasons: d.reasons });
  } catch (error) {
    // evaluate is total by design; if that promise is ever broken, the line says so and the stream goes on.
    return JSON.stringify({ error: `evaluation failed: ${messageOf(error)}` });
  }
}


export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { policies: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError('give at most one input FILE (or - for stdin)');
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { evaluate }] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../policy/evaluate.js'),
  ]);
  const compiled = compilePolicies(await loadPolicySetOrThrow(path.resolve(io.cwd, policyDir(values.policies, io))));
  const file = positionals[0];
  const input = file === undefined || file === '-' ? io.stdin : createReadStream(path.resolve(io.cwd, file));
  const opened = new Promise<void>((resolve, reject) => {
    if (input === io.stdin) resolve();
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    const { LinkgateError } = await import('../../errors/linkgate-error.js');
    throw new LinkgateError(`cannot read ${file ?? 'stdin'}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`, { hint: 'check the path, or pipe JSON Lines to stdin' });
  }
  // Batch input (the lines of a chunk) and output (one write per ~64 KiB): a 50,000-line run
  // then costs little more than parsing the lines and deciding them.
  let buffer = '';
  try {
    for await (const lines of lineBatches(input)) {
      for (const line of lines) {
        buffer += evaluateLine(compiled, line, evaluate) + '\n';
        if (buffer.length >= FLUSH_BYTES) {
          const pending = writeWithBackpressure(io.stdout, buffer);
          buffer = '';
          if (pending !== undefined) await pending;
        }
      }
    }
  } catch (error) {
    // A read error mid-stream (a folder given as FILE, a disk error): what was decided is written, then exit 1.
    if (buffer.length > 0) await writeWithBackpressure(io.stdout, buffer);
    const { LinkgateError } = await import('../../errors/linkgate-error.js');
    throw new LinkgateError(`cannot read ${file ?? 'stdin'}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`, { hint: 'give a JSON Lines file, or pipe JSON Lines to stdin' });
  }
  if (buffer.length > 0) await writeWithBackpressure(io.stdout, buffer);
  return EXIT_OK;
}
