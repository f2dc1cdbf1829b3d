/**
 * Intrusive circular doubly-linked rings: the registries of the cancellation
 * tree. A ring is headed by a sentinel, so a member unlinks itself in O(1)
 * without knowing who owns the ring, and nothing is allocated per member.
 */

/** A member (or sentinel) of a children ring. */
export interface RingNode {
  _next: RingNode | undefined;
  _prev: RingNode | undefined;
}

/** A member (or sentinel) of a watcher ring (afterFunc and the async helpers). */
export interface FnNode {
  _fnext: FnNode | undefined;
  _fprev: FnNode | undefined;
}

/**
 * The registries of one ctxkit context, created on its first child or first
 * watcher: the sentinel of its children ring (derivation order) and of its
 * watcher ring (registration order).
 */
export class Links implements RingNode, FnNode {
  _next: RingNode;
  _prev: RingNode;
  _fnext: FnNode;
  _fprev: FnNode;
  /** The context whose registries these are. */
  _owner: RingNode;
  /**
   * The owner's deadline (epoch ms; Infinity: none), or NaN if not known.
   * A context's deadline never changes, and every context with children has
   * Links, so a deadline lookup stops at the first ancestor that has
   * children instead of walking to the root: deriving a timeout at the end
   * of a long chain is O(1), not O(depth).
   */
  _dl: number;
  constructor(owner: RingNode, dl: number) {
    this._next = this;
    this._prev = this;
    this._fnext = this;
    this._fprev = this;
    this._owner = owner;
    this._dl = dl;
  }
}

/**
 * The sentinel of a ring of contexts that depend on something ctxkit does
 * not own (a user-written parent, an AbortSignal). It holds exactly one
 * registration with that source while its ring is non-empty, and drops it
 * the moment the ring empties: however many children come and go, the
 * source sees one listener, and none once they are gone.
 */
export abstract class Source implements RingNode {
  _next: RingNode;
  _prev: RingNode;
  constructor() {
    this._next = this;
    this._prev = this;
  }
  /** Removes this source's one registration; called when its ring empties. */
  abstract _disarm(): void;
}

/** Appends `n` at the tail of the ring headed by `s`. */
export function append(s: RingNode, n: RingNode): void {
  const t = s._prev!;
  n._prev = t;
  n._next = s;
  t._next = n;
  s._prev = n;
}

/** Unlinks `n` from its ring; disarms the ring's Source if it is now empty. */
export function unlinkMember(n: RingNode): void {
  const p = n._prev!;
  const x = n._next!;
  p._next = x;
  x._prev = p;
  n._next = undefined;
  n._prev = undefined;
  if (p === x && p instanceof Source) p._disarm();
}

/** Appends watcher `w` at the tail of the watcher ring headed by `s`. */
export function appendFn(s: FnNode, w: FnNode): void {
  const t = s._fprev!;
  w._fprev = t;
  w._fnext = s;
  t._fnext = w;
  s._fprev = w;
}

/** Unlinks watcher `w` from its ring. */
export function unlinkFn(w: FnNode): void {
  const p = w._fprev!;
  const x = w._fnext!;
  p._fnext = x;
  x._fprev = p;
  w._fnext = undefined;
  w._fprev = undefined;
}
