/**
 * POSTs one CloudEvent in structured JSON mode (CloudEvents 1.0 HTTP binding:
 * `content-type: application/cloudevents+json`) to a webhook: Logic Apps, Power Automate or
 * Teams workflows, any HTTPS receiver. Only a 2xx answer counts as delivered.
 */
import { request, type Dispatcher } from 'undici';
import { NotifyDeliveryError } from './notify-delivery-error.js';
import type { LinkgateCloudEvent } from './notification-for-record.js';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export function webhookSender(url: string, dispatcher: Dispatcher | undefined) {
  return async (event: LinkgateCloudEvent, signal: AbortSignal): Promise<void> => {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
      body: JSON.stringify(event),
      signal,
      ...(dispatcher === undefined ? {} : { dispatcher }),
    });
    // Read the answer whole so the connection goes back to the pool; its text is not kept (it may echo anything).
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode > 299) {
      // 400, 401, 403, 404 and 413 will not get better by sending the same event again.
      throw new NotifyDeliveryError(`the receiver answered HTTP ${response.statusCode}`, { transient: ![400, 401, 403, 404, 413].includes(response.statusCode), httpStatus: response.statusCode });
    }
  };
}
