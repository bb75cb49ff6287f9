/**
 * Plain-text tables for terminals. Cells are data, often consumer-controlled (request messages,
 * resource names): control characters are made visible so they cannot move the cursor, recolour
 * or rewrite what an operator reads.
 */

/** Replaces control characters (C0, DEL, C1, line separators) with visible escapes. */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderTable(headers: string[], rows: string[][], maxCell = 80): string {
  const clip = (text: string): string => {
    const safe = escapeForTerminal(text);
    return safe.length <= maxCell ? safe : safe.slice(0, maxCell - 1) + '…';
  };
  const cells = rows.map((row) => row.map(clip));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
