import { Ctx } from './ctx.js';

/**
 * The signals of contexts that can never be cancelled. A user-written
 * wrapper that delegates `signal` to one of them can never be cancelled
 * either (Go: its Done() is nil), so ctxkit registers nothing on it: a
 * listener there would never fire and never be removed.
 */
const neverSignals = new WeakSet<AbortSignal>();

/** True if `s` belongs to a ctxkit context that can never be cancelled. */
export function neverAborts(s: unknown): boolean {
  return typeof s === 'object' && s !== null && neverSignals.has(s as AbortSignal);
}

/**
 * A context that can never be cancelled: the roots and withoutCancel. No
 * deadline, no err, and a signal that never aborts — its own, created on
 * first read: a signal shared between such contexts would collect the
 * listeners of every request that ever read it, and never release them.
 */
export abstract class UncancellableCtx extends Ctx {
  _sig: AbortSignal | undefined;
  constructor() {
    super();
    this._sig = undefined;
  }
  deadline(): undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    let s = this._sig;
    if (s === undefined) {
      s = this._sig = new AbortController().signal;
      neverSignals.add(s);
    }
    return s;
  }
  err(): undefined {
    return undefined;
  }
}
