/**
 * The GitHub Actions workflow that makes policy pull requests review themselves: validate as
 * annotations on the diff, the policy tests as JUnit XML, and, when a connections snapshot is
 * committed, the plan of what the change would do as the job summary. `linkgate init` writes it
 * for a policy repository; this repository runs the same workflow on its own policies/, with
 * linkgate built from source instead of installed.
 *
 * linkgate is not on the npm registry, so a policy repository's workflow cannot just install
 * `linkgate@version`: it installs whatever npm install spec LINKGATE_FROM names (a git URL such as
 * github:OWNER/linkgate#v0.1.0, or a tarball URL from `npm pack`). `init --from SPEC` writes it
 * into the workflow; without it the workflow reads the repository variable LINKGATE_FROM and its
 * first step fails saying what to set, instead of an npm E404.
 */

export interface WorkflowOptions {
  /** Folder of the policies, relative to the repository root. */
  policies: string;
  /** Snapshot written by `linkgate export-connections`, relative to the repository root. */
  snapshot: string;
  /**
   * 'install': npm install the spec in LINKGATE_FROM (`from` given: written into the workflow;
   * absent: the repository variable LINKGATE_FROM); 'source': this repository, built from its source.
   */
  linkgate: { kind: 'install'; from?: string } | { kind: 'source' };
}

export const WORKFLOW_PATH = '.github/workflows/linkgate-policies.yml';

export function renderPolicyWorkflow(options: WorkflowOptions): string {
  const install = options.linkgate.kind === 'install' ? installSteps(options.linkgate.from) : ['      - name: Build linkgate from this repository', '        run: npm ci && npm run build'];
  const linkgate = options.linkgate.kind === 'install' ? 'npx --no-install linkgate' : 'node bin/linkgate.js';
  return `# Written by linkgate init. Policy pull requests review themselves: validate (annotations on the
# diff), the policy tests (JUnit XML) and, when a connections snapshot is committed, the plan of
# which live connections the change would approve, reject or make revocable (the job summary).
# Refresh the snapshot from a job with Azure access: linkgate export-connections --out ${options.snapshot}
name: linkgate policies

on:
  pull_request:
    paths: ['${options.policies}/**', '${options.snapshot}', '${WORKFLOW_PATH}']
  push:
    branches: [main]
    paths: ['${options.policies}/**', '${WORKFLOW_PATH}']

permissions:
  contents: read

jobs:
  policies:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 22
${install.join('\n')}
      - name: Validate the policies
        run: ${linkgate} validate --policies ${options.policies} --strict --format github
      - name: Run the policy tests
        run: ${linkgate} test --policies ${options.policies} --format junit > linkgate-tests.xml
      - name: Keep the test report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: linkgate-tests
          path: linkgate-tests.xml
      - name: Plan what the change would do to the live connections
        if: github.event_name == 'pull_request' && hashFiles('${options.snapshot}') != ''
        env:
          BASE_SHA: \${{ github.event.pull_request.base.sha }}
        run: |
          git worktree add "$RUNNER_TEMP/base" "$BASE_SHA"
          if [ ! -d "$RUNNER_TEMP/base/${options.policies}" ]; then
            echo "No policies on the base branch yet: nothing to compare." >> "$GITHUB_STEP_SUMMARY"
            exit 0
          fi
          set +e
          ${linkgate} plan --base "$RUNNER_TEMP/base/${options.policies}" --policies ${options.policies} \\
            --connections ${options.snapshot} --format markdown >> "$GITHUB_STEP_SUMMARY"
          code=$?
          # 0: no change, 1: some decisions change (shown in the summary), 2: no plan (an error).
          test "$code" -ne 2
`;
}

/** npm install spec in YAML single quotes ('' escapes a quote). */
function yamlQuoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function installSteps(from: string | undefined): string[] {
  const source = from === undefined ? '${{ vars.LINKGATE_FROM }}' : yamlQuoted(from);
  return [
    '      - name: Install linkgate from LINKGATE_FROM',
    '        env:',
    '          # Where linkgate comes from (it is not on the npm registry): any npm install spec, e.g.',
    '          # github:OWNER/linkgate#v0.1.0 or the URL of a tarball made with npm pack.',
    `          LINKGATE_FROM: ${source}`,
    '        run: |',
    '          if [ -z "$LINKGATE_FROM" ]; then',
    '            echo "::error::Set the repository variable LINKGATE_FROM (Settings > Secrets and variables > Actions > Variables) to where linkgate comes from, e.g. github:OWNER/linkgate#v0.1.0 or a tarball URL: linkgate is not on the npm registry."',
    '            exit 1',
    '          fi',
    '          npm install --no-save --no-package-lock "$LINKGATE_FROM"',
  ];
}
