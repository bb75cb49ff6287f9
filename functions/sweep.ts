/**
 * Timer trigger: the level-triggered safety net. Finds every governed target with Pending
 * connections (Resource Graph, plus targets it cannot see listed in settings), reconciles them
 * exactly as events do, and reports drift. Schedule: the validated LINKGATE_SWEEP_SCHEDULE
 * (config.sweep.schedule, NCRONTAB), every 15 minutes when unset. Registered by functions/app.ts,
 * which imports this module on the first invocation.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { sharedRuntime } from '../src/runtime/create-runtime.js';
import { messageOf } from '../src/errors/linkgate-error.js';
import { runSweep } from '../src/sweep/run-sweep.js';

export async function sweep(timer: Timer, context: InvocationContext): Promise<void> {
  const runtime = await sharedRuntime();
  const logger = runtime.logger.child({ invocationId: context.invocationId, trigger: 'sweep' });
  try {
    const summary = await runSweep(runtime, { logger, revoke: runtime.config.sweep.revoke });
    context.log(`linkgate sweep${timer.isPastDue ? ' (past due)' : ''}: ${JSON.stringify(summary.totals)}`);
    if (summary.totals.errors > 0) throw new Error(`sweep finished with ${summary.totals.errors} error(s): ${summary.errors.slice(0, 3).join('; ')}`);
  } catch (error) {
    context.error(`linkgate sweep failed: ${messageOf(error)}`);
    throw error;
  }
}
