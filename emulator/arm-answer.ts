/** What a handler answers (status, JSON body, headers), ARM's error body, and the path helpers every handler uses. */

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { error: { code, message } }, ...(headers === undefined ? {} : { headers }) };
}

export { isRecord } from '../src/util/is-record.js';

export function lastSegment(id: string): string {
  return id.split('/').filter((s) => s.length > 0).at(-1) ?? '';
}

export function subscriptionOfPath(path: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/iu.exec(path);
  return match?.[1]?.toLowerCase();
}
