// A child process of writer-lock-race.test.ts. Each round is a barrier: on {arm, round, file} it
// answers `armed`; on `go` (sent to both racers only once both are armed) it tries to take the
// audit lock at once and answers whether it got it; it holds the lock until told to release. No
// clock orders the race: both racers wait on the parent's `go`, as two processes restarted together would.
import { acquireWriterLock } from '../../../src/audit/writer-lock.ts';

let held;
let armed;
process.on('message', async (message) => {
  if (message.type === 'arm') {
    armed = message;
    process.send({ type: 'armed', round: message.round });
  } else if (message.type === 'go') {
    const { round, file } = armed;
    armed = undefined;
    try {
      held = await acquireWriterLock(file);
      process.send({ type: 'raced', round, held: true });
    } catch (error) {
      process.send({ type: 'raced', round, held: false, error: String(error?.message ?? error) });
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
