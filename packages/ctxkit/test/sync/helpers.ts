/**
 * Fixtures of the sync tests: white-box views of a context's registries,
 * microtask flushing, deferreds, a fake clock that leaves setImmediate real,
 * an unhandled-rejection collector, and contexts that end in the middle of
 * a hand-over.
 */
import { getEventListeners } from 'node:events';
import { vi } from 'vitest';
import { Canceled, type Context, afterFunc, background, withCancel } from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import type { FnNode, RingNode } from '../../src/core/ring.js';
import { UserCtx, Wrapper } from '../core/fixtures.js';
import { captureUnhandledRejections, macrotask } from '../harness/runtime.js';

/**
 * Everything registered on a ctxkit context: its children (including the
 * private children made to watch user-written contexts) and its watchers
 * (afterFunc, done, race, sleep). White-box: reads `_links`.
 */
export function registrations(ctx: Context): number {
  if (!(ctx instanceof CancelCtx)) throw new Error('not a ctxkit CancelCtx');
  const l = ctx._links;
  if (l === undefined) return 0;
  let k = 0;
  for (let n: RingNode = l._next; n !== l; n = n._next!) k++;
  for (let n: FnNode = l._fnext; n !== l; n = n._fnext!) k++;
  return k;
}

/** Lets every pending promise reaction, and the ones they queue, run (a real macrotask turn). */
export function flush(): Promise<void> {
  return macrotask();
}

/** Lets `rounds` promise reactions run, without leaving the current macrotask. */
export async function ticks(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * Fakes the clock (setTimeout, setInterval, Date) but not setImmediate or
 * microtasks, so {@link flush} still works. Undo with `vi.useRealTimers()`.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type Settled = 'pending' | 'fulfilled' | 'rejected';

/** Tracks a promise's state as it settles (handles its rejection). */
export function track(p: Promise<unknown>): { readonly state: Settled; readonly value: unknown } {
  const t = { state: 'pending' as Settled, value: undefined as unknown };
  p.then(
    (v) => {
      t.state = 'fulfilled';
      t.value = v;
    },
    (e: unknown) => {
      t.state = 'rejected';
      t.value = e;
    },
  );
  return t;
}

/**
 * Runs `body`, then lets two macrotask turns pass (Node reports unhandled
 * rejections after the microtask queue drains), collecting every
 * unhandled rejection reported meanwhile. The test runner's own handler
 * is set aside so that a collected rejection does not fail the run by
 * itself: the caller asserts on the list.
 */
export async function collectUnhandled(body: () => void | Promise<void>): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const restore = captureUnhandledRejections((reason) => reasons.push(reason));
  try {
    await body();
    await flush();
    await flush();
  } finally {
    restore();
  }
  return reasons;
}

/**
 * A user-written context that learns of its inner ctxkit context's
 * cancellation through ctxkit's own `afterFunc`, so a microtask after its
 * `err()` is already set. It hides the inner context from `value()`, so
 * ctxkit cannot see through it and must watch it like any foreign context
 * (through this `afterFunc`).
 */
export class LateWrapper extends Wrapper {
  override value(_key: unknown): any {
    return undefined;
  }
  afterFunc(f: () => void): () => boolean {
    return afterFunc(this.inner, f);
  }
}

/** A context a test can end at any moment, and what its waits leave behind. */
export interface Ending {
  ctx: Context;
  /** Ends `ctx`: from then on `ctx.err()` is {@link Ending.err}. */
  end(): void;
  /** The error `ctx.err()` reports once ended. */
  err: unknown;
  /** Registrations the waits on `ctx` hold right now (watchers or abort listeners). */
  held(): number;
}

/**
 * The kinds of context a waiter may hold, for tests of a hand-over racing a
 * cancellation: each reports `err()` at once when ended, and tells its
 * waiters at once, a microtask later, or never.
 */
export const endings: Array<[string, () => Ending]> = [
  [
    'a ctxkit context',
    () => {
      const [ctx, cancel] = withCancel(background());
      return { ctx, end: cancel, err: Canceled, held: () => registrations(ctx) };
    },
  ],
  [
    'a user-written context told by afterFunc a microtask late',
    () => {
      const [inner, cancel] = withCancel(background());
      return { ctx: new LateWrapper(inner), end: cancel, err: Canceled, held: () => registrations(inner) };
    },
  ],
  [
    'a signal-only user-written context whose err() is set but whose signal never aborts',
    () => {
      const u = new UserCtx();
      const err = new Error('user context ended');
      return {
        ctx: u,
        end: () => {
          u._err = err;
        },
        err,
        held: () => getEventListeners(u._ac.signal, 'abort').length,
      };
    },
  ],
];
