/**
 * LINKGATE_NOTIFY_URL, LINKGATE_NOTIFY_KEY and LINKGATE_NOTIFY_ON (DESIGN §4, §8), read as a pure
 * function of the environment by readConfig. An Event Grid topic endpoint is recognised by its
 * host name and sent to through the Event Grid SDK; any other URL is a plain CloudEvents webhook.
 */
import { isLoopbackHost } from '../util/loopback.js';

export const NOTIFY_KINDS = ['manual', 'drift', 'failed', 'approved', 'rejected'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
export const DEFAULT_NOTIFY_ON: readonly NotifyKind[] = ['manual', 'drift', 'failed'];

export interface NotifySettings {
  url: string;
  /** 'eventGrid' for a topic endpoint (*.eventgrid.azure.net and the sovereign clouds' hosts). */
  transport: 'webhook' | 'eventGrid';
  /** Event Grid topic key (`aeg-sas-key`); unset → the managed identity (DefaultAzureCredential). */
  key: string | undefined;
  on: NotifyKind[];
}

// Topic endpoints: https://<topic>.<region>-1.eventgrid.azure.net/api/events (public cloud), and
// the US Government and China clouds' equivalents (Event Grid docs, "Post to custom topic").
const EVENT_GRID_HOST = /\.eventgrid\.(azure\.net|azure\.us|chinacloudapi\.cn)$/iu;


/** The URL without its query and fragment: Logic Apps and Power Automate URLs carry a signature (`sig=`) there. */
export function describeNotifyUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function readNotifySettings(get: (name: string) => string | undefined, problems: string[]): NotifySettings | undefined {
  const on: NotifyKind[] = [];
  const onText = get('LINKGATE_NOTIFY_ON');
  for (const raw of (onText ?? DEFAULT_NOTIFY_ON.join(',')).split(/[\s,;]+/u).filter((s) => s !== '')) {
    const kind = raw.toLowerCase();
    if ((NOTIFY_KINDS as readonly string[]).includes(kind)) {
      if (!on.includes(kind as NotifyKind)) on.push(kind as NotifyKind);
    } else {
      problems.push(`LINKGATE_NOTIFY_ON has ${JSON.stringify(raw)}; it should be a comma-separated list of ${NOTIFY_KINDS.join(', ')}`);
    }
  }
  const url = get('LINKGATE_NOTIFY_URL');
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`LINKGATE_NOTIFY_URL is not a URL; it should be an https:// webhook or an Event Grid topic endpoint such as https://<topic>.<region>-1.eventgrid.azure.net/api/events`);
    return undefined;
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    problems.push(`LINKGATE_NOTIFY_URL is ${describeNotifyUrl(url)}; it should be an https:// URL (http:// only for a receiver on 127.0.0.1)`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push('LINKGATE_NOTIFY_URL carries a user name or password; put an Event Grid key in LINKGATE_NOTIFY_KEY, or use the signed URL your workflow gives you');
  }
  const transport = EVENT_GRID_HOST.test(parsed.hostname) ? 'eventGrid' : 'webhook';
  return { url, transport, key: get('LINKGATE_NOTIFY_KEY'), on };
}
