import type { Context } from './context.js';
import { Watch, unwatch } from './tree.js';
import { deadlineMs, deadlineTimerPending } from './lookup.js';
import { Hold, stopTimer } from './timers.js';
import { Canceled } from './errors.js';
import { hook } from './hook.js';

/**
 * A pending promise of one of the async helpers, waiting on a context.
 * Whichever settles it first (the context, the helper's own timer, the
 * raced promise) releases everything else it holds, so nothing outlives it.
 */
export class Waiter extends Watch {
  _ctx: Context;
  _resolve: (v?: any) => void;
  _reject: ((e: unknown) => void) | undefined;
  /** sleep's own timer */
  _timer: unknown;
  /** sleep's target instant when its delay needs chained timers; else NaN */
  _at: number;
  /** keeps the process alive until the context's deadline */
  _hold: Hold | undefined;
  /** True while this wait is counted by the debug hook. */
  _on: boolean;
  constructor(ctx: Context, resolve: (v?: any) => void, reject: ((e: unknown) => void) | undefined) {
    super();
    this._ctx = ctx;
    this._resolve = resolve;
    this._reject = reject;
    this._timer = undefined;
    this._at = NaN;
    this._hold = undefined;
    this._on = false;
  }
  /** Counts this wait as pending, for ctxkit/debug (a no-op while it is off). */
  _count(): void {
    const h = hook;
    if (h !== undefined) {
      this._on = true;
      h.wait(1);
    }
  }
  /** The context was cancelled: reject with its err (or resolve, for done()). */
  _fire(): void {
    this._drop();
    const reject = this._reject;
    if (reject === undefined) this._resolve();
    else reject(this._err());
  }
  /**
   * `ctx.err()`, or, when a user-written context has fired (its afterFunc
   * called back, its signal aborted) before reporting one, the err ctxkit
   * recorded for it: `Canceled`, as for its children. Never undefined.
   */
  _err(): Error {
    return this._ctx.err() ?? this._cc?._err ?? Canceled;
  }
  /** Settled by something else: leave the context's watcher ring. */
  _settle(): void {
    unwatch(this);
    this._drop();
  }
  /** Keeps the process alive until the context's deadline, if it has one. */
  _holdForDeadline(): void {
    const d = deadlineMs(this._ctx);
    // Not if a user-written deadline() has just cancelled ctx and fired this.
    if (d !== undefined && this._fnext !== undefined) this._hold = new Hold(d, this);
  }
  /** Asked by the hold when it runs out: is the timer that ends this wait still to fire? */
  _deadlinePending(): boolean {
    return this._fnext !== undefined && deadlineTimerPending(this._ctx);
  }
  _drop(): void {
    if (this._on) {
      this._on = false;
      hook?.wait(-1);
    }
    const t = this._timer;
    if (t !== undefined) {
      this._timer = undefined;
      stopTimer(t);
    }
    const h = this._hold;
    if (h !== undefined) {
      this._hold = undefined;
      h.release();
    }
  }
}
