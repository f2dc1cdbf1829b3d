/**
 * Shared fixtures of the core tests: user-written ("foreign") contexts, a
 * listener probe for real AbortSignals, white-box views of the tree, and
 * small helpers for microtasks and unhandled rejections.
 */
import { vi } from 'vitest';
import type { Context } from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import type { FnNode, RingNode } from '../../src/core/ring.js';
import { captureUnhandledRejections } from '../harness/runtime.js';

/**
 * A user-written context with no `afterFunc` method: ctxkit can only follow
 * it through its signal. It reports whatever error it is cancelled with.
 */
export class UserCtx implements Context {
  _ac = new AbortController();
  _err: Error | undefined = undefined;
  _values = new Map<unknown, unknown>();
  _deadline: number | undefined;
  /** How many times `.signal` was read. */
  signalReads = 0;
  constructor(deadline?: number) {
    this._deadline = deadline;
  }
  deadline(): Date | undefined {
    return this._deadline === undefined ? undefined : new Date(this._deadline);
  }
  get signal(): AbortSignal {
    this.signalReads++;
    return this._ac.signal;
  }
  err(): Error | undefined {
    return this._err;
  }
  value(key: unknown): any {
    return this._values.get(key);
  }
  /** Binds a value this context reports from `value()`. */
  set(key: unknown, val: unknown): this {
    this._values.set(key, val);
    return this;
  }
  /** Cancels this context with `err` (first call wins), then aborts its signal. */
  cancel(err: Error = new Error('user context stopped')): void {
    if (this._err !== undefined) return;
    this._err = err;
    this._ac.abort(err);
  }
}

/**
 * A user-written context offering Go's `AfterFunc` hook. Callbacks run
 * synchronously inside `cancel()` (a user implementation may do that), or
 * at once inside `afterFunc()` if it is already cancelled.
 */
export class UserAfterFuncCtx extends UserCtx {
  _fns = new Set<() => void>();
  /** Number of afterFunc registrations ever made. */
  afterFuncCalls = 0;
  /** Number of stop() calls that removed a registration. */
  stops = 0;
  afterFunc(f: () => void): () => boolean {
    this.afterFuncCalls++;
    if (this._err !== undefined) {
      f();
      return () => false;
    }
    const g = () => f();
    this._fns.add(g);
    return () => {
      if (!this._fns.delete(g)) return false;
      this.stops++;
      return true;
    };
  }
  /** Live afterFunc registrations. */
  get registrations(): number {
    return this._fns.size;
  }
  override cancel(err: Error = new Error('user context stopped')): void {
    if (this._err !== undefined) return;
    this._err = err;
    const fns = [...this._fns];
    this._fns.clear();
    for (const f of fns) f();
    this._ac.abort(err);
  }
}

/**
 * A user-written wrapper that delegates everything, `value()` included, to
 * a ctxkit context (the way Go code embeds a Context in a struct).
 */
export class Wrapper implements Context {
  inner: Context;
  constructor(inner: Context) {
    this.inner = inner;
  }
  deadline(): Date | undefined {
    return this.inner.deadline();
  }
  get signal(): AbortSignal {
    return this.inner.signal;
  }
  err(): Error | undefined {
    return this.inner.err();
  }
  value(key: unknown): any {
    return this.inner.value(key);
  }
}

/**
 * Counts the `abort` listeners currently registered on a real AbortSignal,
 * by spying (calling through) on the instance's add/removeEventListener.
 */
export function probeListeners(signal: AbortSignal): { active(): number; added(): number; restore(): void } {
  const live = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener;
  const remove = signal.removeEventListener;
  const addSpy = vi.spyOn(signal, 'addEventListener').mockImplementation(function (this: AbortSignal, type: string, l: any, o?: any) {
    if (type === 'abort' && l != null) {
      if (!live.has(l)) added++;
      live.add(l);
    }
    return add.call(this, type, l, o);
  } as typeof signal.addEventListener);
  const removeSpy = vi.spyOn(signal, 'removeEventListener').mockImplementation(function (this: AbortSignal, type: string, l: any, o?: any) {
    if (type === 'abort') live.delete(l);
    return remove.call(this, type, l, o);
  } as typeof signal.removeEventListener);
  return {
    active: () => live.size,
    added: () => added,
    restore: () => {
      addSpy.mockRestore();
      removeSpy.mockRestore();
    },
  };
}

/** The ctxkit cancel context behind `ctx` (white-box). */
export function cc(ctx: Context): CancelCtx {
  if (!(ctx instanceof CancelCtx)) throw new Error('not a CancelCtx');
  return ctx;
}

/** The contexts in `ctx`'s children ring, in ring order (white-box). */
export function children(ctx: Context): CancelCtx[] {
  const l = cc(ctx)._links;
  const out: CancelCtx[] = [];
  if (l === undefined) return out;
  for (let n: RingNode = l._next; n !== l; n = n._next!) out.push(n as CancelCtx);
  return out;
}

/** The number of watchers (afterFunc, done, race, sleep) on `ctx` (white-box). */
export function watchers(ctx: Context): number {
  const l = cc(ctx)._links;
  if (l === undefined) return 0;
  let k = 0;
  for (let n: FnNode = l._fnext; n !== l; n = n._fnext!) k++;
  return k;
}

/** True if `ctx` is a member of some children ring (white-box). */
export function isLinked(ctx: Context): boolean {
  return cc(ctx)._next !== undefined;
}

/** Lets every pending promise reaction (and the ones they queue) run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Reports whether `p` has settled, after letting pending reactions run. */
export async function state(p: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let s: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  p.then(
    () => (s = 'fulfilled'),
    () => (s = 'rejected'),
  );
  await flush();
  return s;
}

/**
 * Runs `body` with unhandled rejections routed to a collector alone (the
 * test runner's own handler set aside; see captureUnhandledRejections), then
 * restores them. Resolves with the reasons collected once `expected` have
 * arrived.
 */
export async function collectUnhandled(expected: number, body: () => void | Promise<void>): Promise<unknown[]> {
  const reasons: unknown[] = [];
  let wake: () => void = () => {};
  const arrived = new Promise<void>((r) => (wake = r));
  const restore = captureUnhandledRejections((reason) => {
    reasons.push(reason);
    if (reasons.length >= expected) wake();
  });
  try {
    await body();
    let t: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => (t = setTimeout(r, 2_000)));
    await Promise.race([arrived, timeout]);
    clearTimeout(t);
  } finally {
    restore();
  }
  return reasons;
}
