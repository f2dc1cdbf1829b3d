/**
 * Every waiter removes its registration from its context when it is granted
 * or rejected: a long-lived context used for 100,000 waits is left exactly
 * as it was found (white-box: its `_links` registries are empty).
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Context, background, withCancel, withTimeout, withValue } from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import { Group, Mutex, Semaphore, run } from '../../src/sync/index.js';
import { registrations, useFakeClock } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

const CYCLES = 100_000;

/** True when the context has no child and no watcher left (its `_links` ring is empty or gone). */
function clean(ctx: Context): boolean {
  const l = (ctx as CancelCtx)._links;
  return l === undefined || (l._next === l && l._fnext === l);
}

describe('no registration outlives its wait', () => {
  it('100,000 contended Semaphore acquire/release cycles on a long-lived context leave its registries empty', async () => {
    const [ctx, cancel] = withCancel(background());
    expect(ctx).toBeInstanceOf(CancelCtx);
    const sem = new Semaphore(1);
    let peak = 0;
    for (let i = 0; i < CYCLES; i++) {
      sem.tryAcquire(); // someone else holds it ...
      const p = sem.acquire(ctx); // ... so this one waits on ctx
      peak = Math.max(peak, registrations(ctx));
      sem.release();
      await p;
      sem.release();
    }
    expect(peak).toBe(1);
    expect(clean(ctx)).toBe(true);
    expect(sem.tryAcquire()).toBe(true);
    cancel();
  });

  it('100,000 contended Mutex lock/unlock cycles on a long-lived value-wrapped context leave its registries empty', async () => {
    const [base, cancel] = withCancel(background());
    const ctx = withValue(base, 'request', 'r-1');
    const mu = new Mutex();
    let peak = 0;
    for (let i = 0; i < CYCLES; i++) {
      mu.tryLock();
      const p = mu.lock(ctx);
      peak = Math.max(peak, registrations(base));
      mu.unlock();
      await p;
      mu.unlock();
    }
    expect(peak).toBe(1);
    expect(clean(base)).toBe(true);
    cancel();
  });

  it('100,000 uncontended acquire/release cycles register nothing at all', async () => {
    const [ctx, cancel] = withCancel(background());
    const sem = new Semaphore(2);
    const mu = new Mutex();
    for (let i = 0; i < CYCLES; i++) {
      await sem.acquire(ctx, 2);
      sem.release(2);
      await mu.lock(ctx);
      mu.unlock();
    }
    // Even a registration removed again would have left an (empty) registry object.
    expect((ctx as CancelCtx)._links).toBeUndefined();
    cancel();
  });

  it('waiters rejected by timeouts leave no registration or timer behind on a long-lived parent', async () => {
    useFakeClock();
    const [parent, cancel] = withCancel(background());
    const sem = new Semaphore(1);
    sem.tryAcquire();
    for (let i = 0; i < 1000; i++) {
      const [ctx, stop] = withTimeout(parent, 1);
      const p = sem.acquire(ctx).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1);
      await p;
      stop();
    }
    expect(clean(parent)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    sem.release();
    expect(sem.tryAcquire()).toBe(true);
    cancel();
  });

  it('waiters on a user-written context leave no abort listener behind', async () => {
    const ac = new AbortController();
    const user: Context = {
      deadline: () => undefined,
      signal: ac.signal,
      err: () => undefined,
      value: () => undefined,
    };
    const mu = new Mutex();
    for (let i = 0; i < 10_000; i++) {
      mu.tryLock();
      const p = mu.lock(user);
      mu.unlock();
      await p;
      mu.unlock();
    }
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('groups and runs on a long-lived parent leave nothing registered once they end', async () => {
    const [parent, cancel] = withCancel(background());
    for (let i = 0; i < 10_000; i++) {
      const [g] = Group.withContext(parent);
      g.setLimit(1);
      void g.go(async () => {});
      void g.go(async () => {});
      await g.wait();
      await run(parent, async () => {});
    }
    expect(clean(parent)).toBe(true);
    cancel();
  });
});
