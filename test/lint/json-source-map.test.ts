/**
 * The source map places array entries from per-array offsets (no pointer string per entry) and
 * reads plain strings by one slice: positions and values must be what a character-by-character
 * parse gives, escapes, mixed arrays and nested objects included.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonWithSourceMap } from '../../src/lint/json-source-map.js';
import { positionAt, positionsIn } from '../../src/lint/source-position.js';

describe('parseJsonWithSourceMap', () => {
  const text = '{\n  "a": [\n    "x",\n    "y\\"z",\n    {"b": ["q"]},\n    1\n  ],\n  "c": "\\u0041é"\n}';

  it('parses the same value as JSON.parse', () => {
    const parsed = parseJsonWithSourceMap(text);
    expect(parsed.ok && parsed.value).toEqual(JSON.parse(text));
  });

  it('places array strings, nested values and members at their line and column', () => {
    const parsed = parseJsonWithSourceMap(text);
    if (!parsed.ok) throw new Error('parse failed');
    expect(parsed.map.value('/a/0')).toEqual({ line: 3, column: 5 });
    expect(parsed.map.value('/a/1')).toEqual({ line: 4, column: 5 });
    expect(parsed.map.value('/a/2')).toEqual({ line: 5, column: 5 });
    expect(parsed.map.value('/a/2/b/0')).toEqual({ line: 5, column: 12 });
    expect(parsed.map.value('/a/3')).toEqual({ line: 6, column: 5 });
    expect(parsed.map.key('/a/0')).toEqual({ line: 3, column: 5 });
    expect(parsed.map.key('/c')).toEqual({ line: 8, column: 3 });
    expect(parsed.map.value('/a/4')).toBeUndefined();
    expect(parsed.map.value('/a/00')).toBeUndefined();
    expect(parsed.map.value('/z/0')).toBeUndefined();
  });

  it('still refuses a raw newline or control character inside a string', () => {
    expect(parseJsonWithSourceMap('["a\nb"]').ok).toBe(false);
    expect(parseJsonWithSourceMap('["a\u0001b"]').ok).toBe(false);
    expect(parseJsonWithSourceMap('["abc').ok).toBe(false);
  });
});

describe('positionsIn', () => {
  it('gives what positionAt gives, at every offset', () => {
    const text = 'a\nbc\n\n{"x": [1,\n 2]}\n';
    const position = positionsIn(text);
    for (let offset = 0; offset <= text.length + 2; offset++) expect(position(offset)).toEqual(positionAt(text, offset));
  });
});
