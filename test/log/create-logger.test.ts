import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../src/log/create-logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  it('censors authorization headers, tokens and connection strings in log objects', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ destination: stream });
    logger.info({ authorization: 'Bearer SECRET1', headers: { authorization: 'Bearer SECRET2' }, token: 'SECRET3', options: { connectionString: 'SECRET4', accessToken: 'SECRET5' } }, 'x');
    const text = lines.join('');
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('scrubs secrets inside messages and error texts', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ destination: stream });
    logger.error({ err: new Error('request failed: Authorization: Bearer eyJhbGciOi.SECRET6 for AccountKey=SECRET7==;') }, 'call with ?code=SECRET8 failed');
    const text = lines.join('');
    for (const secret of ['SECRET6', 'SECRET7', 'SECRET8']) expect(text).not.toContain(secret);
  });

  it('scrubSecrets leaves ordinary text alone', () => {
    expect(scrubSecrets('approved by policy payments-pls')).toBe('approved by policy payments-pls');
    expect(scrubSecrets('https://x/?sig=abc&se=1')).toBe('https://x/?sig=[redacted]&se=1');
  });
});
