/**
 * JSON.parse guarded against hostile bodies: a nesting limit checked before parsing, so a deeply
 * nested document is refused with a clear reason instead of a stack overflow deep inside a
 * recursive consumer.
 */
import { messageOf } from '../errors/linkgate-error.js';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

export const MAX_JSON_DEPTH = 64;

/** Bracket depth outside strings; a linear scan, cheaper than any parse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

export function parseJsonSafely(text: string, maxDepth = MAX_JSON_DEPTH): JsonParseResult {
  const depth = jsonDepth(text);
  if (depth > maxDepth) return { ok: false, error: `JSON nested ${depth} levels deep; at most ${maxDepth} are accepted` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `not valid JSON: ${messageOf(error)}` };
  }
}
