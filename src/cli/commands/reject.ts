/** `linkgate reject`: a person rejects one Pending connection (see human-decision.ts). */
import type { CliIo } from '../io.js';
import { helpFor, runHumanDecision } from './human-decision.js';

export const HELP = helpFor('reject');

export function run(args: string[], io: CliIo): Promise<number> {
  return runHumanDecision('reject', args, io);
}
