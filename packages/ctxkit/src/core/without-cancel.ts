import type { Context } from './context.js';
import { UncancellableCtx } from './uncancellable.js';
import { cancelCtxKey } from './key.js';
import { lookup } from './lookup.js';
import { checkParent } from './validate.js';
import { hook } from './hook.js';

/** A context that keeps its parent's values and drops everything else. */
export class WithoutCancelCtx extends UncancellableCtx {
  _parent: Context;
  constructor(parent: Context) {
    super();
    this._parent = parent;
  }
  value(key: unknown): any {
    return key === cancelCtxKey ? undefined : lookup(this._parent, key);
  }
  _label(): string {
    return '.WithoutCancel';
  }
  _up(): Context {
    return this._parent;
  }
}

/**
 * Returns a context that carries `parent`'s values but is never cancelled:
 * no deadline, `err()` and `cause()` always `undefined`, a signal that never
 * aborts. Contexts derived from it are not cancelled when `parent` is, so it
 * is the boundary for work that must outlive a request (audit logging,
 * cache warming); give such work its own timeout below it.
 *
 * @throws {TypeError} if `parent` is null/undefined.
 */
export function withoutCancel(parent: Context): Context {
  checkParent(parent, 'withoutCancel');
  const c = new WithoutCancelCtx(parent);
  const h = hook;
  if (h !== undefined) h.derived(c, withoutCancel);
  return c;
}
