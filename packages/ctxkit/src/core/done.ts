import type { Context } from './context.js';
import { CANCELLED, NEVER, watch } from './tree.js';
import { Waiter } from './waiter.js';
import { checkContext } from './validate.js';
import { delegate, skipValues } from './lookup.js';
import { Ctx } from './ctx.js';

/** One promise per context that can be cancelled, so repeated calls add nothing to it. */
const cache = new WeakMap<Context, Promise<void>>();

function never(): void {}

/**
 * The context whose cancellation `ctx` reports: the nearest non-value
 * ancestor-or-self, seen through a wrapper that delegates to a ctxkit
 * context (Go's `valueCtx.Done()` is its parent's channel).
 */
function owner(ctx: Context): Context {
  const c = skipValues(ctx);
  if (c instanceof Ctx) return c;
  return delegate(c) ?? c;
}

/**
 * Returns a promise that resolves (never rejects) when `ctx` is cancelled;
 * at once if it already is, never if `ctx` can never be cancelled. While it
 * is pending on a context with a deadline, the process stays alive until
 * that deadline.
 *
 * Contexts that share one cancellation share one promise: every value
 * context of a parent (and every wrapper delegating to it) gets the
 * parent's, so calling `done()` per request on a long-lived parent holds
 * one registration, not one per request. For a context that can never be
 * cancelled, each call returns a new promise that never settles and holds
 * nothing (a shared one would keep the reactions of every finished
 * `Promise.race([done(ctx), work])` forever). Prefer {@link race} to
 * `Promise.race` with `done()`: it releases everything when it settles.
 *
 * @throws {TypeError} if `ctx` is not a Context; and whatever a
 *   user-written context throws when ctxkit registers on it (its
 *   `afterFunc`, its `signal` getter).
 * @example
 * await done(ctx);
 * console.log('stopped:', cause(ctx));
 */
export function done(ctx: Context): Promise<void> {
  checkContext(ctx, 'done', 'ctx');
  const c = owner(ctx);
  let p = cache.get(c);
  if (p !== undefined) return p;
  let resolve!: () => void;
  p = new Promise<void>((r) => (resolve = r));
  const w = new Waiter(c, resolve, undefined);
  // Outside an executor: what a user-written context throws while being
  // watched (its afterFunc, its signal getter) reaches the caller.
  const r = watch(c, w);
  if (r === NEVER) return new Promise<void>(never);
  if (r === CANCELLED) resolve();
  else {
    w._count();
    w._holdForDeadline();
  }
  cache.set(c, p);
  return p;
}
