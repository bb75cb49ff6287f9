/** Reading `linkgate reconcile`'s summary table in tests. */

/** The totals row of the table, by column header. */
export function totalsRow(stdout: string): Record<string, number> {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('targets'));
  const names = (lines[header] ?? '').split(/\s{2,}/u);
  const values = (lines[header + 2] ?? '').trim().split(/\s+/u).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? NaN]));
}
