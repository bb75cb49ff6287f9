/**
 * A plan for people: a text table for the terminal, Markdown ready to post as a pull-request
 * comment or a job summary (GitHub renders tables and <details>), and JSON for machines.
 */
import { sanitizeText } from '../pipeline/describe-decision.js';
import { CHANGE_LABELS, type ChangeKind, type PlannedChange, type PlanTotals } from './plan-changes.js';

export interface PlanResult {
  base: string;
  head: string;
  source: string;
  changes: PlannedChange[];
  totals: PlanTotals;
  /** Lines of the input that could not be read (the plan is then incomplete: exit 2). */
  errors: string[];
}

/** Changes shown in Markdown before "and N more": a PR comment has a size limit (65,536 characters on GitHub). */
const MARKDOWN_ROWS = 100;

function shortId(id: string): string {
  return id.split('/').slice(-3).join('/');
}

function decisionText(side: PlannedChange['before']): string {
  return side.policy === null ? side.decision : `${side.decision} (${side.policy})`;
}

function why(change: PlannedChange): string {
  const reason = change.after.reasons[0] ?? '';
  const note = change.kind === 'revocable' && !change.after.explicit ? ' [rests on otherwise: the sweep will not revoke it]' : '';
  return sanitizeText(reason) + note;
}

function totalsLines(totals: PlanTotals): Array<[string, number]> {
  const rows: Array<[string, number]> = (Object.keys(CHANGE_LABELS) as ChangeKind[]).filter((k) => totals.byKind[k] > 0).map((k) => [CHANGE_LABELS[k], totals.byKind[k]]);
  return [...rows, ['unchanged', totals.unchanged], ['connections planned', totals.connections]];
}

export function headline(result: PlanResult): string {
  if (result.totals.changed === 0) return `No changes: the policies in ${result.head} decide all ${result.totals.connections} connection(s) as ${result.base} does.`;
  return `${result.totals.changed} of ${result.totals.connections} connection(s) would be decided differently by ${result.head} than by ${result.base}.`;
}

export function renderPlanText(result: PlanResult, table: (headers: string[], rows: string[][]) => string): string {
  const out = [headline(result), ''];
  if (result.changes.length > 0) {
    out.push(table(['connection', 'status', 'before', 'after', 'change', 'why'], result.changes.map((c) => [sanitizeText(shortId(c.connectionId)), c.status, decisionText(c.before), decisionText(c.after), CHANGE_LABELS[c.kind], why(c)])), '');
  }
  out.push(table(['total', 'count'], totalsLines(result.totals).map(([k, v]) => [k, String(v)])));
  for (const error of result.errors.slice(0, 20)) out.push(`error: ${error}`);
  return out.join('\n') + '\n';
}

function cell(text: string): string {
  return sanitizeText(text).replace(/\|/gu, '\\|').replace(/[<>]/gu, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

export function renderPlanMarkdown(result: PlanResult): string {
  const out = ['## linkgate plan', '', headline(result), ''];
  out.push('| total | count |', '| --- | ---: |', ...totalsLines(result.totals).map(([k, v]) => `| ${k} | ${v} |`), '');
  if (result.changes.length > 0) {
    out.push('| connection | status | before | after | change | why |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of result.changes.slice(0, MARKDOWN_ROWS)) {
      out.push(`| \`${cell(shortId(c.connectionId))}\` | ${c.status} | ${cell(decisionText(c.before))} | **${cell(decisionText(c.after))}** | ${CHANGE_LABELS[c.kind]} | ${cell(why(c))} |`);
    }
    if (result.changes.length > MARKDOWN_ROWS) out.push('', `…and ${result.changes.length - MARKDOWN_ROWS} more; run \`linkgate plan --format json\` for all of them.`);
    out.push('', '<details><summary>Full connection IDs and reasons</summary>', '');
    for (const c of result.changes.slice(0, MARKDOWN_ROWS)) out.push(`- \`${cell(c.connectionId)}\`: ${cell(c.after.reasons.join('; '))}`);
    out.push('', '</details>');
  }
  if (result.errors.length > 0) out.push('', `**${result.errors.length} input line(s) could not be read**, so this plan is incomplete:`, ...result.errors.slice(0, 20).map((e) => `- ${cell(e)}`));
  out.push('', `<sub>base: \`${cell(result.base)}\` · head: \`${cell(result.head)}\` · connections: ${cell(result.source)}</sub>`);
  return out.join('\n') + '\n';
}
