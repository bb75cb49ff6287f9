import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAsyncMemo } from '../../src/util/async-memo.js';
import { collectAsync } from '../../src/util/collect-async.js';
import { isRecord } from '../../src/util/is-record.js';
import { isLoopbackHost } from '../../src/util/loopback.js';
import { writeWithBackpressure } from '../../src/util/write-with-backpressure.js';

describe('collectAsync', () => {
  it('collects every item in order, and nothing from an empty iterable', async () => {
    async function* three(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      yield 3;
    }
    async function* none(): AsyncGenerator<number> {}
    expect(await collectAsync(three())).toEqual([1, 2, 3]);
    expect(await collectAsync(none())).toEqual([]);
  });
});

describe('isRecord', () => {
  it('accepts plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
    for (const value of [null, undefined, [], [1], 'x', 1, true]) expect(isRecord(value), String(value)).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows all of 127.0.0.0/8, ::1 and localhost, in any case', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('refuses everything else, including look-alikes', () => {
    for (const host of ['0.0.0.0', '10.0.0.1', '128.0.0.1', '127.0.0.1.evil.example', 'localhost.evil.example', '::', '[::2]', '1270.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('createAsyncMemo', () => {
  it('shares one read in flight, keeps answers case-insensitively, and forgets failures', async () => {
    const memo = createAsyncMemo<number>();
    let reads = 0;
    let release: (value: number) => void = () => {};
    const read = () => {
      reads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = memo('Key', read);
    const b = memo('key', read);
    release(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    expect(reads).toBe(1);
    await expect(memo('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo('bad', () => Promise.resolve(3))).toBe(3);
  });

  it('starts over when full', async () => {
    const memo = createAsyncMemo<string>({ maxEntries: 2 });
    let reads = 0;
    const read = (v: string) => () => (reads++, Promise.resolve(v));
    await memo('a', read('a'));
    await memo('b', read('b'));
    await memo('c', read('c'));
    await memo('a', read('a2'));
    expect(reads).toBe(4);
  });
});

describe('writeWithBackpressure', () => {
  it('waits for drain only when the stream says its buffer is full', async () => {
    const listeners: Array<() => void> = [];
    let full = false;
    const stream = { chunks: [] as string[], write(chunk: string) { this.chunks.push(chunk); return !full; }, once(_event: 'drain', listener: () => void) { listeners.push(listener); } };
    expect(writeWithBackpressure(stream, 'a')).toBeUndefined();
    full = true;
    const waiting = writeWithBackpressure(stream, 'b');
    expect(waiting).toBeInstanceOf(Promise);
    let drained = false;
    void waiting?.then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    listeners.forEach((l) => l());
    await waiting;
    expect(drained).toBe(true);
    expect(stream.chunks).toEqual(['a', 'b']);
  });

  it('a stream that fails instead of draining rejects the wait (never hangs) and leaves no listener behind', async () => {
    const stream = new Writable({ highWaterMark: 1, write: (_chunk, _enc, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    stream.on('error', () => undefined);
    await expect(writeWithBackpressure(stream, 'ab')).rejects.toThrow('EPIPE');
    expect(stream.listenerCount('drain')).toBe(0);
  });
});
