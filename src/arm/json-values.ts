/** Narrowing helpers for the loosely typed JSON bodies ARM answers with. */
import type { ArmConnection } from './types.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asConnection(value: unknown): ArmConnection | undefined {
  return isRecord(value) && typeof value.id === 'string' ? (value as ArmConnection) : undefined;
}
