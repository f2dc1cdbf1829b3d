import type { Context } from './context.js';
import { CANCELLED, REGISTERED, watch } from './tree.js';
import { Waiter } from './waiter.js';
import { checkContext } from './validate.js';

/** One promise per context, so repeated calls add nothing to it. */
const cache = new WeakMap<Context, Promise<void>>();

/**
 * Returns a promise that resolves (never rejects) when `ctx` is cancelled;
 * at once if it already is, never if `ctx` can never be cancelled. The same
 * promise is returned on every call for one context. While it is pending on
 * a context with a deadline, the process stays alive until that deadline.
 *
 * @throws {TypeError} if `ctx` is not a Context.
 * @example
 * await done(ctx);
 * console.log('stopped:', cause(ctx));
 */
export function done(ctx: Context): Promise<void> {
  checkContext(ctx, 'done', 'ctx');
  let p = cache.get(ctx);
  if (p !== undefined) return p;
  p = new Promise<void>((resolve) => {
    const w = new Waiter(ctx, resolve, undefined);
    const r = watch(ctx, w);
    if (r === CANCELLED) resolve();
    else if (r === REGISTERED) w._holdForDeadline();
  });
  cache.set(ctx, p);
  return p;
}
