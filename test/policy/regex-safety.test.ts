import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/policy/regex-safety.js';

describe('checkRegex (RE2)', () => {
  it.each(['^(CHG|INC)[0-9]{6}\\b', '^[A-Z]+-[0-9]+$', 'approve', '^(?:team-(a|b))+$', '\\d+(\\.\\d+)?', '(ab){2,5}', '(a|b)*c', '^.*foo.*$', '^(?:[A-Z]{3}-)?[0-9]{6}\\b', '(?i)^chg'])('accepts %s and matches like a JavaScript regex', (source) => {
    const result = checkRegex(source);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const message of ['CHG000123 ok', 'INC123456', 'approve please', 'team-ateam-b', '12.5', 'ababc', 'x foo y', 'ABC-123456', 'nothing']) {
      const js = source.startsWith('(?i)') ? new RegExp(source.slice(4), 'iu') : new RegExp(source, 'u');
      expect(result.regex.test(message), `${source} on ${message}`).toBe(js.test(message));
    }
    expect(result.regex.source).toBe(source);
  });

  it.each([
    ['(a)\\1', 'invalid escape sequence', 'backreferences'],
    ['(?=a)b', 'unsupported Perl syntax', 'lookahead'],
    ['(?<!a)b', 'invalid named capture', 'lookbehind'],
    ['(a{1,100}){1,100}$', 'invalid repeat count', 'at most 1000'],
    ['a{1001}', 'invalid repeat count', 'at most 1000'],
    ['(', 'missing closing )', 'RE2 syntax'],
  ])('refuses %s with RE2\'s reason', (source, reason, fix) => {
    const result = checkRegex(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('RE2 cannot use this pattern');
    expect(result.error).toContain(reason);
    expect(result.fix).toContain(fix);
  });

  it('refuses a pattern longer than 512 characters', () => {
    expect(checkRegex('a'.repeat(513))).toMatchObject({ ok: false, error: expect.stringContaining('longer than') });
  });

  it('patterns that backtrack catastrophically in JavaScript match hostile messages in linear time', () => {
    // With a backtracking engine each of these takes longer than the universe's age on these
    // inputs; the test simply finishing (vitest's timeout) shows the engine does not backtrack.
    const cases: Array<[string, string]> = [
      ['^CHG\\d*\\d*\\d*\\d*\\d*\\d*\\d*\\d*x', 'CHG' + '1'.repeat(64)],
      ['^(a+)+$', 'a'.repeat(5_000) + '!'],
      ['^(\\w|\\d)+$', '1'.repeat(5_000) + '!'],
      ['^(.*a){12}$', 'a'.repeat(5_000) + '!'],
    ];
    for (const [source, message] of cases) {
      const result = checkRegex(source);
      expect(result.ok, source).toBe(true);
      if (result.ok) expect(result.regex.test(message)).toBe(false);
    }
  });
});
