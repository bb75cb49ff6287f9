/**
 * An AuditStore that notifies once per finished record. It notifies only after the store has
 * written the record, and only for writes that happened: `appendOnce` answering true (a duplicate
 * delivery, a racing worker or the next sweep gets false and raises nothing), `append`, and
 * `complete` with a final outcome (succeeded or failed; a claim released for a retry is not
 * final). So one record raises at most one notification however often its event is redelivered.
 */
import type { AuditStore } from '../audit/types.js';
import type { Notifier } from './create-notifier.js';

export function notifyingAuditStore(store: AuditStore, notifier: Notifier): AuditStore {
  return {
    claim: (intent) => store.claim(intent),
    takeOver: (existing, leaseUntil) => store.takeOver(existing, leaseUntil),
    async complete(record) {
      await store.complete(record);
      if (record.action.status === 'succeeded' || record.action.status === 'failed') notifier.notify(record);
    },
    async append(record) {
      await store.append(record);
      notifier.notify(record);
    },
    async appendOnce(record) {
      const wrote = await store.appendOnce(record);
      if (wrote) notifier.notify(record);
      return wrote;
    },
    findByKey: (key) => store.findByKey(key),
    incomplete: (target) => store.incomplete(target),
    get: (id) => store.get(id),
    query: (filter) => store.query(filter),
    close: () => store.close(),
  };
}
