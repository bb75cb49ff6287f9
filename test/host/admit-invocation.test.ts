/** The Functions handler's admission bound: invocations beyond it fail at once (transient), within it run. */
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/host/admission.js';
import { OverloadedError, withAdmission } from '../../src/host/admit-invocation.js';
import { isTransientError } from '../../src/pipeline/classify-error.js';

describe('withAdmission', () => {
  it('runs work within the bound, fails the excess at once as transient, and frees the share when work ends', async () => {
    const admission = createAdmission({ maxDeliveries: 1, maxEvents: 2 });
    const releases: Array<() => void> = [];
    const held = () => withAdmission(admission, 1, () => new Promise<string>((resolve) => releases.push(() => resolve('done'))));
    const first = held();
    const second = held();
    const third = withAdmission(admission, 1, async () => 'never');
    await expect(third).rejects.toBeInstanceOf(OverloadedError);
    await expect(third).rejects.toThrow(/2 events already in flight/u);
    expect(isTransientError(await third.catch((e: unknown) => e))).toBe(true);
    releases.forEach((release) => release());
    expect(await first).toBe('done');
    expect(await second).toBe('done');
    expect(admission.inFlight.events).toBe(0);
    expect(await withAdmission(admission, 1, async () => 'again')).toBe('again');
  });

  it('frees the share when the work fails', async () => {
    const admission = createAdmission({ maxDeliveries: 1, maxEvents: 3 });
    await expect(withAdmission(admission, 3, async () => Promise.reject(new Error('arm down')))).rejects.toThrow('arm down');
    expect(admission.inFlight.events).toBe(0);
  });
});
