/**
 * Walks up a context chain. Every walk is a loop, never recursion, so chains
 * of any depth work; ctxkit's own contexts are stepped through directly and
 * a user-written context ends the walk by answering for itself.
 */
import type { Context } from './context.js';
import { EmptyCtx, background, todo } from './background.js';
import { cancelCtxKey } from './key.js';
import { CancelCtx } from './tree.js';
import { ValueCtx } from './with-value.js';
import { WithoutCancelCtx } from './without-cancel.js';
import { UncancellableCtx, neverAborts } from './uncancellable.js';

// The two roots, compared by identity: most walks that miss end at one, and
// an identity check is much cheaper there than the instanceof chain below.
const BACKGROUND = background();
const TODO = todo();
/** Stands for every context that can never be cancelled, in {@link delegate}. */
const NEVER_CTX = BACKGROUND as UncancellableCtx;

/** The value bound to `key` at `c` or its nearest ancestor binding it. */
export function lookup(c: Context, key: unknown): unknown {
  for (;;) {
    if (c instanceof ValueCtx) {
      // A run of stacked values is walked as a plain list (see ValueCtx._vup).
      let v: ValueCtx = c;
      for (;;) {
        if (v._key === key) return v._val;
        const up = v._vup;
        if (up === undefined) break;
        v = up;
      }
      c = v._parent;
      // Most misses end at the root, recognised here by identity before an
      // instanceof test walks its prototype chain.
      if (c === BACKGROUND) return undefined;
    } else if (c === BACKGROUND || c === TODO) {
      return undefined;
    } else if (c instanceof CancelCtx) {
      if (key === cancelCtxKey) return c;
      c = c._parent;
    } else if (c instanceof WithoutCancelCtx) {
      if (key === cancelCtxKey) return undefined;
      c = c._parent;
    } else if (c instanceof EmptyCtx) {
      return undefined;
    } else {
      return c.value(key);
    }
  }
}

/** The nearest ancestor-or-self that is not a value context. */
export function skipValues(c: Context): Context {
  while (c instanceof ValueCtx) c = c._parent;
  return c;
}

/**
 * For a user-written context, the ctxkit context it delegates to, if any:
 * Go's `parentCancelCtx` rule. A wrapper whose `value(<private key>)` is a
 * ctxkit cancellable context and whose `signal` is that context's own
 * signal is cancelled exactly when that context is, so its children, its
 * afterFunc callbacks and the waits on it join that context directly —
 * synchronous, ordered like direct children, nothing registered on the
 * wrapper. A wrapper whose signal belongs to a context that can never be
 * cancelled is answered with that context (nothing to register). Anything
 * else is a source of its own: undefined.
 */
export function delegate(c: Context): CancelCtx | UncancellableCtx | undefined {
  const inner: unknown = c.value(cancelCtxKey);
  if (inner instanceof CancelCtx) {
    const sig = c.signal;
    // Compared without creating the inner context's signal: a wrapper that
    // delegates `signal` has just created it by reading its own.
    const ctrl = inner._ctrl;
    return ctrl !== undefined && ctrl.signal === sig ? inner : undefined;
  }
  // A context with its own afterFunc is followed through it, never its signal.
  if (inner !== undefined || typeof c.afterFunc === 'function') return undefined;
  return neverAborts(c.signal) ? NEVER_CTX : undefined;
}

/**
 * True while `c` is live and the deadline {@link deadlineMs} reports is a
 * ctxkit timer's that has yet to fire; false when a user-written context
 * reports it (ctxkit does not fire those) or when there is none.
 */
export function deadlineTimerPending(c: Context): boolean {
  for (;;) {
    if (c instanceof CancelCtx) {
      if (c._err !== undefined) return false;
      if (c._ownDeadline() !== undefined) return c._deadlineTimerPending();
      c = c._parent;
    } else if (c instanceof ValueCtx) {
      c = c._parent;
    } else {
      return false;
    }
  }
}

/** The deadline of `c` in epoch ms, or undefined if it has none. */
export function deadlineMs(c: Context): number | undefined {
  for (;;) {
    if (c instanceof CancelCtx) {
      const d = c._ownDeadline();
      if (d !== undefined) return d;
      const l = c._links;
      if (l !== undefined && l._dl === l._dl) return l._dl === Infinity ? undefined : l._dl;
      c = c._parent;
    } else if (c instanceof ValueCtx) {
      c = c._parent;
    } else if (c instanceof UncancellableCtx) {
      return undefined;
    } else {
      const d = c.deadline();
      return d === undefined ? undefined : d.getTime();
    }
  }
}
