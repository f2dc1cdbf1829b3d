import type { Context } from './context.js';
import { cancelCtxKey } from './key.js';
import { CancelCtx } from './tree.js';
import { checkContext } from './validate.js';

/**
 * Returns why `ctx` was cancelled: `undefined` while `ctx.err()` is
 * undefined; then the cause given by whichever cancellation won (the
 * argument of a CancelCauseFunc, the cause of a deadline, a signal's reason,
 * or a parent's cause), else `ctx.err()`.
 *
 * ctxkit finds the nearest cancellable context through
 * `ctx.value(<private key>)`, as Go does, so a user-written context that
 * delegates `value()` to a ctxkit context reports that context's cause, and
 * one that does not reports its own `err()`. For a context below
 * {@link withoutCancel} it is always `undefined`.
 *
 * @throws {TypeError} if `ctx` is not a Context.
 */
export function cause(ctx: Context): unknown {
  checkContext(ctx, 'cause', 'ctx');
  if (ctx instanceof CancelCtx) return ctx._err === undefined ? undefined : ctx._cause;
  const err = ctx.err();
  if (err === undefined) return undefined;
  const cc = ctx.value(cancelCtxKey);
  if (cc instanceof CancelCtx && cc._err !== undefined) return cc._cause;
  return err;
}
