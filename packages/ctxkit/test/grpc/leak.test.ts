/**
 * Nothing outlives a call: 10,000 calls through the interceptor and the
 * wrappers, on long-lived contexts, leave no registration on those
 * contexts, no listener on the call objects, no timer, and a flat heap.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Context, background, withCancel } from '../../src/index.js';
import { callOptions, wrapService } from '../../src/grpc/index.js';
import { type EchoClient, ready, service, start, unary } from './helpers.js';
import { trackTimers } from '../harness/timers.js';

/** A user-written context (no afterFunc hook): ctxkit can only follow it through a listener on its signal, which we can count. */
class LongLived implements Context {
  readonly #ac = new AbortController();
  readonly #deadline: number | undefined;
  constructor(deadline?: number) {
    this.#deadline = deadline;
  }
  deadline(): Date | undefined {
    return this.#deadline === undefined ? undefined : new Date(this.#deadline);
  }
  get signal(): AbortSignal {
    return this.#ac.signal;
  }
  err(): Error | undefined {
    return undefined;
  }
  value(): undefined {
    return undefined;
  }
  /** Listeners ctxkit holds on this context right now. */
  get registrations(): number {
    return getEventListeners(this.#ac.signal, 'abort').length;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;


describe('10,000 calls leave nothing behind', () => {
  it('no registrations on long-lived contexts, no listeners on call objects, no timers, flat heap', async () => {
    expect(gc, 'vitest runs with --expose-gc').toBeTypeOf('function');
    const serverParent = new LongLived(); // no deadline: each handler context arms its own timer
    const kept: NodeJS.EventEmitter[] = [];
    let handled = 0;
    let sampling = true; // during the warm-up only: the heap measured afterwards holds no sample
    const s = await start(
      wrapService(
        service,
        {
          async unary(call) {
            if (handled++ % 10 === 0 && sampling) kept.push(call); // a sample of call objects, checked once their calls are over
            await Promise.resolve();
            return 1;
          },
          async list(call) {
            if (handled++ % 2 === 0 && sampling) kept.push(call);
            call.write(1);
          },
        },
        { parent: serverParent },
      ),
    );
    try {
      const client = s.client();
      await ready(client);
      const clientCtx = new LongLived(Date.now() + 3_600_000); // every call carries its deadline: timers on both sides
      const [ctxkitCtx, cancelCtxkit] = withCancel(background());

      const batch = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i += 100) {
          const calls: Promise<unknown>[] = [];
          for (let j = 0; j < 100; j++) {
            const ctx = j % 2 === 0 ? clientCtx : ctxkitCtx;
            calls.push(j === 99 ? listOnce(client, ctx) : unary(client, {}, callOptions(ctx)));
          }
          await Promise.all(calls);
        }
      };
      await batch(3_000); // warm up: JIT, grpc-js's pools
      await settle();
      sampling = false;
      for (const call of kept) expect(call.listenerCount('cancelled')).toBe(0);
      gc!();
      const heapBefore = process.memoryUsage().heapUsed;

      const timers = trackTimers();
      let timersLeft: number;
      let timersMade: number;
      try {
        await batch(10_000);
        await settle();
        timersLeft = timers.pending();
        timersMade = timers.created();
      } finally {
        timers.restore();
      }
      gc!();
      const heapAfter = process.memoryUsage().heapUsed;

      expect(handled).toBe(13_000);
      expect(clientCtx.registrations).toBe(0);
      expect(serverParent.registrations).toBe(0);
      expect(kept.length).toBeGreaterThanOrEqual(100);
      // Half the calls carry a deadline: grpc-js's timers on both sides and the handler context's. None is left.
      expect(timersMade).toBeGreaterThan(15_000);
      expect(timersLeft).toBe(0);
      const growth = heapAfter - heapBefore;
      console.log(`10,000 calls: heap ${(growth / 1024).toFixed(0)} KiB, timers made ${timersMade}, left ${timersLeft}`);
      expect(growth).toBeLessThan(1024 * 1024); // about 100 bytes a call: one closure kept per call would show
      cancelCtxkit();
    } finally {
      await s.close();
    }
  });
});

function listOnce(client: EchoClient, ctx: Context): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.List({}, callOptions(ctx));
    call.on('data', () => {});
    call.on('error', reject);
    call.on('end', resolve);
  });
}

/** Lets grpc-js finish its end-of-call work (trailers, `cancelled` events) for the calls just made. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
}
