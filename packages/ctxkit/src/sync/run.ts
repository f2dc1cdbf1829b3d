import type { Context } from '../index.js';
import { checkContext, checkFunction } from './check.js';
import { Group } from './group.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Structured concurrency: runs every `fn` concurrently on one context
 * derived from `ctx`, and settles only when all of them have settled.
 *
 * The four guarantees:
 * 1. every `fn` receives the same derived context (so the same values and
 *    deadline as `ctx`);
 * 2. the first failure (a synchronous throw or a rejection) cancels that
 *    context, with the error as its `cause()`, so siblings that honour it
 *    stop; `run` rejects with that first error (later ones are ignored and
 *    never reported as unhandled);
 * 3. `run` settles only after every `fn` has settled, and the derived
 *    context is cancelled by then even on success: nothing started by
 *    `run` can keep working on it afterwards;
 * 4. if `ctx` is already cancelled, `run` rejects with `ctx.err()` without
 *    calling anything.
 *
 * The fns are called synchronously, in order, before `run` returns; with
 * none, `run` resolves (once `ctx` is checked). It is
 * `Group.withContext(ctx)`, one `go()` per fn, then `wait()`.
 *
 * @throws {TypeError} if `ctx` is not a Context or any `fn` is not a
 *   function (checked before anything is called).
 * @example
 * await run(ctx,
 *   async (ctx) => { user = await loadUser(ctx, id); },
 *   async (ctx) => { orders = await loadOrders(ctx, id); },
 * );
 */
export function run(ctx: Context, ...fns: Array<(ctx: Context) => unknown>): Promise<void> {
  checkContext(ctx, 'run');
  for (let i = 0; i < fns.length; i++) checkFunction(fns[i], 'run', `fns[${i}]`);
  const e = ctx.err();
  if (e !== undefined) return Promise.reject(e);
  if (fns.length === 0) return RESOLVED;
  const [g] = Group.withContext(ctx);
  for (let i = 0; i < fns.length; i++) void g.go(fns[i]!);
  return g.wait();
}
