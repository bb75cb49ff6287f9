/** `linkgate export-connections`: the live connections of governed targets, as evaluate input lines. */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { EXIT_OK, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { policyDir } from '../policy-options.js';
import { writeWithBackpressure } from '../../util/write-with-backpressure.js';

export const HELP = `Usage: linkgate export-connections [--out FILE] [--policies DIR]

Writes the live private endpoint connections of every governed provider resource as JSON Lines in
evaluate's input format, one connection a line, with the consumer's private endpoint, the target's
connections and the consumer's home tenant:
  {"connection": {...}, "privateEndpoint": {...}?, "targetConnections": [...], "consumerTenantId": "..."?}
Targets are found as the sweep finds them (Resource Graph over LINKGATE_SWEEP_SCOPES, plus
LINKGATE_SWEEP_TARGETS) and kept when a policy in DIR governs them; the connections are read from
ARM. A scheduled job with Azure access refreshes this snapshot so that CI without it can run
linkgate plan --connections FILE on every pull request.

Options:
  --out FILE      write here instead of stdout (written whole or not at all: FILE.partial, then renamed;
                  missing parent folders are created)
  --policies DIR  which targets count as governed (default: $LINKGATE_POLICY_DIR or ./policies)
  --help          this help

Exit codes: 0 written, 1 ARM or policy errors, 2 bad usage or configuration.
`;


export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, policies: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const [{ loadPolicySetOrThrow }, { compilePolicies }, { readLiveConnections }, { withLiveArm }, { mkdir, rename, rm }] = await Promise.all([
    import('../../policy/load-policies.js'),
    import('../../policy/compile-policies.js'),
    import('../../plan/read-live-connections.js'),
    import('../live-arm.js'),
    import('node:fs/promises'),
  ]);
  const dir = policyDir(values.policies, io);
  const policies = compilePolicies(await loadPolicySetOrThrow(path.resolve(io.cwd, dir)));
  const out = values.out === undefined ? undefined : path.resolve(io.cwd, values.out);
  const partial = out === undefined ? undefined : `${out}.partial`;
  // A snapshot usually goes into a folder of its own (policy-snapshot/), absent on the first run.
  if (out !== undefined) await mkdir(path.dirname(out), { recursive: true });
  const stream: Writable = partial === undefined ? io.stdout : createWriteStream(partial);
  let count = 0;
  let targets = 0;
  try {
    await withLiveArm(io, dir, async (arm, config) => {
      const cases = readLiveConnections(arm, { scopes: config.sweep.scopes, extraTargets: config.sweep.extraTargets, governs: (key) => policies.governs(key), onDiscovered: (found) => (targets = found.targets) });
      for await (const input of cases) {
        count++;
        const pending = writeWithBackpressure(stream, JSON.stringify(input) + '\n');
        if (pending !== undefined) await pending;
      }
    });
    if (partial !== undefined && out !== undefined) {
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await rename(partial, out);
    }
  } catch (error) {
    if (partial !== undefined) {
      stream.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  }
  io.stderr.write(`${count} connection(s) of ${targets} governed target(s)${out === undefined ? '' : ` written to ${values.out ?? ''}`}\n`);
  return EXIT_OK;
}
