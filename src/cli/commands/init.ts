/** `linkgate init [DIR]`: a policy, its tests and the pull-request workflow, ready to edit. */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LinkgateError } from '../../errors/linkgate-error.js';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { parseCommandArgs } from '../parse-command-args.js';

export const HELP = `Usage: linkgate init [DIR]

Scaffolds a policy repository in DIR (default: the current folder):
  policies/example-pls.json                 a policy using every rule, with its $schema line
  policies/example-pls.test.json            a test case for each rule (full rule coverage)
  policies/schema/*.json                    the JSON Schemas the $schema lines point at
  .github/workflows/linkgate-policies.yml   on every pull request: validate --strict --format github
                                            (annotations), test --format junit, and plan --format
                                            markdown as the job summary once a connections snapshot
                                            (linkgate export-connections) is committed
The result passes linkgate validate --strict and linkgate test as written. Existing files are never
overwritten: init stops and names them.

linkgate is not on the npm registry: the workflow installs it from LINKGATE_FROM, an npm install
spec such as github:OWNER/linkgate#v0.1.0 or a tarball URL (npm pack). Give it with --from, or set
the repository variable LINKGATE_FROM; until one is set the workflow's first step fails saying so.

Options:
  --from SPEC   where the workflow installs linkgate from (written into the workflow)
  --help        this help

Exit codes: 0 written, 1 a file already exists, 2 bad usage.
`;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' }, from: { type: 'string' } }, true);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError('give at most one DIR');
  if (values.from?.trim() === '') throw new UsageError('--from needs an npm install spec, e.g. github:OWNER/linkgate#v0.1.0');
  const [{ EXAMPLE_NAME, examplePolicy, exampleTests }, { renderPolicyWorkflow, WORKFLOW_PATH }, { packageRoot }] = await Promise.all([
    import('../../init/example-policy.js'),
    import('../../init/policy-workflow.js'),
    import('../package-info.js'),
  ]);
  const root = path.resolve(io.cwd, positionals[0] ?? '.');
  const schemaDir = path.join(await packageRoot(), 'policies', 'schema');
  const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';
  const files: Array<[string, string]> = [
    [`policies/${EXAMPLE_NAME}.json`, json(examplePolicy('./schema/policy.schema.json'))],
    [`policies/${EXAMPLE_NAME}.test.json`, json(exampleTests('./schema/policy-test.schema.json'))],
    ['policies/schema/policy.schema.json', await readFile(path.join(schemaDir, 'policy.schema.json'), 'utf8')],
    ['policies/schema/policy-test.schema.json', await readFile(path.join(schemaDir, 'policy-test.schema.json'), 'utf8')],
    [WORKFLOW_PATH, renderPolicyWorkflow({ policies: 'policies', snapshot: 'policy-snapshot/connections.jsonl', linkgate: { kind: 'install', ...(values.from === undefined ? {} : { from: values.from.trim() }) } })],
  ];
  const taken = [];
  for (const [relative] of files) if (await exists(path.join(root, relative))) taken.push(relative);
  if (taken.length > 0) {
    throw new LinkgateError(`not overwriting what is there: ${taken.join(', ')}`, { code: 'InitWouldOverwrite', hint: 'run linkgate init in a new folder, or move those files away first' });
  }
  for (const [relative, content] of files) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content, { flag: 'wx' });
    io.stdout.write(`created ${path.relative(io.cwd, path.join(root, relative)) || relative}\n`);
  }
  const where = path.relative(io.cwd, path.join(root, 'policies')) || 'policies';
  if (values.from === undefined) io.stdout.write(`\nSet the repository variable LINKGATE_FROM to where the workflow installs linkgate from (it is not on the npm registry), e.g. github:OWNER/linkgate#v0.1.0.\n`);
  io.stdout.write(`\nNext: edit ${where}/${EXAMPLE_NAME}.json (replace the placeholder IDs), then\n  linkgate validate --policies ${where} --strict\n  linkgate test --policies ${where}\n`);
  return EXIT_OK;
}
