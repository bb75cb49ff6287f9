import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/policy/regex-safety.js';

describe('checkRegex', () => {
  it.each(['^(CHG|INC)[0-9]{6}\\b', '^[A-Z]+-[0-9]+$', 'approve', '^(?:team-(a|b))+$', '(a+b)', '[+*]+', '\\d+(\\.\\d+)?', '(ab){2,5}', '^(?:CHG|INC|\\.x)+$', '(a|b)*c', '^.*foo.*$', '^[A-Z]+-[0-9]+ .*$', '^(ab){1,3}$', '^(?:[A-Z]{3}-)?[0-9]{6}\\b'])('accepts %s', (source) => {
    expect(checkRegex(source).ok).toBe(true);
  });

  it.each([
    ['(a+)+', 'nested quantifiers'],
    ['^(\\w*)*$', 'nested quantifiers'],
    ['(x+y?)*z', 'nested quantifiers'],
    ['((ab)+c)+', 'nested quantifiers'],
    ['(\\d{2,})+', 'nested quantifiers'],
    ['(a)\\1', 'backreferences'],
    ['^(a|a)*b', 'alternatives that can match the same text'],
    ['(\\w|\\d)+', 'alternatives that can match the same text'],
    ['(?:ab|ac)*', 'alternatives that can match the same text'],
    ['(a?b|b)*', 'alternatives that can match the same text'],
    ['^(\\w+\\s?){1,30}$', 'nested quantifiers'],
    ['^(.*a){12}$', 'nested quantifiers'],
    ['^.*.*.*.*=$', 'wide class'],
    ['^[^,]*,[^,]*,[^,]*$', 'wide class'],
    ['(', 'not a valid regular expression'],
    ['a'.repeat(513), 'longer than'],
  ])('refuses %s', (source, message) => {
    const result = checkRegex(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});
