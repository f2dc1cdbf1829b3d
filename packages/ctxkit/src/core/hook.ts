/**
 * The one internal hook of the core, for `ctxkit/debug`. While nothing has
 * installed a hook (`ctxkit/debug` never imported, or its tools switched
 * off) every call site below is a single `hook !== undefined` test on a
 * module variable, so the core pays nothing measurable for it.
 *
 * Each call site reads the variable once and calls through the local copy,
 * so a hook installed or removed by a callback mid-cancellation takes
 * effect at the next operation, never half-way through one.
 */
import type { Ctx } from './ctx.js';
import type { CancelCtx } from './tree.js';

export interface Hook {
  /**
   * A context was derived by `api` (the exported function the user called:
   * withCancel, withTimeout, withValue, ...). Called once `c` is linked to
   * its parent and before anything can cancel it, so a context born
   * cancelled (expired deadline, aborted signal) is reported here first and
   * then to `cancelled`; one born from a cancelled parent only here, with
   * `_err` already set.
   */
  derived(c: Ctx, api: Function): void;
  /** Phase 1 of a cancellation reached `c`; its timer is not yet released. */
  cancelled(c: CancelCtx): void;
  /** A registration on a user-written context or an AbortSignal was made (+1) or removed (-1). */
  source(delta: 1 | -1): void;
  /** A done()/race()/sleep() wait started (+1) or settled (-1). */
  wait(delta: 1 | -1): void;
}

/** The installed hook, or undefined (the default: nothing is called). */
export let hook: Hook | undefined = undefined;

/** Installs `h` (or removes the hook, with undefined). */
export function setHook(h: Hook | undefined): void {
  hook = h;
}
