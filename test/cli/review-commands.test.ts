/** Usage of `pending`, `approve` and `reject` (their behaviour against ARM: test/e2e/manual-review.test.ts). */
import { describe, expect, it } from 'vitest';
import { HELP as APPROVE_HELP } from '../../src/cli/commands/approve.js';
import { HELP as PENDING_HELP } from '../../src/cli/commands/pending.js';
import { HELP as REJECT_HELP } from '../../src/cli/commands/reject.js';
import { runCli } from '../support/run-cli.js';

const CONNECTION = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls/privateEndpointConnections/pe.1';

describe('review commands', () => {
  it('print their help', async () => {
    for (const [command, help] of [['pending', PENDING_HELP], ['approve', APPROVE_HELP], ['reject', REJECT_HELP]] as const) {
      const run = await runCli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(help);
    }
    expect(APPROVE_HELP).toContain('--override');
    expect(REJECT_HELP).not.toContain('--override');
  });

  it('exit 2 on bad usage, before touching ARM or the store', async () => {
    const cases: [string[], string][] = [
      [['approve'], 'needs a CONNECTION_ID'],
      [['approve', CONNECTION], '--reason TEXT is required'],
      [['approve', CONNECTION, '--reason', '   '], '--reason TEXT is required'],
      [['approve', CONNECTION, 'extra', '--reason', 'x'], 'takes one CONNECTION_ID'],
      [['approve', CONNECTION, '--reason', 'x'.repeat(1001)], 'keep it under 1000'],
      [['reject', CONNECTION, '--reason', 'x', '--override'], '--override is for approve only'],
      [['approve', CONNECTION, '--reason', 'x', '--bogus'], 'bogus'],
      [['reject', 'not-an-id', '--reason', 'x', '--as', 'a'], 'is not a private endpoint connection ID'],
      [['approve', '/subscriptions/s/resourceGroups/rg', '--reason', 'x', '--as', 'a'], 'is not a private endpoint connection ID'],
      [['pending'], 'nowhere to look'],
      [['pending', '--target', 'pls'], 'not a provider resource ID'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { env: {} });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
    }
  });
});
