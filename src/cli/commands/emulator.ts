/**
 * `linkgate emulator`: runs the local ARM emulator (emulator/, a test double of Azure Resource
 * Manager) on 127.0.0.1 until SIGINT/SIGTERM, so `serve`, `reconcile` and hand-made requests can be
 * pointed at it. The emulator is imported lazily: no other command loads it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { messageOf } from '../../errors/linkgate-error.js';

export const HELP = `Usage: linkgate emulator [--port N] [--world FILE | --generate TARGETSxCONNECTIONS [--seed N]]
                         [--token T] [--page-size N] [--no-throttle]

Runs the local ARM emulator, a test double of Azure Resource Manager, on 127.0.0.1 until Ctrl-C.
Without --world or --generate it serves the demo world (emulator/demo-world.ts).

Options:
  --port N           port (default 0: a free one, printed at start)
  --world FILE       a JSON world (format: emulator/README.md)
  --generate TxC     a generated world of T targets with C connections each, e.g. 200x50
  --seed N           seed of the generated world and of the fault dice (default 1)
  --token T          the bearer token clients must send (default: emulator-token)
  --page-size N      page size of privateEndpointConnections lists (default 20)
  --no-throttle      turn off the per-subscription token buckets and the Resource Graph quota (429s)
  --help             this help

Point linkgate at it with the two variables it prints:
  LINKGATE_ARM_ENDPOINT=http://127.0.0.1:PORT  LINKGATE_ARM_TOKEN=<token>
`;

export interface EmulatorArgs {
  port: number;
  worldFile: string | undefined;
  generate: { targets: number; connectionsPerTarget: number } | undefined;
  seed: number;
  token: string | undefined;
  pageSize: number | undefined;
  throttle: boolean;
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/u.test(text) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got '${text}'`);
  }
  return value;
}

/** Pure: argv → settings, or UsageError. */
export function parseEmulatorArgs(args: string[]): EmulatorArgs | 'help' {
  const { values } = parseCommandArgs(args, {
      port: { type: 'string' },
      world: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      'page-size': { type: 'string' },
      'no-throttle': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
  if (values.help === true) return 'help';
  if (values.world !== undefined && values.generate !== undefined) throw new UsageError('give --world or --generate, not both');
  let generate: EmulatorArgs['generate'];
  if (values.generate !== undefined) {
    const match = /^(\d+)x(\d+)$/iu.exec(values.generate);
    if (match === null) throw new UsageError(`--generate must look like TARGETSxCONNECTIONS, e.g. 200x50; got '${values.generate}'`);
    generate = { targets: integer('generate', match[1] ?? '', 1, 100_000), connectionsPerTarget: integer('generate', match[2] ?? '', 0, 10_000) };
  }
  if (values.token !== undefined && (values.token === '' || /\s/u.test(values.token))) throw new UsageError('--token must be non-empty without spaces');
  return {
    port: values.port === undefined ? 0 : integer('port', values.port, 0, 65535),
    worldFile: values.world,
    generate,
    seed: values.seed === undefined ? 1 : integer('seed', values.seed, 0, 2 ** 32 - 1),
    token: values.token,
    pageSize: values['page-size'] === undefined ? undefined : integer('page-size', values['page-size'], 1, 1000),
    throttle: values['no-throttle'] !== true,
  };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseEmulatorArgs(args);
  if (parsed === 'help') {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const { startArmEmulator } = await import('../../../emulator/arm-emulator.js');
  const { loadWorld, generateWorld, WorldError } = await import('../../../emulator/world.js');
  let world;
  let source: string;
  if (parsed.worldFile !== undefined) {
    const path = resolve(io.cwd, parsed.worldFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new WorldError(`cannot read world file ${path}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`, { hint: 'Check the --world path.', exitCode: 2 });
    }
    world = loadWorld(text);
    source = path;
  } else if (parsed.generate !== undefined) {
    world = generateWorld({ ...parsed.generate, seed: parsed.seed });
    source = `generated ${parsed.generate.targets}x${parsed.generate.connectionsPerTarget}, seed ${parsed.seed}`;
  } else {
    const { demoWorld } = await import('../../../emulator/demo-world.js');
    world = demoWorld();
    source = 'demo world';
  }
  const { withPortExplained } = await import('../listen-error.js');
  const emulator = await withPortExplained(parsed.port, 'pass --port N (0 picks a free port)', () => startArmEmulator({
    world,
    port: parsed.port,
    seed: parsed.seed,
    ...(parsed.token === undefined ? {} : { token: parsed.token }),
    ...(parsed.pageSize === undefined ? {} : { pageSize: parsed.pageSize }),
    ...(parsed.throttle ? {} : { buckets: false as const }),
  }));
  const connections = world.providers.reduce((sum, p) => sum + p.connections.length, 0);
  io.stderr.write(
    `linkgate emulator: ARM test double listening on ${emulator.url} (${source}: ${world.providers.length} provider resources, ${connections} connections, ${world.endpoints.length} endpoints). Ctrl-C to stop.\n`,
  );
  io.stdout.write(`LINKGATE_ARM_ENDPOINT=${emulator.url}\nLINKGATE_ARM_TOKEN=${emulator.token}\n`);

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      emulator.close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const stats = emulator.stats();
  io.stderr.write(`linkgate emulator: stopped after ${stats.requests} requests, ${stats.writes} writes, ${stats.throttled} throttled.\n`);
  return EXIT_OK;
}
