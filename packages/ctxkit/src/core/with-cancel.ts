import type { CancelCauseFunc, CancelFunc, Context } from './context.js';
import { Canceled } from './errors.js';
import { CancelCtx, attach, cancelTree } from './tree.js';
import { checkParent } from './validate.js';
import { hook } from './hook.js';

// Read once: a symbol, not a clock. Absent on runtimes without explicit
// resource management, where CancelFuncs are plain functions.
const DISPOSE: symbol | undefined = (Symbol as { dispose?: symbol }).dispose;

function cancelPlain(this: CancelCtx): void {
  cancelTree(this, Canceled, Canceled);
}

function cancelWithCause(this: CancelCtx, cause?: unknown): void {
  cancelTree(this, Canceled, cause === undefined || cause === null ? Canceled : cause);
}

/**
 * Makes the cancel function of `c`. A bound function rather than a closure:
 * it is smaller and needs no per-context scope object.
 */
function cancelFuncFor<F>(c: CancelCtx, impl: (this: CancelCtx, cause?: unknown) => void): F {
  const f = impl.bind(c) as unknown as Record<symbol, unknown>;
  if (DISPOSE !== undefined) f[DISPOSE] = f;
  return f as F;
}

/** The CancelFunc of `c` (cancels with {@link Canceled}). */
export function cancelFunc(c: CancelCtx): CancelFunc {
  return cancelFuncFor<CancelFunc>(c, cancelPlain);
}

/**
 * Returns a copy of `parent` that is cancelled when the returned cancel
 * function is called or when `parent` is cancelled, whichever happens
 * first; it then reports `err() === Canceled` (or the parent's err) and its
 * signal aborts with that reason.
 *
 * Cancelling releases everything the context holds: when `cancel()` returns,
 * the context and its whole subtree are cancelled and it is unlinked from
 * its parent. Call cancel as soon as the work is done — with
 * `using _ = cancel` or in a `finally` — or the context stays registered
 * with its parent until the parent ends.
 *
 * @throws {TypeError} if `parent` is null/undefined or not a Context.
 * @example
 * const [ctx, cancel] = withCancel(background());
 * try { await work(ctx); } finally { cancel(); }
 */
export function withCancel(parent: Context): [Context, CancelFunc] {
  checkParent(parent, 'withCancel');
  const c = new CancelCtx(parent);
  attach(c, parent);
  const h = hook;
  if (h !== undefined) h.derived(c, withCancel);
  return [c, cancelFuncFor<CancelFunc>(c, cancelPlain)];
}

/**
 * Like {@link withCancel}, but the cancel function takes a cause:
 * `cancel(e)` makes `err() === Canceled` and `cause(ctx) === e`;
 * `cancel()`, `cancel(undefined)` and `cancel(null)` make the cause
 * `Canceled`. Only the first cancellation (by this function or the parent)
 * counts.
 *
 * @throws {TypeError} if `parent` is null/undefined or not a Context.
 * @example
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('upstream closed'));
 * ctx.err();    // Canceled
 * cause(ctx);   // Error: upstream closed
 */
export function withCancelCause(parent: Context): [Context, CancelCauseFunc] {
  checkParent(parent, 'withCancelCause');
  const c = new CancelCtx(parent);
  attach(c, parent);
  const h = hook;
  if (h !== undefined) h.derived(c, withCancelCause);
  return [c, cancelFuncFor<CancelCauseFunc>(c, cancelWithCause)];
}
