/**
 * Leak tests ("Resources are released the moment a context ends: no
 * timer, listener or child registration outlives it"). Millions of
 * short-lived contexts and helpers on one long-lived context must leave it
 * as they found it: empty registries, no listeners, no timers, and a flat
 * heap (measured after gc(); every runtime's test run exposes it).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  type Context,
  afterFunc,
  background,
  createKey,
  race,
  sleep,
  withCancel,
  withSignal,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import { TimerCtx } from '../../src/core/with-deadline.js';
import { canMeasureHeap, heapUsed } from '../harness/runtime.js';
import { trackTimers } from '../harness/timers.js';

const MILLION = 1_000_000;
/** Allowed heap growth over a whole run of cycles: a leak of even 2 bytes per cycle exceeds it. */
const HEAP_BOUND = 2 * 1024 * 1024;


/** Runs `cycle` n times after a warm-up and returns the heap growth in bytes. */
function heapGrowth(n: number, cycle: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) cycle(i);
  const before = heapUsed();
  for (let i = 0; i < n; i++) cycle(i);
  return heapUsed() - before;
}

/** Async variant: `batch(i)` returns a promise for a batch of work. */
async function heapGrowthAsync(batches: number, batch: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await batch(i);
  const before = heapUsed();
  for (let i = 0; i < batches; i++) await batch(i);
  return heapUsed() - before;
}

/** True if ctx's children ring is absent or empty. */
function noChildren(ctx: Context): boolean {
  const l = (ctx as CancelCtx)._links;
  return l === undefined || l._next === l;
}

/** True if ctx's watcher ring (afterFunc and the async helpers) is absent or empty. */
function noWatchers(ctx: Context): boolean {
  const l = (ctx as CancelCtx)._links;
  return l === undefined || l._fnext === l;
}

/** Counts 'abort' listeners added to `s` (and the calls that did so) from now on. */
function spyListeners(s: AbortSignal): { live: Set<unknown>; adds: number; removes: number } {
  const spy = { live: new Set<unknown>(), adds: 0, removes: 0 };
  const add = s.addEventListener.bind(s);
  const remove = s.removeEventListener.bind(s);
  s.addEventListener = (type: string, l: any, o?: any) => {
    if (type === 'abort') {
      spy.adds++;
      spy.live.add(l);
    }
    add(type, l, o);
  };
  s.removeEventListener = (type: string, l: any, o?: any) => {
    if (type === 'abort') {
      spy.removes++;
      spy.live.delete(l);
    }
    remove(type, l, o);
  };
  return spy;
}


afterEach(() => {
  vi.useRealTimers();
});

describe('a million derive+cancel cycles under one long-lived parent', () => {
  it('needs gc() from --expose-gc', () => {
    expect(canMeasureHeap).toBe(true);
  });

  it('withCancel leaves the parent with no children and the heap flat', () => {
    const [parent, cancelParent] = withCancel(background());
    const growth = heapGrowth(MILLION, () => {
      const [, cancel] = withCancel(parent);
      cancel();
    });
    expect(noChildren(parent)).toBe(true);
    expect(growth).toBeLessThan(HEAP_BOUND);
    cancelParent();
  });

  it('withTimeout leaves no children, no pending timer and the heap flat', () => {
    const timers = trackTimers();
    try {
      const [parent, cancelParent] = withCancel(background());
      let last: Context | undefined;
      const growth = heapGrowth(MILLION, () => {
        const [c, cancel] = withTimeout(parent, 3_600_000);
        cancel();
        last = c;
      });
      expect(last).toBeInstanceOf(TimerCtx);
      expect((last as TimerCtx)._timer).toBeUndefined();
      expect(last!.err()).toBe(Canceled);
      expect(timers.pending()).toBe(0);
      expect(noChildren(parent)).toBe(true);
      expect(growth).toBeLessThan(HEAP_BOUND);
      cancelParent();
    } finally {
      timers.restore();
    }
  });

  it('withCancel below a withValue leaves no children and the heap flat', () => {
    const [parent, cancelParent] = withCancel(background());
    const key = createKey<number>('n');
    const growth = heapGrowth(MILLION, (i) => {
      const [c, cancel] = withCancel(withValue(parent, key, i));
      if (c.value(key) !== i) throw new Error('lost value');
      cancel();
    });
    expect(noChildren(parent)).toBe(true);
    expect(growth).toBeLessThan(HEAP_BOUND);
    cancelParent();
  });

  it('withSignal on one long-lived signal leaves no listener on it and the heap flat', () => {
    const ac = new AbortController();
    const spy = spyListeners(ac.signal);
    const [parent, cancelParent] = withCancel(background());
    let maxLive = 0;
    const growth = heapGrowth(MILLION, () => {
      const [, cancel] = withSignal(parent, ac.signal);
      if (spy.live.size > maxLive) maxLive = spy.live.size;
      cancel();
    });
    expect(spy.live.size).toBe(0);
    expect(spy.adds).toBe(spy.removes);
    expect(maxLive).toBe(1);
    expect(noChildren(parent)).toBe(true);
    expect(growth).toBeLessThan(HEAP_BOUND);
    cancelParent();
  });

  it('withSignal adds one listener however many contexts share the signal', () => {
    const ac = new AbortController();
    const spy = spyListeners(ac.signal);
    const cancels = [];
    for (let i = 0; i < 100_000; i++) cancels.push(withSignal(background(), ac.signal)[1]);
    expect(spy.adds).toBe(1);
    expect(spy.live.size).toBe(1);
    for (const c of cancels) c();
    expect(spy.live.size).toBe(0);
  });
});

describe('a million race() calls on a long-lived context', () => {
  it('leave no watcher registered and retain no result', async () => {
    const [ctx, cancel] = withCancel(background());
    let sum = 0;
    // 1,000 concurrent races per batch, each settling with ~1 KB of its own:
    // retaining the results would grow the heap by a gigabyte.
    const growth = await heapGrowthAsync(1_000, async (b) => {
      const ps: Promise<number[]>[] = new Array(1_000);
      for (let i = 0; i < 1_000; i++) ps[i] = race(ctx, Promise.resolve(new Array<number>(128).fill(b)));
      const rs = await Promise.all(ps);
      sum += rs[0]![0]!;
    });
    expect(sum).toBe((19 * 20) / 2 + (999 * 1000) / 2);
    expect(noWatchers(ctx)).toBe(true);
    expect(growth).toBeLessThan(HEAP_BOUND);
    cancel();
  });

  it('leave no timer behind on a context with a deadline', async () => {
    const timers = trackTimers();
    try {
      const [ctx, cancel] = withTimeout(background(), 3_600_000);
      const base = timers.pending();
      expect(base).toBe(1);
      for (let b = 0; b < 100; b++) {
        const ps: Promise<number>[] = [];
        for (let i = 0; i < 1_000; i++) ps.push(race(ctx, Promise.resolve(i)));
        await Promise.all(ps);
      }
      expect(timers.pending()).toBe(base);
      expect(noWatchers(ctx)).toBe(true);
      cancel();
      expect(timers.pending()).toBe(0);
    } finally {
      timers.restore();
    }
  });

  it('leave nothing behind when the context wins', async () => {
    const [ctx, cancel] = withCancel(background());
    const never = new Promise<never>(() => {});
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < 10_000; i++) ps.push(race(ctx, never).catch((e: unknown) => e));
    cancel();
    const errs = await Promise.all(ps);
    expect(errs.every((e) => e === Canceled)).toBe(true);
    expect((ctx as CancelCtx)._links).toBeUndefined();
  });
});

/** A user-written context offering only a signal (no afterFunc). */
class SignalOnlyParent implements Context {
  readonly ac = new AbortController();
  readonly spy = spyListeners(this.ac.signal);
  deadline(): undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    return this.ac.signal;
  }
  err(): Error | undefined {
    return this.ac.signal.aborted ? Canceled : undefined;
  }
  value(): undefined {
    return undefined;
  }
}

/** A user-written context offering Go's afterFunc hook; its signal must not be used. */
class AfterFuncOnlyParent implements Context {
  readonly fns = new Set<() => void>();
  registered = 0;
  stopped = 0;
  deadline(): undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    throw new Error('ctxkit must use afterFunc, not the signal');
  }
  err(): undefined {
    return undefined;
  }
  value(): undefined {
    return undefined;
  }
  afterFunc(f: () => void): () => boolean {
    this.registered++;
    this.fns.add(f);
    return () => {
      this.stopped++;
      return this.fns.delete(f);
    };
  }
}

describe('children of a never-cancelled user-written parent', () => {
  it('add exactly one listener to a signal-only parent and leave none once cancelled', () => {
    const parent = new SignalOnlyParent();
    const cancels = [];
    for (let i = 0; i < 100_000; i++) cancels.push(withCancel(parent)[1]);
    expect(parent.spy.adds).toBe(1);
    expect(parent.spy.live.size).toBe(1);
    // Cancel in an interleaved order; the listener goes with the last child.
    for (let i = 0; i < cancels.length; i += 2) cancels[i]!();
    expect(parent.spy.live.size).toBe(1);
    for (let i = cancels.length - 1; i > 0; i -= 2) cancels[i]!();
    expect(parent.spy.live.size).toBe(0);
    expect(parent.spy.removes).toBe(1);
  });

  it('register once with an afterFunc-only parent, stop it once, and retain nothing', () => {
    const parent = new AfterFuncOnlyParent();
    const cancels = [];
    for (let i = 0; i < 100_000; i++) cancels.push(withCancel(parent)[1]);
    expect(parent.registered).toBe(1);
    for (const c of cancels) c();
    expect(parent.stopped).toBe(1);
    expect(parent.fns.size).toBe(0);
  });

  it('keep the heap flat over 200,000 derive+cancel cycles on either kind of parent', () => {
    const sp = new SignalOnlyParent();
    const ap = new AfterFuncOnlyParent();
    const growth = heapGrowth(200_000, () => {
      withCancel(sp)[1]();
      withCancel(ap)[1]();
    });
    expect(sp.spy.live.size).toBe(0);
    expect(ap.fns.size).toBe(0);
    expect(ap.registered).toBe(ap.stopped);
    expect(growth).toBeLessThan(HEAP_BOUND);
  });
});

describe('afterFunc and sleep on a long-lived context', () => {
  it('100,000 afterFunc+stop leave its watcher ring empty', () => {
    const [ctx, cancel] = withCancel(background());
    let stoppedAll = true;
    const growth = heapGrowth(100_000, () => {
      const stop = afterFunc(ctx, () => {});
      if (!stop()) stoppedAll = false;
    });
    expect(stoppedAll).toBe(true);
    expect(noWatchers(ctx)).toBe(true);
    expect(growth).toBeLessThan(HEAP_BOUND);
    cancel();
  });

  it('a cancelled sleep leaves no timer and no watcher', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withCancel(background());
    const sleeps: Promise<unknown>[] = [];
    for (let i = 0; i < 1_000; i++) sleeps.push(sleep(ctx, 60_000).catch((e: unknown) => e));
    expect(vi.getTimerCount()).toBe(1_000);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
    expect((await Promise.all(sleeps)).every((e) => e === Canceled)).toBe(true);
    expect(noWatchers(ctx)).toBe(true);
  });

  it('an Infinity sleep on a context with a deadline releases its hold when cancelled', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const p = sleep(ctx, Infinity).catch((e: unknown) => e);
    // The context's own timer and the sleep's hold on the process.
    expect(vi.getTimerCount()).toBe(2);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
    expect(await p).toBe(Canceled);
  });

  it('a sleep that completes leaves no watcher on a long-lived context', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withCancel(background());
    const p = Promise.all([sleep(ctx, 10), sleep(ctx, 20), sleep(ctx, 0)]);
    await vi.advanceTimersByTimeAsync(20);
    await p;
    expect(vi.getTimerCount()).toBe(0);
    expect(noWatchers(ctx)).toBe(true);
    cancel();
  });
});
