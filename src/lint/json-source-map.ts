/**
 * A JSON parser that remembers where every value sits, so a finding named by JSON pointer can be
 * shown at its line and column (GitHub annotations, SARIF regions, editors), and that explains a
 * syntax error by what the author most likely did (trailing comma, comment, single backslash in
 * a regex) instead of the engine's "Unexpected token". It accepts exactly what JSON.parse
 * accepts; the loader still parses with JSON.parse, this only serves the messages.
 */
import { describeSyntaxError, type JsonSyntaxError } from './json-syntax-errors.js';
import { positionAt, positionsIn, type SourcePosition } from './source-position.js';

export type { SourcePosition } from './source-position.js';

export interface SourceMap {
  /** Where the value at a JSON pointer starts. */
  value(pointer: string): SourcePosition | undefined;
  /** Where the key of the member at a pointer starts (an object member), else the value. */
  key(pointer: string): SourcePosition | undefined;
  /** Keys written twice in one object: JSON.parse keeps the last silently. */
  duplicateKeys: string[];
}

export type JsonParseResult = { ok: true; value: unknown; map: SourceMap } | { ok: false; error: JsonSyntaxError };

/** Deeper than any policy; guards the recursion against hostile input. */
const MAX_DEPTH = 200;

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/gu, '~0').replace(/\//gu, '~1');
}

class Failure extends Error {
  constructor(
    readonly offset: number,
    readonly kind: string,
    readonly detail = '',
  ) {
    super(kind);
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJsonWithSourceMap(text: string): JsonParseResult {
  const values = new Map<string, number>();
  // Offsets of the strings of an array, by the array's pointer: a list of 100,000 CIDRs needs no pointer per entry.
  const arrayStrings = new Map<string, number[]>();
  const keys = new Map<string, number>();
  const duplicateKeys: string[] = [];
  let i = 0;

  const skipSpace = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) throw new Failure(i, 'comment');
      else return;
    }
  };

  const parseString = (): string => {
    const start = i;
    // The usual string has no escape or control character: one slice, not a character at a time.
    for (let j = i + 1; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (code === 34) {
        i = j + 1;
        return text.slice(start + 1, j);
      }
      if (code === 92 || code < 0x20) break;
    }
    i++; // opening quote
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Failure(start, 'unterminated-string');
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n' || c === '\r') throw new Failure(i, 'newline-in-string');
      if (c.charCodeAt(0) < 0x20) throw new Failure(i, 'control-in-string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/u.test(hex)) throw new Failure(i, 'bad-unicode-escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else throw new Failure(i, 'bad-escape', e ?? '');
        continue;
      }
      out += c;
      i++;
    }
  };

  const parseValue = (pointer: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new Failure(i, 'too-deep');
    skipSpace();
    values.set(pointer, i);
    const c = text[i];
    if (c === '{') return parseObject(pointer, depth);
    if (c === '[') return parseArray(pointer, depth);
    if (c === '"') return parseString();
    if (c === "'") throw new Failure(i, 'single-quote');
    const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/u.exec(text.slice(i, i + 400));
    if (literal !== null) {
      const word = literal[0];
      i += word.length;
      if (/^[A-Za-z0-9_.+-]/u.test(text[i] ?? '')) throw new Failure(i - word.length, 'bad-literal');
      return word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : Number(word);
    }
    if (c === undefined) throw new Failure(i, 'unexpected-end');
    if (c === ',' || c === '}' || c === ']') throw new Failure(i, 'missing-value', c);
    throw new Failure(i, 'bad-literal');
  };

  const parseObject = (pointer: string, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      const c = text[i];
      if (c === "'") throw new Failure(i, 'single-quote-key');
      if (c === '}') throw new Failure(i, 'trailing-comma', '}');
      if (c === undefined) throw new Failure(i, 'unexpected-end');
      if (c !== '"') throw new Failure(i, /[A-Za-z_$]/u.test(c) ? 'unquoted-key' : 'expected-key', c);
      const keyStart = i;
      const key = parseString();
      const child = `${pointer}/${escapePointerSegment(key)}`;
      if (seen.has(key)) duplicateKeys.push(child);
      seen.add(key);
      keys.set(child, keyStart);
      skipSpace();
      if (text[i] !== ':') throw new Failure(i, 'missing-colon');
      i++;
      // defineProperty: a "__proto__" key is data here, as in JSON.parse, never a prototype.
      Object.defineProperty(out, key, { value: parseValue(child, depth + 1), enumerable: true, writable: true, configurable: true });
      skipSpace();
      const after = text[i];
      if (after === ',') {
        i++;
        continue;
      }
      if (after === '}') {
        i++;
        return out;
      }
      throw new Failure(i, after === undefined ? 'unexpected-end' : 'missing-comma', '}');
    }
  };

  const parseArray = (pointer: string, depth: number): unknown[] => {
    const out: unknown[] = [];
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    let offsets: number[] | undefined;
    for (;;) {
      skipSpace();
      if (text[i] === ']') throw new Failure(i, 'trailing-comma', ']');
      if (text[i] === '"') {
        if (offsets === undefined) {
          offsets = [];
          arrayStrings.set(pointer, offsets);
        }
        offsets[out.length] = i;
        out.push(parseString());
      } else out.push(parseValue(`${pointer}/${out.length}`, depth + 1));
      skipSpace();
      const after = text[i];
      if (after === ',') {
        i++;
        continue;
      }
      if (after === ']') {
        i++;
        return out;
      }
      throw new Failure(i, after === undefined ? 'unexpected-end' : 'missing-comma', ']');
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) throw new Failure(0, 'bom');
    const value = parseValue('', 0);
    skipSpace();
    if (i < text.length) throw new Failure(i, 'trailing-text');
    const position = positionsIn(text);
    const at = (offset: number | undefined): SourcePosition | undefined => (offset === undefined ? undefined : position(offset));
    const valueOffset = (p: string): number | undefined => {
      const direct = values.get(p);
      if (direct !== undefined) return direct;
      const slash = p.lastIndexOf('/');
      const index = p.slice(slash + 1);
      return /^(?:0|[1-9][0-9]*)$/u.test(index) ? arrayStrings.get(p.slice(0, slash))?.[Number(index)] : undefined;
    };
    return {
      ok: true,
      value,
      map: { value: (p) => at(valueOffset(p)), key: (p) => at(keys.get(p) ?? valueOffset(p)), duplicateKeys },
    };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { ok: false, error: describeSyntaxError(text, error.offset, error.kind, error.detail, positionAt(text, error.offset)) };
  }
}
