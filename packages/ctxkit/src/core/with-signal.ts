import type { CancelFunc, Context } from './context.js';
import { Canceled, DeadlineExceeded } from './errors.js';
import { type RingNode, Source, append, unlinkMember } from './ring.js';
import { CancelCtx, attach, cancelTree, notifyAll } from './tree.js';
import { cancelFunc } from './with-cancel.js';
import { checkParent } from './validate.js';

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
  constructor(signal: AbortSignal) {
    super();
    this._signal = signal;
    this._onAbort = () => this._fire();
    signal.addEventListener('abort', this._onAbort);
  }
  _disarm(): void {
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
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AbortSignal).aborted === 'boolean' &&
    typeof (v as AbortSignal).addEventListener === 'function' &&
    typeof (v as AbortSignal).removeEventListener === 'function'
  );
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
  if (c._err === undefined) {
    if (signal.aborted) {
      cancelTree(c, errFromReason(signal.reason), signal.reason);
    } else {
      let s = sources.get(signal);
      if (s === undefined) {
        s = new SignalSource(signal);
        sources.set(signal, s);
      }
      const r = new SignalReg(c);
      append(s, r);
      c._reg = r;
    }
  }
  return [c, cancelFunc(c)];
}
