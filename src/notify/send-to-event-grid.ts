/**
 * Publishes one CloudEvent to an Event Grid topic endpoint with `@azure/eventgrid`'s
 * EventGridPublisherClient: the topic key (`aeg-sas-key`) from LINKGATE_NOTIFY_KEY, else the
 * managed identity (DefaultAzureCredential; the identity needs "EventGrid Data Sender" on the
 * topic). The SDK's own retries are off: the notifier retries every transport alike, within its bound.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { EventGridPublisherClient, EventGridPublisherClientOptions } from '@azure/eventgrid';
import { NotifyDeliveryError } from './notify-delivery-error.js';
import type { LinkgateCloudEvent } from './notification-for-record.js';

export interface EventGridSenderOptions {
  key: string | undefined;
  /** Default DefaultAzureCredential, created on first use. */
  credential?: TokenCredential;
  /** The SDK's HTTP client (tests inject one). */
  httpClient?: EventGridPublisherClientOptions['httpClient'];
}

export function eventGridSender(url: string, options: EventGridSenderOptions) {
  let client: Promise<EventGridPublisherClient<'CloudEvent'>> | undefined;
  const connect = async (): Promise<EventGridPublisherClient<'CloudEvent'>> => {
    const { EventGridPublisherClient, AzureKeyCredential } = await import('@azure/eventgrid');
    const credential =
      options.key !== undefined ? new AzureKeyCredential(options.key) : (options.credential ?? new (await import('@azure/identity')).DefaultAzureCredential());
    return new EventGridPublisherClient(url, 'CloudEvent', credential, {
      retryOptions: { maxRetries: 0 },
      ...(options.httpClient === undefined ? {} : { httpClient: options.httpClient }),
    });
  };
  return async (event: LinkgateCloudEvent, signal: AbortSignal): Promise<void> => {
    client ??= connect();
    try {
      await (await client).send(
        [{ type: event.type, source: event.source, id: event.id, time: new Date(event.time), subject: event.subject, datacontenttype: event.datacontenttype, data: event.data }],
        { abortSignal: signal },
      );
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      const httpStatus = typeof status === 'number' ? status : undefined;
      throw new NotifyDeliveryError(`Event Grid did not accept the event${httpStatus === undefined ? '' : ` (HTTP ${httpStatus})`}`, {
        transient: httpStatus === undefined || httpStatus === 408 || httpStatus === 429 || httpStatus >= 500,
        ...(httpStatus === undefined ? {} : { httpStatus }),
        cause: error,
      });
    }
  };
}
