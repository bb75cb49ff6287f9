/**
 * What a JSON syntax error most likely was, said so a policy author can fix it at once: the
 * mistakes people make in hand-written JSON (trailing commas, comments, single quotes, a single
 * backslash in a regex) each get their own message and fix, with the line and column of the
 * character to change.
 */
import { positionAt as where, type SourcePosition } from './source-position.js';

export interface JsonSyntaxError extends SourcePosition {
  message: string;
  fix: string;
}

function lineOf(text: string, line: number): string {
  return text.split('\n')[line - 1]?.replace(/\r$/u, '') ?? '';
}

/** The offset of the last non-space character before `offset`. */
function previousToken(text: string, offset: number): number {
  let j = offset - 1;
  while (j >= 0 && /\s/u.test(text[j] ?? '')) j--;
  return j;
}

/** Doubles every backslash that does not start a valid JSON escape. */
function doubleLoneBackslashes(line: string): string {
  return line.replace(/\\(\\|["/bfnrt]|u[0-9a-fA-F]{4}|)/gu, (whole, escape: string) => (escape === '' ? '\\\\' : whole));
}

export function describeSyntaxError(text: string, offset: number, kind: string, detail: string, at: SourcePosition): JsonSyntaxError {
  const found = text[offset] === undefined ? 'the end of the file' : JSON.stringify(text[offset]);
  switch (kind) {
    case 'trailing-comma': {
      const comma = previousToken(text, offset);
      return { ...where(text, comma), message: `trailing comma before '${detail}'`, fix: `remove the ',' (JSON allows no comma after the last ${detail === '}' ? 'field' : 'item'})` };
    }
    case 'missing-comma': {
      const end = previousToken(text, offset);
      const position = where(text, end + 1);
      return { ...position, message: `expected ',' or '${detail}' but found ${found}`, fix: `add a ',' after the value that ends at line ${position.line}, column ${position.column}` };
    }
    case 'bad-escape': {
      const line = lineOf(text, at.line);
      return {
        ...at,
        message: `'\\${detail}' is not a JSON escape: a backslash in a JSON string must be doubled`,
        fix: `write '\\\\${detail}' for the regex '\\${detail}'; the line becomes: ${doubleLoneBackslashes(line).trim()}`,
      };
    }
    case 'bad-unicode-escape':
      return { ...at, message: "'\\u' must be followed by four hex digits", fix: "write '\\\\u' for a literal backslash-u, or '\\u00e9'-style escapes" };
    case 'comment':
      return { ...at, message: 'JSON has no comments', fix: 'remove the comment; say it in the policy\'s "description" instead' };
    case 'single-quote':
    case 'single-quote-key':
      return { ...at, message: 'strings in JSON use double quotes', fix: "replace the ' quotes with \"" };
    case 'unquoted-key': {
      const word = /^[A-Za-z_$][A-Za-z0-9_$]*/u.exec(text.slice(offset))?.[0] ?? detail;
      return { ...at, message: `field name ${word} is not quoted`, fix: `write "${word}"` };
    }
    case 'expected-key':
      return { ...at, message: `expected a field name in double quotes but found ${found}`, fix: 'write "field": value pairs separated by commas' };
    case 'missing-colon':
      return { ...at, message: `expected ':' after the field name but found ${found}`, fix: "add ':' between the field name and its value" };
    case 'missing-value':
      return { ...at, message: `expected a value but found ${found}`, fix: detail === ',' ? "remove the extra ','" : 'write a value (a string, number, true, false, null, array or object)' };
    case 'newline-in-string':
      return { ...at, message: 'a string runs past the end of the line', fix: 'close the string with " on the same line (write \\n for a line break)' };
    case 'control-in-string':
      return { ...at, message: 'a string holds a raw control character (e.g. a tab)', fix: 'write it escaped, e.g. \\t' };
    case 'unterminated-string':
      return { ...at, message: 'a string is never closed', fix: 'add the closing "' };
    case 'unexpected-end':
      return { ...at, message: 'the file ends before the JSON does', fix: "close every '{' and '[' that is open" };
    case 'trailing-text':
      return { ...at, message: `more text after the JSON value: ${found}`, fix: 'a file holds one JSON object: remove what follows its closing }' };
    case 'bom':
      return { ...at, message: 'the file starts with a byte order mark', fix: 'save it as UTF-8 without BOM' };
    case 'too-deep':
      return { ...at, message: 'nested too deeply', fix: 'a policy is a flat object of lists; remove the nesting' };
    default:
      return { ...at, message: `unexpected ${found}`, fix: 'write a value: a "string", a number, true, false, null, [ … ] or { … }' };
  }
}
