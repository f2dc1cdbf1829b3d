/**
 * The cancellation tree: registration, removal and the cascade.
 *
 * Invariants
 *  1. A live CancelCtx is a member of at most one children ring: that of its
 *     nearest cancellable ctxkit ancestor (skipping value contexts), or that
 *     of the Source standing for its nearest user-written ancestor. It is in
 *     none when no ancestor can ever be cancelled (background, todo,
 *     withoutCancel).
 *  2. Children rings are in derivation order; watcher rings in registration
 *     order.
 *  3. A cancelled CancelCtx has `_err` set forever, is a member of no ring,
 *     has no children and no watchers, and its timer and signal
 *     registrations are released. So cancelling a million children of a
 *     long-lived parent leaves that parent's registry exactly as it was.
 *  4. `_cause` is meaningful only once `_err` is set, and both are written
 *     together, once.
 *
 * Order of one cancellation (`cancelTree`)
 *  phase 1 — state: visiting the subtree depth-first in derivation order (a
 *    loop over the rings, never recursion), every context records err and
 *    cause, releases its timer and signal registrations, and leaves its
 *    parent's ring; the root leaves its parent's ring last (if that empties
 *    a user-written parent's Source, its stop() sees the subtree cancelled).
 *    Contexts that have a signal or watchers are remembered in visiting
 *    order. Several roots cancelled by one event (a user-written parent, an
 *    AbortSignal) share one phase 1 before any is notified.
 *  phase 2 — notification: for each remembered context, ancestor first, its
 *    signal is aborted (listeners run now) and its watchers fire (afterFunc
 *    callbacks are queued as microtasks; the async helpers settle).
 *  No user code runs during phase 1: by the time any listener or callback
 *  runs, every context of the subtree reports its err(); signals then abort
 *  ancestor first, so a listener may still see a descendant's signal not yet
 *  aborted, never a descendant still live.
 */
import type { Context } from './context.js';
import { Ctx } from './ctx.js';
import { cancelCtxKey } from './key.js';
import { Canceled } from './errors.js';
import { deadlineMs, delegate, lookup, skipValues } from './lookup.js';
import { UncancellableCtx } from './uncancellable.js';
import { type FnNode, Links, type RingNode, append, appendFn, unlinkFn, unlinkMember } from './ring.js';
import { joinForeign } from './foreign.js';
import { hook } from './hook.js';

/** `c`'s deadline for its Links cache: Infinity when it has none. */
function knownDeadline(c: CancelCtx): number {
  const d = deadlineMs(c);
  return d === undefined ? Infinity : d;
}

/**
 * A cancellable context (Go's cancelCtx). Seven fields and nothing else:
 * its signal, registries and watchers are created only when first needed.
 */
export class CancelCtx extends Ctx implements RingNode {
  _parent: Context;
  /** undefined until cancelled; set once, by the first cancellation. */
  _err: Error | undefined;
  /** the cause of the winning cancellation; set with `_err`. */
  _cause: unknown;
  /** children and watcher rings; created on first child or watcher. */
  _links: Links | undefined;
  /** membership in the parent's (or a Source's) children ring. */
  _next: RingNode | undefined;
  _prev: RingNode | undefined;
  /** created on first read of `.signal`. */
  _ctrl: AbortController | undefined;

  constructor(parent: Context) {
    super();
    this._parent = parent;
    this._err = undefined;
    this._cause = undefined;
    this._links = undefined;
    this._next = undefined;
    this._prev = undefined;
    this._ctrl = undefined;
  }
  deadline(): Date | undefined {
    const d = deadlineMs(this);
    return d === undefined ? undefined : new Date(d);
  }
  get signal(): AbortSignal {
    let c = this._ctrl;
    if (c === undefined) {
      c = this._ctrl = new AbortController();
      // Cancelled before anyone looked: the first reader gets it pre-aborted.
      if (this._err !== undefined) c.abort(this._err);
    }
    return c.signal;
  }
  err(): Error | undefined {
    return this._err;
  }
  value(key: unknown): any {
    return key === cancelCtxKey ? this : lookup(this._parent, key);
  }
  _label(): string {
    return '.WithCancel';
  }
  _up(): Context {
    return this._parent;
  }
  /** The deadline this context sets itself (epoch ms); none for plain cancel contexts. */
  _ownDeadline(): number | undefined {
    return undefined;
  }
  /** True while the timer that fires {@link _ownDeadline} has yet to run. */
  _deadlineTimerPending(): boolean {
    return false;
  }
  /** Releases timers and foreign registrations; runs in phase 1 of a cancellation. */
  _release(): void {}
}

/**
 * Links a new `child` into the tree below `parent`: into the children ring
 * of the nearest cancellable ancestor (through value contexts and
 * delegating wrappers), or of the Source standing for a user-written
 * ancestor. A child of an already-cancelled parent is born cancelled with
 * the parent's err and cause and is linked nowhere.
 */
export function attach(child: CancelCtx, parent: Context): void {
  const s = skipValues(parent);
  let p: CancelCtx;
  if (s instanceof CancelCtx) p = s;
  else {
    if (s instanceof UncancellableCtx) return;
    const d = delegate(s);
    if (d === undefined) {
      joinForeign(child, s);
      return;
    }
    if (!(d instanceof CancelCtx)) return;
    p = d;
  }
  linksOf(p);
  if (p._err !== undefined) {
    child._err = p._err;
    child._cause = p._cause;
    return;
  }
  append(p._links!, child);
}

/**
 * Gives a live `c` its registries. The deadline they cache is read before
 * anything is linked: it may come from a user-written ancestor, whose
 * `deadline()` could cancel `c` (or derive from it) while it is asked, so
 * callers check `c._err` after this, never before.
 */
function linksOf(c: CancelCtx): void {
  if (c._links !== undefined || c._err !== undefined) return;
  const dl = knownDeadline(c);
  if (c._err === undefined) c._links ??= new Links(c, dl);
}

/**
 * Cancels `root` and its subtree with `err` and `cause`, in the two phases
 * described at the top of this module. A no-op if `root` is already
 * cancelled: the first cancellation wins. With `batch`, phase 2 is left to
 * the caller: the contexts to notify are appended to `batch` for
 * {@link notifyAll}, so that several roots cancelled by one event (a
 * user-written parent, a signal) are all marked before any is notified.
 */
export function cancelTree(root: CancelCtx, err: Error, cause: unknown, batch?: CancelCtx[]): void {
  if (root._err !== undefined) return;
  let pending: CancelCtx[] | undefined = batch;
  // Root's own ring, to recognise root when the walk climbs back to it: a
  // child derived through a Proxy of root has the proxy as its ring's owner.
  const top = root._links;
  let n = root;
  const h = hook;
  visit: for (;;) {
    n._err = err;
    n._cause = cause;
    if (h !== undefined) h.cancelled(n);
    n._release();
    const l = n._links;
    if (n._ctrl !== undefined || (l !== undefined && l._fnext !== l)) (pending ??= []).push(n);
    if (l !== undefined && l._next !== l) {
      n = l._next as CancelCtx;
      continue;
    }
    // n's subtree is done: drop its registries, then move to its next
    // sibling, or climb to the parent whose children are now all done.
    for (;;) {
      const nl = n._links;
      if (nl !== undefined && nl._fnext === nl) n._links = undefined;
      if (n === root) break visit;
      const s = n._prev as Links;
      const x = n._next!;
      s._next = x;
      x._prev = s;
      n._next = undefined;
      n._prev = undefined;
      if (x !== s) {
        n = x as CancelCtx;
        continue visit;
      }
      n = s === top ? root : (s._owner as CancelCtx);
    }
  }
  // Leave the parent's ring last: emptying a Source's ring calls a
  // user-written context's stop(), which must see this subtree cancelled.
  // If that stop() throws, the subtree is still notified: every err() set
  // here has its signal aborted before cancel() returns (or throws).
  try {
    if (root._next !== undefined) unlinkMember(root);
  } finally {
    if (batch === undefined && pending !== undefined) notifyAll(pending);
  }
}

/** Phase 2 of cancellations marked with a shared `batch` (see {@link cancelTree}). */
export function notifyAll(pending: CancelCtx[]): void {
  for (let i = 0; i < pending.length; i++) notify(pending[i]!);
}

/** Phase 2 for one context: abort its signal, then fire its watchers in order. */
function notify(n: CancelCtx): void {
  const c = n._ctrl;
  if (c !== undefined && !c.signal.aborted) c.abort(n._err);
  const l = n._links;
  if (l === undefined) return;
  // The ring stays in place until it is drained: a watcher registered on n
  // meanwhile (from an abort listener above) joins its tail and fires after
  // every earlier one, so callbacks on one context keep registration order.
  for (let w = l._fnext; w !== l; w = l._fnext) {
    unlinkFn(w);
    (w as Watch)._fire();
  }
  n._links = undefined;
}

/**
 * Something waiting for a context's cancellation without a signal or a
 * closure of its own on the context: afterFunc callbacks and the async
 * helpers. It sits in the watcher ring of the nearest cancellable context.
 */
export abstract class Watch implements FnNode {
  _fnext: FnNode | undefined;
  _fprev: FnNode | undefined;
  /**
   * The context whose watcher ring holds this watch (set by `watch`, also
   * when it answers CANCELLED: its `_err` is the one ctxkit recorded).
   */
  _cc: CancelCtx | undefined;
  /** True when `_cc` is a private child made to watch a user-written context. */
  _own: boolean;
  constructor() {
    this._fnext = undefined;
    this._fprev = undefined;
    this._cc = undefined;
    this._own = false;
  }
  /** Runs in phase 2 of the cancellation; must not run user code synchronously. */
  abstract _fire(): void;
}

/** `watch` outcome: `ctx` is already cancelled; `w` was not registered. */
export const CANCELLED = -1;
/** `watch` outcome: `ctx` can never be cancelled; `w` was not registered. */
export const NEVER = 0;
/** `watch` outcome: `w` fires when `ctx` is cancelled, unless unwatched first. */
export const REGISTERED = 1;
export type Watched = typeof CANCELLED | typeof NEVER | typeof REGISTERED;

/**
 * Registers `w` to fire when `ctx` is cancelled: on the nearest cancellable
 * context (through value contexts and delegating wrappers), so waits on a
 * million value contexts of one parent hold no more than their own entries.
 */
export function watch(ctx: Context, w: Watch): Watched {
  const s = skipValues(ctx);
  let c: CancelCtx;
  if (s instanceof CancelCtx) c = s;
  else {
    if (s instanceof UncancellableCtx) return NEVER;
    const d = delegate(s);
    if (d === undefined) return watchForeign(s, w);
    if (!(d instanceof CancelCtx)) return NEVER;
    c = d;
  }
  linksOf(c);
  const l = c._links;
  w._cc = c;
  // Cancelled, but its watchers are still being fired (phase 2 is under
  // way): queue behind them to keep registration order.
  if (c._err !== undefined && (l === undefined || l._fnext === l)) return CANCELLED;
  appendFn(l!, w);
  return REGISTERED;
}

/**
 * Watches a user-written context through a private child, so that all
 * watchers of one such context share its one Source registration.
 */
function watchForeign(c: Context, w: Watch): Watched {
  const own = new CancelCtx(c);
  joinForeign(own, c);
  w._cc = own;
  if (own._err !== undefined) return CANCELLED;
  w._own = true;
  // NaN: this private child is never asked for its deadline.
  appendFn((own._links = new Links(own, NaN)), w);
  return REGISTERED;
}

/** Removes `w` from its watcher ring (and its private child, if any). */
export function unwatch(w: Watch): void {
  if (w._fnext !== undefined) unlinkFn(w);
  if (w._own) {
    w._own = false;
    cancelTree(w._cc!, Canceled, Canceled);
  }
}
