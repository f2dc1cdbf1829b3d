import type { Context } from './context.js';
import { CANCELLED, REGISTERED, watch } from './tree.js';
import { Waiter } from './waiter.js';
import { MAX_DELAY, startTimer } from './timers.js';
import { checkContext, toDurationMs } from './validate.js';

function onSleep(w: Waiter): void {
  w._timer = undefined;
  if (w._at === w._at) {
    // A delay beyond setTimeout's range: chain until the clock says so.
    const rem = w._at - Date.now();
    if (rem > 0) {
      w._timer = startTimer(onSleep, rem, w, true);
      return;
    }
  }
  // Settled before unwatching: a user-written stop() that throws there
  // cannot leave it pending.
  w._resolve();
  w._settle();
}

/**
 * Resolves after `ms` milliseconds, or rejects with `ctx.err()` as soon as
 * `ctx` is cancelled, whichever comes first; a `ctx` already cancelled
 * rejects at once. `Infinity` waits for `ctx` alone; zero or negative
 * resolves on the next turn of the event loop. When it settles, its timer
 * and its registration on `ctx` are gone.
 *
 * The pending sleep keeps the process alive for its own duration (and, for
 * `Infinity`, until `ctx`'s deadline), as a timer does.
 *
 * @throws {TypeError} if `ctx` is not a Context or `ms` is not a number.
 * @throws {RangeError} if `ms` is NaN.
 */
export function sleep(ctx: Context, ms: number): Promise<void> {
  checkContext(ctx, 'sleep', 'ctx');
  const delay = toDurationMs(ms, 'sleep', 'ms');
  const e = ctx.err();
  if (e !== undefined) return Promise.reject(e);
  return new Promise<void>((resolve, reject) => {
    const w = new Waiter(ctx, resolve, reject);
    const r = watch(ctx, w);
    if (r === CANCELLED) {
      reject(w._err());
      return;
    }
    w._count();
    if (delay === Infinity) {
      if (r === REGISTERED) w._holdForDeadline();
      return;
    }
    if (delay > MAX_DELAY) w._at = Date.now() + delay;
    w._timer = startTimer(onSleep, delay > 0 ? delay : 0, w, true);
  });
}
