import type { Context } from './context.js';
import { Canceled } from './errors.js';
import { Source, append } from './ring.js';
import { type CancelCtx, cancelTree, notifyAll } from './tree.js';
import { cause } from './cause.js';
import { hook } from './hook.js';

/** One Source per user-written parent that currently has ctxkit children. */
const sources = new WeakMap<object, ForeignSource>();

/**
 * Stands for a user-written context in the tree: one `afterFunc`
 * registration (when the context offers Go's hook) or one `abort` listener
 * on its signal, shared by all of its ctxkit children and removed when the
 * last of them is cancelled. Go spends a goroutine per child here; we spend
 * nothing per child.
 */
class ForeignSource extends Source {
  _src: Context;
  _stop: (() => unknown) | undefined;
  _signal: AbortSignal | undefined;
  _onDone: () => void;
  _done: boolean;
  /** True while this source holds a registration counted by the debug hook. */
  _on: boolean;
  constructor(src: Context) {
    super();
    this._src = src;
    this._stop = undefined;
    this._signal = undefined;
    this._done = false;
    this._on = false;
    this._onDone = () => this._fire();
  }
  /** Registers with the source; false if its signal has already aborted. */
  _arm(): boolean {
    const src = this._src;
    if (typeof src.afterFunc === 'function') {
      const stop = src.afterFunc(this._onDone);
      if (typeof stop === 'function') this._stop = stop;
      this._armed();
      return true;
    }
    const sig = src.signal;
    if (sig.aborted) return false;
    this._signal = sig;
    sig.addEventListener('abort', this._onDone);
    this._armed();
    return true;
  }
  _armed(): void {
    const h = hook;
    if (h !== undefined) {
      this._on = true;
      h.source(1);
    }
  }
  _disarm(): void {
    if (this._on) {
      // Counted only if it was counted when armed (the counters start when
      // ctxkit/debug switches them on).
      this._on = false;
      hook?.source(-1);
    }
    // The Source itself stays in `sources` (held weakly by the parent) so
    // that the next child re-arms it without allocating: a derive+cancel
    // cycle below an otherwise childless parent is then one listener added
    // and removed, and nothing outlives the last child but this object.
    const sig = this._signal;
    if (sig !== undefined) {
      this._signal = undefined;
      sig.removeEventListener('abort', this._onDone);
    }
    const stop = this._stop;
    if (stop !== undefined) {
      this._stop = undefined;
      if (!this._done) stop();
    }
  }
  /** The source was cancelled: every child takes its err() and cause (Go's rule). */
  _fire(): void {
    this._done = true;
    if (sources.get(this._src) === this) sources.delete(this._src);
    const src = this._src;
    const err = src.err() ?? Canceled;
    const why = cause(src) ?? err;
    // Mark every child's subtree before notifying any: no listener sees a
    // sibling still live.
    const batch: CancelCtx[] = [];
    while (this._next !== this) cancelTree(this._next as CancelCtx, err, why, batch);
    notifyAll(batch);
  }
}

/** Links `child` below the user-written context `parent`. */
export function joinForeign(child: CancelCtx, parent: Context): void {
  const e = parent.err();
  if (e !== undefined) {
    child._err = e;
    child._cause = cause(parent) ?? e;
    return;
  }
  let s = sources.get(parent);
  if (s === undefined || s._done) {
    s = new ForeignSource(parent);
    sources.set(parent, s);
  }
  if (s._next === s && !s._arm()) {
    child._err = parent.err() ?? Canceled;
    child._cause = cause(parent) ?? child._err;
    return;
  }
  append(s, child);
  // A user-written afterFunc that calls back synchronously fired before the
  // child was linked: deliver it now.
  if (s._done) s._fire();
}

/**
 * The live ctxkit children of the user-written context `parent`, in
 * derivation order (for ctxkit/debug; empty when it has none).
 */
export function childrenOfForeign(parent: object): CancelCtx[] {
  const s = sources.get(parent);
  const out: CancelCtx[] = [];
  if (s === undefined) return out;
  for (let n = s._next; n !== s; n = n._next!) out.push(n as CancelCtx);
  return out;
}
