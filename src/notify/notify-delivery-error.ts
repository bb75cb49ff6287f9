/** A notification that could not be delivered: logged and counted, never allowed to touch a decision. */
import { LinkgateError } from '../errors/linkgate-error.js';

export class NotifyDeliveryError extends LinkgateError {
  override name = 'NotifyDeliveryError';
  readonly httpStatus: number | undefined;
  constructor(message: string, options: { transient: boolean; httpStatus?: number; cause?: unknown }) {
    super(message, {
      code: 'NotifyDeliveryFailed',
      transient: options.transient,
      hint: 'check LINKGATE_NOTIFY_URL (and LINKGATE_NOTIFY_KEY or the managed identity\'s "EventGrid Data Sender" role for a topic); decisions are not affected',
      cause: options.cause,
    });
    this.httpStatus = options.httpStatus;
  }
}
