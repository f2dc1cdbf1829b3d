/**
 * No leak on the client side: 1,000 sequential fetchWithContext calls on
 * one long-lived context and one caller signal leave no registration on
 * the context, no listener on the signal or on a user-written parent, no
 * pending timer, and a flat heap.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { withCancel } from '../../src/index.js';
import { fetchWithContext } from '../../src/http/index.js';
import { registrations } from '../sync/helpers.js';
import { foreignParent, serve, trackTimers } from './helpers.js';

declare const gc: () => void;

async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

describe('no leak across 1,000 calls', () => {
  it('fetchWithContext leaves nothing on a long-lived context, its user-written parent or the caller signal', async () => {
    const timers = trackTimers();
    const parent = foreignParent();
    const [ctx, cancel] = withCancel(parent.ctx);
    const ac = new AbortController();
    const linked = parent.listeners(); // ctx's own link to its user-written parent
    const srv = await serve((_req, res) => res.end('ok'));
    try {
      const run = async (k: number) => {
        for (let i = 0; i < k; i++) {
          const res = await fetchWithContext(ctx, srv.url, { signal: ac.signal, timeoutMs: 30_000 });
          await res.text();
        }
      };
      await run(100);
      const heap0 = await heapUsed();
      await run(1_000);
      const heap1 = await heapUsed();
      expect(registrations(ctx)).toBe(0);
      expect(parent.listeners()).toBe(linked); // nothing per call
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
      expect(timers.pending()).toBe(0);
      expect(heap1 - heap0).toBeLessThan(2 * 1024 * 1024);
      expect(srv.connections).toBeLessThanOrEqual(2); // keep-alive: one connection, at most renewed once
    } finally {
      cancel();
      timers.restore();
      await srv.close();
    }
    expect(parent.listeners()).toBe(0);
  });
});
