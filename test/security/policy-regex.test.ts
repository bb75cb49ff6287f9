/**
 * Security (issue 7): policy regexes are checked for catastrophic backtracking at validation time,
 * so no policy that loads can be made to stall the daemon by a consumer's request message.
 * (checkRegex's own cases are in test/policy/regex-safety.test.ts; this proves the validator, the
 * loader used by every host and `linkgate validate` all refuse such a policy.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicySetOrThrow, validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { runCli } from '../support/run-cli.js';

const TARGET = '/subscriptions/1f9a3c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/*';
const EVIL = ['^(a+)+$', '^(\\w*)*$', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$', '(.*a){2,}$', '(a)\\1', '^(a|a)*b', '(\\w|\\d)+$', '(ab|ac)+', '(a?b|b)*c', '^(\\w+\\s?){1,30}$', '^(.*a){12}$', '^.*.*.*.*.*.*.*.*=$'];

const policyText = (requestMessage: string): string => JSON.stringify({ name: 'p', targets: [TARGET], autoApproval: ['5f0e9b7a-1c2d-4e3f-a4b5-c6d7e8f90a1b'], requestMessage });

describe('catastrophic regexes are refused at validation', () => {
  it.each(EVIL)('validatePolicyDocuments refuses requestMessage %s with its JSON pointer', (regex) => {
    const result = validatePolicyDocuments([{ file: 'p.json', text: policyText(regex) }]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([expect.objectContaining({ file: 'p.json', pointer: '/requestMessage' })]);
      expect(result.errors[0]?.fix.length).toBeGreaterThan(5);
    }
  });

  // KNOWN GAP (reported to the lead; src/policy/regex-safety.ts is not this suite's to change):
  it('an ordinary ticket pattern is accepted', () => {
    expect(validatePolicyDocuments([{ file: 'p.json', text: policyText('^(CHG|INC)[0-9]{6}\\b') }]).ok).toBe(true);
  });

  it('the loader every host uses and `linkgate validate` refuse the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkgate-regex-'));
    try {
      await writeFile(join(dir, 'p.json'), policyText('^(a+)+$'));
      await expect(loadPolicySetOrThrow(dir)).rejects.toThrow(/requestMessage/u);
      const result = await runCli(['validate', '--policies', dir]);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toContain('/requestMessage');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
