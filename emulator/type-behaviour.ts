/**
 * How the emulated ARM answers for each provider type, from linkgate's table of facts taken from
 * the public REST API specs (src/arm/resource-type-data.ts cites bicep-types-az and pandora per
 * type) and from real traffic where it differs (DESIGN §9, the Azure CLI's recorded tests):
 * - etags only on the types whose connection model has one (Network PLS/AppGW, Key Vault,
 *   Cognitive Services, Data Factory, Batch, Cloud HSM);
 * - the actions field as the type spells it (Storage `actionRequired`), or none at all (Event
 *   Hubs, Service Bus, Relay, AKS);
 * - the write's answer per long-running style: 202 + Azure-AsyncOperation (+ Location), 201/200
 *   with Azure-AsyncOperation, 202 and no body (PostgreSQL flexible servers 2025-08-01 lists only
 *   202), 200 + Azure-AsyncOperation pointing at the connection itself (Key Vault), 202 + Location
 *   to an operation-status resource (Azure Monitor private link scopes, AOSM), or a synchronous
 *   200; Private Link Services answer 200 with Azure-AsyncOperation and `Updating` (DESIGN §9);
 * - transitional statuses (Approving/Rejecting) for Web and API Management after a write.
 * A type the table lacks behaves as before: etag, `actionsRequired`, synchronous 200.
 */
import { lookupResourceType } from '../src/arm/resource-types.js';
import type { LroStyle } from '../src/arm/resource-type-entry.js';
import type { ProviderResource } from './world-types.js';

export type WriteAnswer =
  /** 200 with the connection, nothing to poll. */
  | { kind: 'synchronous' }
  /** `status` with Azure-AsyncOperation (and Location on a 202); no body when `body` is false. */
  | { kind: 'async-operation'; status: 200 | 201 | 202; location: boolean; body: boolean }
  /** 200 whose Azure-AsyncOperation URL is the connection; it reads `Updating` until done. */
  | { kind: 'connection-url' }
  /** 202 with Location only, at a resource answering 200 {"status": …}. */
  | { kind: 'location-status' };

export interface TypeBehaviour {
  etag: boolean;
  /** The actions field in answers, or undefined when the type has none. */
  actionsField: 'actionsRequired' | 'actionRequired' | undefined;
  write: WriteAnswer;
  /** Status a connection shows while a write to Approved/Rejected is carried out, if any. */
  transitional: { Approved?: string; Rejected?: string };
  /** provisioningState shown while a write is carried out, and the one shown when done (SQL: Approving, then Ready). */
  settlingProvisioning?: string;
  doneProvisioning?: string;
}

const PLS = 'microsoft.network/privatelinkservices';

function answerFor(lro: LroStyle, writes: readonly number[], type: string): WriteAnswer {
  switch (lro) {
    case 'synchronous':
      return { kind: 'synchronous' };
    case 'connection-url':
      return { kind: 'connection-url' };
    case 'location-status':
      return { kind: 'location-status' };
    case 'azure-async-operation': {
      // DESIGN §9: a PLS connection PUT answers 200 with Azure-AsyncOperation and Updating.
      if (type === PLS) return { kind: 'async-operation', status: 200, location: false, body: true };
      const status = writes.includes(202) ? 202 : writes.includes(201) ? 201 : 200;
      return { kind: 'async-operation', status, location: status === 202, body: !(writes.length === 1 && writes[0] === 202) };
    }
  }
}

export function behaviourOf(provider: ProviderResource): TypeBehaviour {
  const entry = lookupResourceType(provider.type);
  const legacy = provider.asyncWrites;
  // The world may force the old generic styles: asyncWrites true → 202 + both headers, false → 200.
  const forced: WriteAnswer | undefined =
    legacy === true ? { kind: 'async-operation', status: 202, location: true, body: true } : legacy === false ? { kind: 'synchronous' } : undefined;
  if (entry === undefined) return { etag: provider.etags ?? true, actionsField: 'actionsRequired', write: forced ?? { kind: 'synchronous' }, transitional: {} };
  const transitional: TypeBehaviour['transitional'] = {};
  // SQL's Approving is a provisioningState, ended by Ready (DESIGN §9); Web and APIM show a status.
  const sql = entry.type.toLowerCase().startsWith('microsoft.sql/');
  if (!sql && entry.transitional.includes('Approving')) transitional.Approved = 'Approving';
  if (!sql && entry.transitional.includes('Rejecting')) transitional.Rejected = 'Rejecting';
  return {
    ...(sql ? { settlingProvisioning: 'Approving', doneProvisioning: 'Ready' } : {}),
    etag: provider.etags ?? entry.etag,
    actionsField: entry.actions === 'none' ? undefined : entry.actions === 'actionRequired' ? 'actionRequired' : 'actionsRequired',
    write: forced ?? answerFor(entry.lro, entry.writes, entry.type.toLowerCase()),
    transitional,
  };
}
