/**
 * Leak statistics: counters cheap enough to leave on in production.
 */
import type { Context } from '../index.js';
import { I, asCtx, checkCtx, counters, setCounters } from './state.js';
import { linkedChildren, watcherCount } from './tree.js';

/** The counters; every figure counts from the moment they were switched on. */
export interface Stats {
  /** Cancellable contexts derived and not yet cancelled: a figure that only grows points at a lost cancel. */
  readonly liveContexts: number;
  /** Cancellable contexts derived so far. */
  readonly derived: number;
  /** Cancellable contexts cancelled so far (by any path). */
  readonly cancelled: number;
  /** Deadline timers armed by live contexts. */
  readonly armedTimers: number;
  /**
   * Registrations ctxkit holds on user-written contexts and AbortSignals
   * (one per such parent or signal with live children, however many
   * children): the "slow path". Each is one abort listener or one
   * afterFunc registration.
   */
  readonly foreignRegistrations: number;
  /** done() / race() / sleep() calls waiting on a context. */
  readonly pendingWaits: number;
}

/**
 * Switches the counters on. They cost an increment per derive and per
 * cancellation and allocate nothing per context. Contexts derived before
 * this call are not counted (their cancellations cannot take a figure
 * below zero), so switch them on at startup.
 */
export function enableStats(): void {
  setCounters(true);
}

/** Switches the counters off and resets them (unless tracing still needs the hook). */
export function disableStats(): void {
  setCounters(false);
}

/** Returns the counters as they are now (all zero while they are off). */
export function stats(): Stats {
  return {
    liveContexts: counters.live,
    derived: counters.derived,
    cancelled: counters.cancelled,
    armedTimers: counters.timers,
    foreignRegistrations: counters.sources,
    pendingWaits: counters.waits,
  };
}

/**
 * Returns how many live contexts are linked directly below `ctx` (its
 * children held until they are cancelled), and how many afterFunc
 * callbacks and waits are registered on it. Works whether or not the
 * counters are on. For a value context, the figures of the cancellable
 * context it belongs to.
 *
 * @throws {TypeError} if `ctx` is not a Context.
 */
export function childrenOf(ctx: Context): { children: number; watchers: number } {
  checkCtx(ctx, 'childrenOf');
  return { children: linkedChildren(holderOf(ctx)).length, watchers: watcherCount(holderOf(ctx)) };
}


function holderOf(ctx: Context): Context {
  let c: Context = ctx;
  for (;;) {
    const k = asCtx(c);
    if (k === undefined || k instanceof I.CancelCtx || k._up() === undefined) return c;
    if (k instanceof I.WithoutCancelCtx) return c;
    c = k._up()!;
  }
}
