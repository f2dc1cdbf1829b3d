/**
 * No leak: 10,000 sequential requests over one keep-alive connection leave
 * no pending timer, no listener on the server or the socket, no live
 * request context and no registration on the server's parent context, and
 * the heap stays flat. (The client side: test/http/fetch-leak.test.ts.)
 */
import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Context, background, withCancel } from '../../src/index.js';
import { withRequestContext } from '../../src/node/index.js';
import { registrations } from '../sync/helpers.js';
import { listenerTotal, serve, trackTimers } from '../http/helpers.js';

declare const gc: () => void;

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}

async function heapUsed(): Promise<number> {
  await collect();
  return process.memoryUsage().heapUsed;
}

describe('no leak across 10,000 requests', () => {
  it('leaves no timer, listener, context or registration behind, with a flat heap', async () => {
    const N = 10_000;
    const timers = trackTimers();
    const [server, stop] = withCancel(background());
    const refs: Array<WeakRef<Context>> = [];
    let sockets = new Set<Socket>();
    let n = 0;
    const srv = await serve(
      withRequestContext(
        (req, res, ctx) => {
          if (++n % 100 === 0) refs.push(new WeakRef(ctx));
          sockets.add(req.socket);
          res.end('ok');
        },
        { parent: server, maxTimeoutMs: 30_000 },
      ),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(srv.url);
    const get = () =>
      new Promise<void>((resolve, reject) => {
        const r = httpRequest({ host: '127.0.0.1', port, agent, headers: { 'connect-timeout-ms': '20000' } }, (res: IncomingMessage) => {
          res.resume();
          res.on('end', resolve);
        });
        r.on('error', reject);
        r.end();
      });
    try {
      const serverListeners = listenerTotal(srv.server);
      for (let i = 0; i < 500; i++) await get(); // warm up
      const socket = [...sockets][0]!;
      const socketListeners = listenerTotal(socket);
      const heap0 = await heapUsed();
      const started = performance.now();
      for (let i = 0; i < N; i++) await get();
      const elapsed = performance.now() - started;
      // Node keeps the last request of a keep-alive connection reachable
      // until the next one arrives: two more, outside the sample.
      await get();
      await get();
      await new Promise((r) => setImmediate(r)); // the last response's 'close'
      const heap1 = await heapUsed();

      expect(sockets.size).toBe(1); // one keep-alive connection served them all
      expect(timers.pending()).toBe(0);
      expect(listenerTotal(srv.server)).toBe(serverListeners);
      expect(listenerTotal(socket)).toBe(socketListeners);
      expect(registrations(server)).toBe(0);
      expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
      expect(heap1 - heap0).toBeLessThan(2 * 1024 * 1024);
      console.log(
        `${N} requests in ${elapsed.toFixed(0)} ms; heap ${((heap1 - heap0) / 1024).toFixed(0)} KiB after vs before; ${refs.length} sampled contexts all collected`,
      );
    } finally {
      sockets = new Set();
      timers.restore();
      agent.destroy();
      stop();
      await srv.close();
    }
  });
});
