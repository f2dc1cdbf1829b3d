import type { Context } from './context.js';
import { CANCELLED, REGISTERED, watch } from './tree.js';
import { Waiter } from './waiter.js';
import { checkContext } from './validate.js';

function ignore(): void {}

/**
 * Settles like `p`, unless `ctx` is cancelled first, in which case it
 * rejects with `ctx.err()`. `ctx` is checked first: an already-cancelled
 * `ctx` rejects even if `p` has already settled. Once `ctx` wins, a later
 * rejection of `p` is handled (as `Promise.race` does), not reported.
 *
 * Unlike `Promise.race([abortPromise, p])` on a long-lived signal, nothing
 * stays registered on `ctx` once the race settles, and `p`'s result is not
 * retained: a million races on one context leave it as they found it.
 *
 * @throws {TypeError} if `ctx` is not a Context.
 */
export function race<T>(ctx: Context, p: PromiseLike<T>): Promise<T> {
  checkContext(ctx, 'race', 'ctx');
  const e = ctx.err();
  if (e !== undefined) {
    Promise.resolve(p).then(undefined, ignore);
    return Promise.reject(e);
  }
  return new Promise<T>((resolve, reject) => {
    const w = new Waiter(ctx, resolve, reject);
    // p first: if subscribing to it throws (a promise with a hostile then),
    // this promise rejects with that error and nothing is registered on ctx.
    // Settled before unwatching: a user-written stop() that throws there
    // cannot leave it pending.
    Promise.resolve(p).then(
      (v) => {
        resolve(v);
        w._settle();
      },
      (err: unknown) => {
        reject(err);
        w._settle();
      },
    );
    const r = watch(ctx, w);
    if (r === CANCELLED) {
      reject(w._err());
      return;
    }
    w._count();
    if (r === REGISTERED) w._holdForDeadline();
  });
}
