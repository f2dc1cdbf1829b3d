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
import { UncancellableCtx } from './uncancellable.js';

// The two roots, compared by identity: most walks that miss end at one, and
// an identity check is much cheaper there than the instanceof chain below.
const BACKGROUND = background();
const TODO = todo();

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
