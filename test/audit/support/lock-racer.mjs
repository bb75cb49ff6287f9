// A child process of writer-lock-race.test.ts: on each {round, file} message it tries to take the
// audit lock, answers whether it got it, and holds it until told to release.
import { setTimeout } from 'node:timers';
import { acquireWriterLock } from '../../../src/audit/writer-lock.ts';

let held;
process.on('message', async (message) => {
  if (message.type === 'race') {
    // Both racers start at the same instant, as two processes restarted together would.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, message.startAt - Date.now())));
    try {
      held = await acquireWriterLock(message.file);
      process.send({ type: 'raced', round: message.round, held: true });
    } catch (error) {
      process.send({ type: 'raced', round: message.round, held: false, error: String(error?.message ?? error) });
    }
  } else if (message.type === 'check') {
    process.send({ type: 'checked', round: message.round, stillHeld: held === undefined ? false : await held.stillHeld() });
  } else if (message.type === 'release') {
    await held?.release();
    held = undefined;
    process.send({ type: 'released', round: message.round });
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});
process.send({ type: 'ready' });
