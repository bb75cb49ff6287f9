/**
 * Sends the notifications audit records raise, off the decision's path: `notify` returns at once
 * and the delivery runs beside the pipeline, so a receiver that is down, slow or answering 500
 * never changes a decision nor delays it. Each delivery is bounded: a few attempts, each with a
 * timeout, small exponential backoff between them; then it is given up, logged and counted.
 * `drain` waits (bounded the same way) for deliveries in flight, for hosts that are closing and
 * for tests, which then need no sleeps.
 */
import type { Dispatcher } from 'undici';
import type { AuditRecord } from '../audit/types.js';
import type { Logger } from '../log/create-logger.js';
import { NotifyDeliveryError } from './notify-delivery-error.js';
import { notificationFor, type LinkgateCloudEvent } from './notification-for-record.js';
import { describeNotifyUrl, type NotifySettings } from './notify-settings.js';
import { eventGridSender, type EventGridSenderOptions } from './send-to-event-grid.js';
import { webhookSender } from './send-to-webhook.js';

export type SendEvent = (event: LinkgateCloudEvent, signal: AbortSignal) => Promise<void>;

export interface NotifierOptions {
  logger: Logger;
  /** Attempts per event, the first included. Default 3. */
  maxAttempts?: number;
  /** Per attempt. Default 5 s. */
  attemptTimeoutMs?: number;
  /** First backoff; doubled after each failed attempt. Default 250 ms. */
  backoffMs?: number;
  /** Deliveries in flight at once; past it, new events are dropped (and counted). Default 256. */
  maxInFlight?: number;
  sleep?: (ms: number) => Promise<void>;
  /** undici dispatcher for webhooks (tests inject one). */
  dispatcher?: Dispatcher;
  eventGrid?: Omit<EventGridSenderOptions, 'key'>;
  /** Replaces the transport (tests). */
  send?: SendEvent;
}

export interface NotifyStats {
  /** Events delivered (a 2xx answer). */
  sent: number;
  /** Events given up after their attempts, or refused for good. */
  failed: number;
  /** Events not sent because too many were already in flight. */
  dropped: number;
  /** Attempts that failed, retried ones included. */
  failedAttempts: number;
}

export interface Notifier {
  /** Starts delivering the record's notification, if it raises one; never throws, never waits. */
  notify(record: AuditRecord): void;
  /** Resolves when every delivery started so far has finished or been given up. */
  drain(): Promise<void>;
  stats(): NotifyStats;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createNotifier(settings: NotifySettings, options: NotifierOptions): Notifier {
  const maxAttempts = options.maxAttempts ?? 3;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
  const backoffMs = options.backoffMs ?? 250;
  const maxInFlight = options.maxInFlight ?? 256;
  const sleep = options.sleep ?? sleepFor;
  const send: SendEvent =
    options.send ??
    (settings.transport === 'eventGrid'
      ? eventGridSender(settings.url, { key: settings.key, ...options.eventGrid })
      : webhookSender(settings.url, options.dispatcher));
  const log = options.logger.child({ notifyUrl: describeNotifyUrl(settings.url), transport: settings.transport });
  const stats: NotifyStats = { sent: 0, failed: 0, dropped: 0, failedAttempts: 0 };
  const inFlight = new Set<Promise<void>>();

  async function deliver(event: LinkgateCloudEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await send(event, AbortSignal.timeout(attemptTimeoutMs));
        stats.sent++;
        log.debug({ eventId: event.id, type: event.type, attempt }, 'notification sent');
        return;
      } catch (error) {
        stats.failedAttempts++;
        const retry = attempt < maxAttempts && !(error instanceof NotifyDeliveryError && !error.transient);
        if (!retry) {
          stats.failed++;
          log.warn(
            { eventId: event.id, type: event.type, connection: event.subject, attempts: attempt, err: error, failedNotifications: stats.failed },
            'notification not delivered; the decision stands and is in the audit store',
          );
          return;
        }
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  return {
    notify(record) {
      const event = notificationFor(record, settings.on);
      if (event === undefined) return;
      if (inFlight.size >= maxInFlight) {
        stats.dropped++;
        log.warn({ eventId: event.id, type: event.type, inFlight: inFlight.size, dropped: stats.dropped }, 'notification dropped: too many in flight');
        return;
      }
      const delivery = deliver(event).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stats: () => ({ ...stats }),
  };
}
