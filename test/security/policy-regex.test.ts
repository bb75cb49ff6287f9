/**
 * Security (issues 7 and 12): no request-message rule that loads can be made to stall the daemon
 * by a consumer's request message. Rules are matched by RE2 (linear in the message whatever the
 * pattern), so the patterns that backtrack catastrophically in JavaScript load and decide at once;
 * what RE2 cannot express is refused by the validator, the loader every host uses and
 * `linkgate validate`, with the reason. (checkRegex's own cases: test/policy/regex-safety.test.ts.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicySetOrThrow, validatePolicyDocuments } from '../../src/policy/load-policies.js';
import { runCli } from '../support/run-cli.js';
import { CONSUMER, TARGET, pendingCase } from '../policy/policy-builders.js';

const EVIL = ['^CHG\\d*\\d*\\d*\\d*\\d*\\d*\\d*\\d*x', '^(a+)+$', '^(\\w*)*$', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$', '(.*a){2,}$', '^(a|a)*b', '(\\w|\\d)+$', '(ab|ac)+$', '(a?b|b)*c', '^(\\w+\\s?){1,30}$', '^(.*a){12}$', '^.*.*.*.*.*.*.*.*=$'];
const HOSTILE = ['CHG' + '1'.repeat(64), 'a'.repeat(64) + '!', 'x'.repeat(64), 'ab'.repeat(32) + '!', 'word '.repeat(40) + '!'];

const policyText = (requestMessage: string): string => JSON.stringify({ name: 'p', targets: [TARGET], autoApproval: [CONSUMER], requestMessage });

describe('request-message rules cannot stall the daemon', () => {
  it('the issue\'s pattern against a 64-character message: decided, left for manual review', () => {
    const loaded = validatePolicyDocuments([{ file: 'p.json', text: policyText(EVIL[0]!) }]);
    expect(loaded.ok && evaluate(compilePolicies(loaded.set), pendingCase({ message: HOSTILE[0]! })).decision).toBe('manual');
  });

  it.each(EVIL)('%s loads and decides hostile messages at once', (regex) => {
    const loaded = validatePolicyDocuments([{ file: 'p.json', text: policyText(regex) }]);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const compiled = compilePolicies(loaded.set);
    // Each of these messages makes V8's backtracking engine run for hours or more on the pattern.
    for (const message of HOSTILE) {
      const decision = evaluate(compiled, pendingCase({ message }));
      expect(['approve', 'manual']).toContain(decision.decision);
      if (decision.decision === 'manual') expect(decision.reasons.join(' ')).toContain('requestMessage');
    }
  });

  it.each(['(a)\\1', '(?=CHG)\\w+', '(a{1,100}){1,100}$'])('refuses %s, which RE2 cannot express, with its JSON pointer and reason', (regex) => {
    const result = validatePolicyDocuments([{ file: 'p.json', text: policyText(regex) }]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([expect.objectContaining({ file: 'p.json', pointer: '/requestMessage', message: expect.stringContaining('RE2 cannot use this pattern') })]);
      expect(result.errors[0]?.fix.length).toBeGreaterThan(5);
    }
  });

  it('an ordinary ticket pattern is accepted', () => {
    expect(validatePolicyDocuments([{ file: 'p.json', text: policyText('^(CHG|INC)[0-9]{6}\\b') }]).ok).toBe(true);
  });

  it('the loader every host uses and `linkgate validate` refuse the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkgate-regex-'));
    try {
      await writeFile(join(dir, 'p.json'), policyText('^(a)\\1$'));
      await expect(loadPolicySetOrThrow(dir)).rejects.toThrow(/requestMessage/u);
      const result = await runCli(['validate', '--policies', dir]);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toContain('/requestMessage');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
