import type { CancelFunc, Context } from './context.js';
import { Canceled, DeadlineExceeded } from './errors.js';
import { type RingNode, Source, append, unlinkMember } from './ring.js';
import { CancelCtx, attach, cancelTree, notifyAll } from './tree.js';
import { cancelFunc } from './with-cancel.js';
import { checkParent } from './validate.js';
import { hook } from './hook.js';

/** One Source per AbortSignal that currently has withSignal contexts. */
const sources = new WeakMap<AbortSignal, SignalSource>();

/** The err a context takes from a signal's reason. */
function errFromReason(reason: unknown): Error {
  if (reason === DeadlineExceeded) return DeadlineExceeded;
  if (typeof DOMException !== 'undefined' && reason instanceof DOMException && reason.name === 'TimeoutError') {
    return DeadlineExceeded;
  }
  return Canceled;
}

/**
 * One `abort` listener on a signal, shared by every context derived with
 * it: adding listeners one per context is quadratic (the platform scans for
 * duplicates) and leaks if they are not removed.
 */
class SignalSource extends Source {
  _signal: AbortSignal;
  _onAbort: () => void;
  /** True while its listener is counted by the debug hook. */
  _on: boolean;
  constructor(signal: AbortSignal) {
    super();
    this._signal = signal;
    this._onAbort = () => this._fire();
    signal.addEventListener('abort', this._onAbort);
    const h = hook;
    this._on = h !== undefined;
    if (h !== undefined) h.source(1);
  }
  _disarm(): void {
    if (this._on) {
      this._on = false;
      hook?.source(-1);
    }
    if (sources.get(this._signal) === this) sources.delete(this._signal);
    this._signal.removeEventListener('abort', this._onAbort);
  }
  _fire(): void {
    const reason: unknown = this._signal.reason;
    const err = errFromReason(reason);
    // Mark every context before notifying any (see cancelTree's batch).
    const batch: CancelCtx[] = [];
    while (this._next !== this) cancelTree((this._next as SignalReg)._ctx, err, reason, batch);
    notifyAll(batch);
  }
}

/** A withSignal context's membership in its signal's ring. */
class SignalReg implements RingNode {
  _next: RingNode | undefined;
  _prev: RingNode | undefined;
  _ctx: SignalCtx;
  constructor(ctx: SignalCtx) {
    this._next = undefined;
    this._prev = undefined;
    this._ctx = ctx;
  }
}

/** A cancellable context also cancelled by an AbortSignal. */
export class SignalCtx extends CancelCtx {
  _reg: SignalReg | undefined;
  constructor(parent: Context) {
    super(parent);
    this._reg = undefined;
  }
  override _release(): void {
    const r = this._reg;
    if (r !== undefined) {
      this._reg = undefined;
      if (r._next !== undefined) unlinkMember(r);
    }
  }
  override _label(): string {
    return '.WithSignal';
  }
}

function isSignal(v: unknown): v is AbortSignal {
  try {
    return (
      typeof v === 'object' &&
      v !== null &&
      typeof (v as AbortSignal).aborted === 'boolean' &&
      typeof (v as AbortSignal).addEventListener === 'function' &&
      typeof (v as AbortSignal).removeEventListener === 'function'
    );
  } catch {
    // A revoked Proxy or a throwing getter is not a signal ctxkit can use.
    return false;
  }
}

/** Links `c` to `signal`: one shared listener, or cancelled at once if it has aborted. */
function follow(c: SignalCtx, signal: AbortSignal): void {
  if (signal.aborted) {
    cancelTree(c, errFromReason(signal.reason), signal.reason);
    return;
  }
  let s = sources.get(signal);
  if (s === undefined) {
    s = new SignalSource(signal);
    sources.set(signal, s);
  }
  const r = new SignalReg(c);
  append(s, r);
  c._reg = r;
}

/**
 * Returns a copy of `parent` that is also cancelled when `signal` aborts:
 * it is cancelled when `parent` is, when `signal` aborts, or when the
 * returned cancel function is called, whichever comes first.
 *
 * From the signal, `err()` is `DeadlineExceeded` if `signal.reason` is a
 * "TimeoutError" DOMException (as from `AbortSignal.timeout`) or
 * `DeadlineExceeded`, and `Canceled` otherwise; `cause(ctx)` is
 * `signal.reason`. An already-aborted signal gives an already-cancelled
 * context. ctxkit keeps one listener per signal however many contexts use
 * it, and removes it once they are all cancelled by any path.
 *
 * @throws {TypeError} if `parent` is not a Context or `signal` is not an AbortSignal.
 */
export function withSignal(parent: Context, signal: AbortSignal): [Context, CancelFunc] {
  checkParent(parent, 'withSignal');
  if (!isSignal(signal)) {
    throw new TypeError(`ctxkit.withSignal: argument "signal" must be an AbortSignal, got ${signal === null ? 'null' : typeof signal}`);
  }
  const c = new SignalCtx(parent);
  attach(c, parent);
  const h = hook;
  if (h !== undefined) h.derived(c, withSignal);
  if (c._err === undefined) {
    try {
      follow(c, signal);
    } catch (e) {
      // A signal that throws (from a getter, or refusing a listener) must
      // not leave c linked below parent with nothing to cancel it.
      cancelTree(c, Canceled, Canceled);
      throw e;
    }
  }
  return [c, cancelFunc(c)];
}
