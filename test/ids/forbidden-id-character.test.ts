import { describe, expect, it } from 'vitest';
import { hasForbiddenIdCharacter } from '../../src/ids/arm-id.js';

/** The class the character loop replaces: query, fragment, percent, backslash, whitespace, controls. */
const FORBIDDEN = /[?#%\\\s\u0000-\u001f\u007f]/u;

describe('hasForbiddenIdCharacter', () => {
  it('agrees with the regex class on every UTF-16 code unit', () => {
    const disagreements: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const char = String.fromCharCode(c);
      if (hasForbiddenIdCharacter(`ab${char}cd`) !== FORBIDDEN.test(`ab${char}cd`)) disagreements.push(c.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('looks only from the given index', () => {
    expect(hasForbiddenIdCharacter('a b/conn', 4)).toBe(false);
    expect(hasForbiddenIdCharacter('a/b c', 2)).toBe(true);
    expect(hasForbiddenIdCharacter('')).toBe(false);
  });
});
