/** A subscription's home tenant, read from the WWW-Authenticate challenge of an anonymous request and cached. */
import { normalizeGuid } from '../ids/guid.js';
import { createAsyncMemo } from '../util/async-memo.js';
import { InvalidArmIdError } from './arm-error.js';
import type { Send } from './send-request.js';

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
const TENANT_IN_CHALLENGE = /authorization_uri="https?:\/\/[^/"]+\/([0-9a-fA-F-]{36})/u;

export interface HomeTenantContext {
  send: Send;
  urlFor: (path: string, apiVersion: string) => URL;
}

export type HomeTenantOf = (subscriptionId: string) => Promise<string | undefined>;

export function createHomeTenantLookup(ctx: HomeTenantContext): HomeTenantOf {
  const { send, urlFor } = ctx;
  // Only answers are cached; a failure (after retries) is forgotten so a later call asks again.
  const tenantCache = createAsyncMemo<string | undefined>({ maxEntries: 10_000 });

  return function homeTenantOf(subscriptionId: string): Promise<string | undefined> {
    const subscription = normalizeGuid(subscriptionId);
    if (subscription === undefined) return Promise.reject(new InvalidArmIdError('subscription', subscriptionId, 'not a GUID'));
    return tenantCache(subscription, async () => {
      const reply = await send({
        method: 'GET',
        url: urlFor(`/subscriptions/${subscription}`, SUBSCRIPTIONS_API_VERSION),
        kind: 'read',
        anonymous: true,
        accept: [401, 403, 404],
      });
      const challenge = reply.headers['www-authenticate'];
      const tenant = challenge === undefined ? undefined : TENANT_IN_CHALLENGE.exec(challenge)?.[1];
      return normalizeGuid(tenant);
    });
  };
}
