/**
 * The world the manual-review e2e tests share: the e2e emulator world, a temp folder for the file
 * audit store, and the CLI environment governing the Private Link Service target.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArmEmulator, type ArmEmulator } from '../../emulator/arm-emulator.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { readConfig } from '../../src/config/read-config.js';
import { PLS_ID, e2eWorld, linkgateEnv, readAuditRecords } from './e2e-harness.js';

export interface ReviewWorld {
  emulator: ArmEmulator;
  /** The temp folder, removed on close. */
  dir: string;
  env: Record<string, string>;
  records(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export async function startReviewWorld(prefix: string): Promise<ReviewWorld> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const emulator = await startArmEmulator({ world: e2eWorld() });
  const env = { ...linkgateEnv(emulator, { kind: 'file' }, dir), LINKGATE_SWEEP_TARGETS: PLS_ID };
  return {
    emulator,
    dir,
    env,
    records: () => readAuditRecords(readConfig(env).audit),
    close: async () => {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
