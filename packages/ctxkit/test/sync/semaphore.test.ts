import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  sleep,
  withCancel,
  withSignal,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { Group, Semaphore } from '../../src/sync/index.js';
import { endings, flush, registrations, track, useFakeClock } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Resolves whether `acquire` succeeded within `ms` of fake time (x/sync's tryAcquire helper). */
async function acquireWithin(sem: Semaphore, n: number, ms: number): Promise<boolean> {
  const [ctx, cancel] = withTimeout(background(), ms);
  const r = track(sem.acquire(ctx, n));
  await vi.advanceTimersByTimeAsync(ms);
  cancel();
  await flush();
  return r.state === 'fulfilled';
}

describe('Semaphore: x/sync semaphore behaviours', () => {
  it('keeps the combined weight at or under the size while tasks hammer it (TestWeighted)', async () => {
    useFakeClock();
    const n = 4;
    const sem = new Semaphore(n);
    let held = 0;
    let peak = 0;
    const hammer = async (w: number, loops: number) => {
      for (let i = 0; i < loops; i++) {
        await sem.acquire(background(), w);
        held += w;
        peak = Math.max(peak, held);
        expect(held).toBeLessThanOrEqual(n);
        await sleep(background(), (i * 7 + w) % 3);
        held -= w;
        sem.release(w);
      }
    };
    const all = Promise.all([0, 1, 2, 3, 4].map((w) => hammer(Math.min(w, n), 100)));
    await vi.runAllTimersAsync();
    await all;
    expect(peak).toBe(n);
    expect(held).toBe(0);
    expect(sem.tryAcquire(n)).toBe(true);
  });

  it('throws when releasing an unacquired semaphore (TestWeightedPanic)', () => {
    const w = new Semaphore(1);
    expect(() => w.release(1)).toThrow(/released more than held/);
  });

  it('tryAcquire succeeds only with room (TestWeightedTryAcquire)', async () => {
    const sem = new Semaphore(2);
    const tries: boolean[] = [];
    await sem.acquire(background(), 1);
    tries.push(sem.tryAcquire(1));
    tries.push(sem.tryAcquire(1));
    sem.release(2);
    tries.push(sem.tryAcquire(1));
    await sem.acquire(background(), 1);
    tries.push(sem.tryAcquire(1));
    expect(tries).toEqual([true, false, true, false]);
  });

  it('acquire with a timeout succeeds only with room (TestWeightedAcquire)', async () => {
    useFakeClock();
    const sem = new Semaphore(2);
    const tries: boolean[] = [];
    await sem.acquire(background(), 1);
    tries.push(await acquireWithin(sem, 1, 10));
    tries.push(await acquireWithin(sem, 1, 10));
    sem.release(2);
    tries.push(await acquireWithin(sem, 1, 10));
    await sem.acquire(background(), 1);
    tries.push(await acquireWithin(sem, 1, 10));
    expect(tries).toEqual([true, false, true, false]);
  });

  it('does not block smaller acquires behind one that is too big (TestWeightedDoesntBlockIfTooBig)', async () => {
    useFakeClock();
    const n = 2;
    const sem = new Semaphore(n);
    const [bigCtx, cancelBig] = withCancel(background());
    const big = track(sem.acquire(bigCtx, n + 1));
    const [g, gctx] = Group.withContext(background());
    for (let i = n * 3; i > 0; i--) {
      void g.go(async () => {
        await sem.acquire(gctx, 1);
        await sleep(background(), 1);
        sem.release(1);
      });
    }
    const w = track(g.wait());
    await vi.advanceTimersByTimeAsync(3);
    expect(w.state).toBe('fulfilled');
    expect(big.state).toBe('pending');
    cancelBig();
    await flush();
    expect(big.state).toBe('rejected');
    expect(big.value).toBe(Canceled);
    expect(registrations(bigCtx)).toBe(0);
  });

  it('lets a large acquire through while small holders keep cycling (TestLargeAcquireDoesntStarve)', async () => {
    useFakeClock();
    const n = 4;
    const sem = new Semaphore(n);
    let running = true;
    const workers: Array<Promise<void>> = [];
    for (let i = n; i > 0; i--) {
      await sem.acquire(background(), 1);
      workers.push(
        (async () => {
          while (running) {
            await sleep(background(), 1);
            sem.release(1);
            await sem.acquire(background(), 1);
          }
          sem.release(1);
        })(),
      );
    }
    const large = track(
      sem.acquire(background(), n).then(() => {
        running = false;
        sem.release(n);
      }),
    );
    await vi.advanceTimersByTimeAsync(5);
    expect(large.state).toBe('fulfilled');
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(workers);
    expect(sem.tryAcquire(n)).toBe(true);
  });

  it('wakes the waiters behind a cancelled large waiter (TestAllocCancelDoesntStarve)', async () => {
    useFakeClock();
    const sem = new Semaphore(10);
    await sem.acquire(background(), 1); // hold one read lock
    const [wctx, cancelW] = withTimeout(background(), 300);
    const writer = track(sem.acquire(wctx, 10)); // gives up after 300 ms
    await vi.advanceTimersByTimeAsync(100);
    const reader = track(sem.acquire(background(), 1)); // queued behind the writer
    await flush();
    expect(reader.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(200);
    expect(writer.state).toBe('rejected');
    expect(writer.value).toBe(DeadlineExceeded);
    expect(reader.state).toBe('fulfilled');
    cancelW();
  });
});

describe('Semaphore: acquire', () => {
  it('takes free weight synchronously, before acquire returns', () => {
    const sem = new Semaphore(3);
    void sem.acquire(background(), 2);
    expect(sem.tryAcquire(1)).toBe(true);
    expect(sem.tryAcquire(1)).toBe(false);
  });

  it('rejects on a cancelled context even when the semaphore is free, holding nothing', async () => {
    const sem = new Semaphore(1);
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(sem.acquire(ctx)).rejects.toBe(Canceled);
    await expect(sem.acquire(ctx, 0)).rejects.toBe(Canceled);
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('rejects with the deadline error of an expired context, before anything else', async () => {
    const sem = new Semaphore(1);
    const [ctx, cancel] = withTimeout(background(), 0);
    await expect(sem.acquire(ctx, 5)).rejects.toBe(DeadlineExceeded);
    cancel();
  });

  it('resolves acquire(ctx, 0) at once on a live context, even with waiters queued', async () => {
    const sem = new Semaphore(1);
    await sem.acquire(background());
    const waiter = track(sem.acquire(background()));
    const zero = track(sem.acquire(background(), 0));
    await flush();
    expect(zero.state).toBe('fulfilled');
    expect(waiter.state).toBe('pending');
    expect(sem.tryAcquire(0)).toBe(true);
    sem.release();
    await flush();
    expect(waiter.state).toBe('fulfilled');
  });

  it('grants waiters in FIFO order', async () => {
    const sem = new Semaphore(1);
    await sem.acquire(background());
    const order: number[] = [];
    const ps = [0, 1, 2, 3].map((i) =>
      sem.acquire(background()).then(() => {
        order.push(i);
        sem.release();
      }),
    );
    sem.release();
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('blocks smaller waiters behind a large one at the head until it fits (head-of-line)', async () => {
    const sem = new Semaphore(4);
    await sem.acquire(background(), 2);
    const big = track(sem.acquire(background(), 3));
    const small = track(sem.acquire(background(), 1));
    await flush();
    // 2 are free: small would fit, but it waits behind big.
    expect(small.state).toBe('pending');
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(1);
    await flush();
    expect(big.state).toBe('fulfilled');
    expect(small.state).toBe('pending');
    sem.release(1);
    await flush();
    expect(small.state).toBe('fulfilled');
  });

  it('fails tryAcquire while waiters are queued, even with room (no barging)', async () => {
    const sem = new Semaphore(3);
    await sem.acquire(background(), 2);
    const w = track(sem.acquire(background(), 2));
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(2);
    await flush();
    expect(w.state).toBe('fulfilled');
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('wakes the waiters behind a head waiter when it is cancelled', async () => {
    const sem = new Semaphore(3);
    await sem.acquire(background(), 1);
    const [ctx, cancel] = withCancel(background());
    const head = track(sem.acquire(ctx, 3));
    const behind = [track(sem.acquire(background(), 1)), track(sem.acquire(background(), 1))];
    await flush();
    expect(behind.map((b) => b.state)).toEqual(['pending', 'pending']);
    cancel();
    await flush();
    expect(head.state).toBe('rejected');
    expect(head.value).toBe(Canceled);
    expect(behind.map((b) => b.state)).toEqual(['fulfilled', 'fulfilled']);
    expect(sem.tryAcquire(1)).toBe(false);
  });

  it('rejects a waiter cancelled in the same tick as its grant (grant first), giving the weight to the next', async () => {
    const sem = new Semaphore(2);
    await sem.acquire(background(), 2);
    const [ctx, cancel] = withCancel(background());
    const a = track(sem.acquire(ctx, 2));
    const b = track(sem.acquire(background(), 1));
    await flush();
    sem.release(2); // grants a ...
    cancel(); // ... and a's context ends in the same tick
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(Canceled);
    expect(b.state).toBe('fulfilled');
    expect(sem.tryAcquire(1)).toBe(true);
    expect(sem.tryAcquire(1)).toBe(false);
    expect(registrations(ctx)).toBe(0);
  });

  it('skips a waiter cancelled in the same tick before the release that would grant it', async () => {
    const sem = new Semaphore(1);
    await sem.acquire(background());
    const [ctx, cancel] = withCancel(background());
    const a = track(sem.acquire(ctx));
    const b = track(sem.acquire(background()));
    await flush();
    cancel();
    sem.release();
    await flush();
    expect(a.state).toBe('rejected');
    expect(b.state).toBe('fulfilled');
    expect(sem.tryAcquire()).toBe(false);
    sem.release();
    expect(sem.tryAcquire()).toBe(true);
  });

  it('waits for the context alone when n exceeds the size, registering nothing on a context that never ends', async () => {
    const sem = new Semaphore(2);
    const forever = track(sem.acquire(background(), 3));
    expect(sem.tryAcquire(2)).toBe(true);
    sem.release(2);
    const [ctx, cancel] = withTimeout(background(), 3_600_000);
    const doomed = track(sem.acquire(ctx, 3));
    expect(registrations(ctx)).toBe(1);
    cancel();
    await flush();
    expect(doomed.state).toBe('rejected');
    expect(doomed.value).toBe(Canceled);
    expect(forever.state).toBe('pending');
    expect(registrations(ctx)).toBe(0);
  });

  it('works with a user-written context, removing its listener when each wait settles', async () => {
    const ac = new AbortController();
    const user: Context = {
      deadline: () => undefined,
      signal: ac.signal,
      err: () => (ac.signal.aborted ? Canceled : undefined),
      value: () => undefined,
    };
    const sem = new Semaphore(1);
    for (let i = 0; i < 1000; i++) {
      await sem.acquire(background());
      const p = sem.acquire(user);
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
      sem.release();
      await p;
      sem.release();
    }
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await sem.acquire(background());
    const p = track(sem.acquire(user));
    ac.abort();
    await flush();
    expect(p.state).toBe('rejected');
    expect(p.value).toBe(Canceled);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('passes through value contexts to the cancellable context below', async () => {
    const [base, cancel] = withCancel(background());
    const ctx = withValue(base, 'k', 'v');
    const sem = new Semaphore(1);
    await sem.acquire(ctx);
    const p = track(sem.acquire(ctx));
    expect(registrations(base)).toBe(1);
    cancel();
    await flush();
    expect(p.value).toBe(Canceled);
    expect(registrations(base)).toBe(0);
  });

  it('honours a signal-derived context', async () => {
    const ac = new AbortController();
    const [ctx, cancel] = withSignal(background(), ac.signal);
    const sem = new Semaphore(1);
    await sem.acquire(ctx);
    const p = track(sem.acquire(ctx));
    ac.abort(new Error('client left'));
    await flush();
    expect(p.value).toBe(Canceled);
    cancel();
  });
});

describe('Semaphore: release and validation', () => {
  it('throws when releasing more than held and leaves the count unchanged', async () => {
    const sem = new Semaphore(3);
    await sem.acquire(background(), 2);
    expect(() => sem.release(3)).toThrow(/released more than held/);
    expect(sem.tryAcquire(2)).toBe(false);
    expect(sem.tryAcquire(1)).toBe(true);
    sem.release(3);
    expect(() => sem.release(1)).toThrow(Error);
    expect(sem.tryAcquire(3)).toBe(true);
  });

  it('treats release(0) as a no-op', () => {
    const sem = new Semaphore(1);
    expect(() => sem.release(0)).not.toThrow();
    expect(sem.tryAcquire()).toBe(true);
  });

  it('throws RangeError for a negative, fractional, NaN or infinite weight, and TypeError for a non-number', () => {
    const sem = new Semaphore(2);
    for (const n of [-1, 0.5, NaN, Infinity, -Infinity, 2 ** 53]) {
      expect(() => sem.acquire(background(), n), `acquire ${n}`).toThrow(RangeError);
      expect(() => sem.tryAcquire(n), `tryAcquire ${n}`).toThrow(RangeError);
      expect(() => sem.release(n), `release ${n}`).toThrow(RangeError);
    }
    expect(() => sem.acquire(background(), '1' as never)).toThrow(TypeError);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('throws RangeError for a non-positive or non-integer size, and TypeError for a non-number', () => {
    for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => new Semaphore(size), `size ${size}`).toThrow(RangeError);
    }
    expect(() => new Semaphore('2' as never)).toThrow(TypeError);
    expect(() => new Semaphore(undefined as never)).toThrow(TypeError);
  });

  it('throws TypeError for a missing context', () => {
    const sem = new Semaphore(1);
    expect(() => sem.acquire(undefined as never)).toThrow(TypeError);
    expect(() => sem.acquire({} as never)).toThrow(/must be a Context/);
    expect(sem.tryAcquire()).toBe(true);
  });

  it('uses a default weight of 1', async () => {
    const sem = new Semaphore(2);
    await sem.acquire(background());
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
    sem.release();
    sem.release();
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('lets a waiter on a deadline context keep the process alive until the deadline (its timer is released on grant)', async () => {
    useFakeClock();
    const sem = new Semaphore(1);
    await sem.acquire(background());
    const [ctx, cancel] = withTimeout(background(), 1000);
    const base = vi.getTimerCount();
    const p = track(sem.acquire(ctx));
    expect(vi.getTimerCount()).toBe(base + 1);
    sem.release();
    await flush();
    expect(p.state).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(base);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** Runs `f` after `n` microtasks (at once for 0). */
function afterMicrotasks(n: number, f: () => void): void {
  if (n === 0) f();
  else queueMicrotask(() => afterMicrotasks(n - 1, f));
}

describe.each(endings)('Semaphore: weight granted to a waiter whose context ends at that moment (%s)', (_kind, make) => {
  it('rejects the waiter with err() and gives its weight to the next waiter', async () => {
    const e = make();
    const sem = new Semaphore(2);
    await sem.acquire(background(), 2);
    const a = track(sem.acquire(e.ctx, 1));
    const b = track(sem.acquire(background(), 2));
    await flush();
    expect(e.held()).toBe(1);
    sem.release(2); // grants 1 to a (b does not fit behind it) ...
    e.end(); // ... whose context ends before a resumes
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(e.err);
    expect(b.state).toBe('fulfilled');
    expect(sem._head).toBeUndefined();
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(2); // b's
    expect(sem.tryAcquire(2)).toBe(true);
    expect(e.held()).toBe(0);
  });

  it('gives the weight back to the count when that waiter was the only one', async () => {
    const e = make();
    const sem = new Semaphore(3);
    await sem.acquire(background(), 3);
    const a = track(sem.acquire(e.ctx, 2));
    await flush();
    sem.release(3);
    e.end();
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(e.err);
    expect(sem.tryAcquire(3)).toBe(true);
    expect(e.held()).toBe(0);
  });

  it('leaves nothing held or registered however late in the grant the context ends', async () => {
    for (let late = 0; late <= 6; late++) {
      const e = make();
      const sem = new Semaphore(2);
      await sem.acquire(background(), 2);
      const a = track(
        sem.acquire(e.ctx, 2).then(() => {
          sem.release(2);
        }),
      );
      await flush();
      sem.release(2);
      afterMicrotasks(late, e.end);
      await flush();
      // Ended in the same tick as the grant: the waiter never gets it. Later
      // on, the caller may already be on its way back, as a Go caller may
      // find its context done right after acquiring.
      if (late === 0) expect(a.state).toBe('rejected');
      if (a.state === 'rejected') expect(a.value, `ended ${late} microtasks late`).toBe(e.err);
      // Granted and released, or given back: either way nothing is held.
      expect(sem.tryAcquire(2)).toBe(true);
      expect(e.held()).toBe(0);
    }
  });
});
