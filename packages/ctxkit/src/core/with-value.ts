import type { Context, Key, NotInferred } from './context.js';
import { Ctx } from './ctx.js';
import { deadlineMs, lookup, skipValues } from './lookup.js';
import { background } from './background.js';
import { checkParent } from './validate.js';
import { stringify } from './describe.js';
import { hook } from './hook.js';

const BACKGROUND = background();

/** A context binding one key to one value; everything else is its parent's. */
export class ValueCtx extends Ctx {
  _parent: Context;
  _key: unknown;
  _val: unknown;
  /**
   * The parent when it is a value context too, else undefined: a run of
   * stacked values is then walked like a plain linked list, with no type
   * test per step.
   */
  _vup: ValueCtx | undefined;
  constructor(parent: Context, key: unknown, val: unknown) {
    super();
    this._parent = parent;
    this._key = key;
    this._val = val;
    this._vup = parent instanceof ValueCtx ? parent : undefined;
  }
  deadline(): Date | undefined {
    const d = deadlineMs(this._parent);
    return d === undefined ? undefined : new Date(d);
  }
  // err and signal belong to the nearest non-value ancestor; the walk is a
  // loop so that a million stacked values cannot overflow the stack.
  get signal(): AbortSignal {
    return skipValues(this._parent).signal;
  }
  err(): Error | undefined {
    return skipValues(this._parent).err();
  }
  value(key: unknown): any {
    // The hot path of every lookup, written out rather than delegated: the
    // run of values is walked as a plain list and a miss that reaches the
    // root is recognised by identity (measured: as fast as a bare list walk).
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let c: ValueCtx = this;
    for (;;) {
      if (c._key === key) return c._val;
      const up = c._vup;
      if (up === undefined) break;
      c = up;
    }
    const p = c._parent;
    return p === BACKGROUND ? undefined : lookup(p, key);
  }
  _label(): string {
    return `.WithValue(${stringify(this._key)}, ${stringify(this._val)})`;
  }
  _up(): Context {
    return this._parent;
  }
}

/**
 * Returns a copy of `parent` in which `key` is bound to `val`: `value(key)`
 * on the result and its descendants returns `val` unless a nearer context
 * binds `key` again. Everything else (deadline, cancellation, other values)
 * is the parent's. Keys compare with `===`; use {@link createKey} for a typed
 * key that cannot collide with another package's.
 *
 * Values are for request-scoped data that crosses API boundaries, not for
 * optional parameters, and should be immutable: every descendant sees the
 * same object.
 *
 * @throws {TypeError} if `parent` is null/undefined ("cannot create context
 *   from nil parent") or `key` is null/undefined ("nil key").
 */
export function withValue<T>(parent: Context, key: Key<T>, val: NotInferred<T>): Context;
/**
 * The untyped form, for keys that are not a {@link Key} (strings, symbols,
 * objects): any value. A `Key<T>` never matches here, so it takes a `T`.
 */
export function withValue<K>(parent: Context, key: K extends Key<unknown> ? never : K, val: unknown): Context;
export function withValue(parent: Context, key: unknown, val: unknown): Context {
  checkParent(parent, 'withValue');
  if (key === null || key === undefined) {
    throw new TypeError(`ctxkit.withValue: nil key (argument "key" is ${key})`);
  }
  const c = new ValueCtx(parent, key, val);
  const h = hook;
  if (h !== undefined) h.derived(c, withValue);
  return c;
}
