import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  isDeadlineExceeded,
  sleep,
  withCancel,
  withTimeout,
} from '../../src/index.js';
import { Mutex } from '../../src/sync/index.js';
import { endings, flush, registrations, track, useFakeClock } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Mutex: the four behaviours', () => {
  it('1. lock succeeds at once on a free mutex', async () => {
    const mu = new Mutex();
    const p = track(mu.lock(background()));
    await flush();
    expect(p.state).toBe('fulfilled');
    expect(mu.tryLock()).toBe(false);
  });

  it('2. a second lock waits until the first unlock', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const second = track(mu.lock(background()));
    await flush();
    expect(second.state).toBe('pending');
    mu.unlock();
    await flush();
    expect(second.state).toBe('fulfilled');
    expect(mu.tryLock()).toBe(false);
  });

  it('3. a second lock with a 50 ms timeout rejects with DeadlineExceeded, not holding the lock', async () => {
    useFakeClock();
    const mu = new Mutex();
    await mu.lock(background());
    const [ctx, cancel] = withTimeout(background(), 50);
    const second = track(mu.lock(ctx));
    await vi.advanceTimersByTimeAsync(49);
    expect(second.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(second.state).toBe('rejected');
    expect(second.value).toBe(DeadlineExceeded);
    cancel();
    mu.unlock();
    // The timed-out waiter does not hold it: the mutex is free again.
    expect(mu.tryLock()).toBe(true);
    expect(registrations(ctx)).toBe(0);
  });

  it('4. unlock of a never-locked mutex throws, and leaves it usable', () => {
    const mu = new Mutex();
    expect(() => mu.unlock()).toThrow(/unlock of unlocked mutex/);
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
    expect(() => mu.unlock()).toThrow(Error);
  });
});

describe('Mutex: stress', () => {
  it('1,000 tasks with 5 ms timeouts: granted + DeadlineExceeded add up to 1,000, nothing left waiting', async () => {
    useFakeClock();
    const mu = new Mutex();
    let granted = 0;
    let timedOut = 0;
    let other = 0;
    let inside = 0;
    const ctxs: Array<ReturnType<typeof withTimeout>[0]> = [];
    const tasks: Array<Promise<void>> = [];
    for (let i = 0; i < 1000; i++) {
      const [ctx, cancel] = withTimeout(background(), 5);
      ctxs.push(ctx);
      tasks.push(
        (async () => {
          try {
            await mu.lock(ctx);
          } catch (err) {
            if (isDeadlineExceeded(err)) timedOut++;
            else other++;
            return;
          } finally {
            cancel();
          }
          granted++;
          inside++;
          expect(inside).toBe(1);
          // Hold it for a while (not on the expired ctx: the work itself is not the point).
          await sleep(background(), i % 2);
          inside--;
          mu.unlock();
        })(),
      );
    }
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all(tasks);
    expect(granted + timedOut).toBe(1000);
    expect(other).toBe(0);
    expect(granted).toBeGreaterThan(1);
    expect(timedOut).toBeGreaterThan(900);
    // Nothing left waiting: the queue is empty, the mutex is free, every
    // context is left without registrations and no timer remains.
    expect(mu._head).toBeUndefined();
    expect(mu.tryLock()).toBe(true);
    for (const ctx of ctxs) expect(registrations(ctx)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('1,000 tasks with 5 ms timeouts on the real clock: the counts add up', async () => {
    const mu = new Mutex();
    let granted = 0;
    let timedOut = 0;
    const tasks = Array.from({ length: 1000 }, async () => {
      const [ctx, cancel] = withTimeout(background(), 5);
      try {
        await mu.lock(ctx);
      } catch (err) {
        if (err === DeadlineExceeded) timedOut++;
        return;
      } finally {
        cancel();
      }
      granted++;
      await Promise.resolve();
      mu.unlock();
    });
    await Promise.all(tasks);
    expect(granted + timedOut).toBe(1000);
    expect(mu._head).toBeUndefined();
    expect(mu.tryLock()).toBe(true);
  });
});

describe('Mutex: lock', () => {
  it('rejects on a cancelled context even when the mutex is free', async () => {
    const mu = new Mutex();
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(mu.lock(ctx)).rejects.toBe(Canceled);
    expect(mu.tryLock()).toBe(true);
  });

  it('takes a free mutex synchronously, before lock returns', () => {
    const mu = new Mutex();
    void mu.lock(background());
    expect(mu.tryLock()).toBe(false);
  });

  it('grants waiters in FIFO order', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const order: number[] = [];
    const ps = [0, 1, 2, 3, 4].map((i) =>
      mu.lock(background()).then(() => {
        order.push(i);
        mu.unlock();
      }),
    );
    mu.unlock();
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(mu.tryLock()).toBe(true);
  });

  it('rejects a waiter cancelled in the same tick as the hand-over (hand-over first), passing the lock on', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const [ctx, cancel] = withCancel(background());
    const a = track(mu.lock(ctx));
    const b = track(mu.lock(background()));
    await flush();
    mu.unlock(); // hands the lock to a ...
    cancel(); // ... whose context ends in the same tick
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(Canceled);
    expect(b.state).toBe('fulfilled');
    mu.unlock(); // b's
    expect(mu.tryLock()).toBe(true);
    expect(registrations(ctx)).toBe(0);
  });

  it('rejects a waiter cancelled in the same tick as the hand-over (cancellation first), passing the lock on', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const [ctx, cancel] = withCancel(background());
    const a = track(mu.lock(ctx));
    const b = track(mu.lock(background()));
    await flush();
    cancel();
    mu.unlock();
    await flush();
    expect(a.state).toBe('rejected');
    expect(b.state).toBe('fulfilled');
    expect(mu.tryLock()).toBe(false);
  });

  it('frees the mutex when the only waiter it is handed to was cancelled in the same tick', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const [ctx, cancel] = withCancel(background());
    const a = track(mu.lock(ctx));
    mu.unlock();
    cancel();
    await flush();
    expect(a.state).toBe('rejected');
    expect(mu.tryLock()).toBe(true);
  });

  it('removes a cancelled waiter from the queue, so unlock frees the mutex', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const [ctx, cancel] = withCancel(background());
    const a = track(mu.lock(ctx));
    cancel();
    await flush();
    expect(a.state).toBe('rejected');
    expect(mu._head).toBeUndefined();
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
  });

  it('rejects, at the hand-over, a waiter whose user-written context reports err() before it notifies', async () => {
    const ac = new AbortController();
    let err: Error | undefined = undefined;
    const user: Context = {
      deadline: () => undefined,
      signal: ac.signal, // never aborted: this context is slow to notify
      err: () => err,
      value: () => undefined,
    };
    const mu = new Mutex();
    await mu.lock(background());
    const a = track(mu.lock(user));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    err = new Error('user context ended');
    mu.unlock();
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(err);
    expect(mu.tryLock()).toBe(true);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('does not let tryLock barge past a waiter', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    const a = track(mu.lock(background()));
    mu.unlock();
    expect(mu.tryLock()).toBe(false);
    await flush();
    expect(a.state).toBe('fulfilled');
  });

  it('throws TypeError for a missing context', () => {
    const mu = new Mutex();
    expect(() => mu.lock(undefined as never)).toThrow(TypeError);
    expect(mu.tryLock()).toBe(true);
  });
});

/** Runs `f` after `n` microtasks (at once for 0). */
function afterMicrotasks(n: number, f: () => void): void {
  if (n === 0) f();
  else queueMicrotask(() => afterMicrotasks(n - 1, f));
}

describe.each(endings)('Mutex: the lock handed to a waiter whose context ends at that moment (%s)', (_kind, make) => {
  it('rejects the waiter with err() and passes the lock to the next waiter', async () => {
    const e = make();
    const mu = new Mutex();
    await mu.lock(background());
    const a = track(mu.lock(e.ctx));
    const b = track(mu.lock(background()));
    await flush();
    expect(e.held()).toBe(1);
    mu.unlock(); // hands the lock to a ...
    e.end(); // ... whose context ends before a resumes
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(e.err);
    expect(b.state).toBe('fulfilled');
    expect(mu._head).toBeUndefined();
    mu.unlock(); // b's
    expect(mu.tryLock()).toBe(true);
    expect(e.held()).toBe(0);
  });

  it('frees the mutex when that waiter was the only one', async () => {
    const e = make();
    const mu = new Mutex();
    await mu.lock(background());
    const a = track(mu.lock(e.ctx));
    await flush();
    mu.unlock();
    e.end();
    await flush();
    expect(a.state).toBe('rejected');
    expect(a.value).toBe(e.err);
    expect(mu.tryLock()).toBe(true);
    expect(e.held()).toBe(0);
  });

  it('leaves nothing held or registered however late in the hand-over the context ends', async () => {
    for (let late = 0; late <= 6; late++) {
      const e = make();
      const mu = new Mutex();
      await mu.lock(background());
      const a = track(
        mu.lock(e.ctx).then(() => {
          mu.unlock();
        }),
      );
      await flush();
      mu.unlock();
      afterMicrotasks(late, e.end);
      await flush();
      // Ended in the same tick as the grant: the waiter never gets it. Later
      // on, the caller may already be on its way back, as a Go caller may
      // find its context done right after locking.
      if (late === 0) expect(a.state).toBe('rejected');
      if (a.state === 'rejected') expect(a.value, `ended ${late} microtasks late`).toBe(e.err);
      // Granted and released, or given back: either way nothing is held.
      expect(mu.tryLock()).toBe(true);
      expect(e.held()).toBe(0);
    }
  });
});
