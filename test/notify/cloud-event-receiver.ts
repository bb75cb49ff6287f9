/**
 * A local CloudEvents receiver on 127.0.0.1 for notification tests: records every POST, answers
 * with the status the test scripts (200 by default), and resolves `received(n)` once n events have
 * arrived, so tests await deliveries instead of sleeping.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export interface CloudEventReceiver {
  url: string;
  posts: ReceivedPost[];
  /** Answers for the next requests, in order; then 200. */
  script(...statuses: number[]): void;
  /** Requests are held without an answer until `release` (a slow receiver). */
  hold(): void;
  release(): void;
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReceiver(): Promise<CloudEventReceiver> {
  const posts: ReceivedPost[] = [];
  const statuses: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let held: (() => void)[] | undefined;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const text = await bodyOf(request);
      const answer = (): void => {
        const status = statuses.shift() ?? 200;
        if (status >= 200 && status < 300) posts.push({ contentType: request.headers['content-type'], body: JSON.parse(text) as Record<string, unknown> });
        response.writeHead(status).end();
        for (const waiter of waiters.filter((w) => posts.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      };
      if (held !== undefined) held.push(answer);
      else answer();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/linkgate`,
    posts,
    script: (...next) => statuses.push(...next),
    hold: () => {
      held = [];
    },
    release: () => {
      const answers = held ?? [];
      held = undefined;
      for (const answer of answers) answer();
    },
    received: (count) => (posts.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
