/** Narrowing helpers for the loosely typed JSON bodies ARM answers with. */
import { isRecord } from '../util/is-record.js';
import type { ArmConnection } from './types.js';

export { isRecord };

export function asConnection(value: unknown): ArmConnection | undefined {
  return isRecord(value) && typeof value.id === 'string' ? (value as ArmConnection) : undefined;
}
