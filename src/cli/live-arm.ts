/**
 * ARM access for the policy commands that read live connections (plan --live, export-connections):
 * configuration from the environment as every host reads it, an ARM client, nothing else (no
 * audit store: these commands only read).
 */
import type { ArmClient } from '../arm/types.js';
import { readConfig, type LinkgateConfig } from '../config/read-config.js';
import { createLogger } from '../log/create-logger.js';
import { UsageError, type CliIo } from './io.js';

export async function withLiveArm<T>(io: CliIo, policyDir: string, use: (arm: ArmClient, config: LinkgateConfig) => Promise<T>): Promise<T> {
  const config = readConfig({ ...io.env, LINKGATE_POLICY_DIR: policyDir });
  if (config.sweep.scopes.length === 0 && config.sweep.extraTargets.length === 0) {
    throw new UsageError('nothing to read: set LINKGATE_SWEEP_SCOPES (subscription GUIDs or mg:<group>) or LINKGATE_SWEEP_TARGETS');
  }
  const logger = createLogger({ level: io.env['LINKGATE_LOG_LEVEL'] ?? 'warn', destination: { write: (line: string) => void io.stderr.write(line) } });
  const { createArmClient } = await import('../arm/arm-client.js');
  const arm = createArmClient({ endpoint: config.armEndpoint, credential: config.armToken === undefined ? undefined : { token: config.armToken }, logger });
  try {
    return await use(arm, config);
  } finally {
    await arm.close();
  }
}
