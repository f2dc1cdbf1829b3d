/**
 * Property-based tests of the cancellation tree: random
 * derivation trees of every kind of context, including user-written ones,
 * under random cancellations, signal aborts and deadlines, are checked
 * against a plain model after every step.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  Canceled,
  type CancelCauseFunc,
  type Context,
  DeadlineExceeded,
  background,
  cause,
  createKey,
  withCancel,
  withCancelCause,
  withSignal,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import { TimerCtx } from '../../src/core/with-deadline.js';
import type { Links } from '../../src/core/ring.js';

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------
// User-written contexts around a ctxkit context that delegate value() (so
// cause() finds the inner cause): one offering only a signal of its own,
// one offering Go's afterFunc hook (both sources ctxkit must register on),
// and a plain delegate whose signal is the inner one (joined directly).

const addListener = EventTarget.prototype.addEventListener;

/** Tracks 'abort' listeners added to `s` through its own methods (by ctxkit). */
function spyListeners(s: AbortSignal): Set<unknown> {
  const live = new Set<unknown>();
  const add = s.addEventListener.bind(s);
  const remove = s.removeEventListener.bind(s);
  s.addEventListener = (type: string, l: any, o?: any) => {
    if (type === 'abort') live.add(l);
    add(type, l, o);
  };
  s.removeEventListener = (type: string, l: any, o?: any) => {
    if (type === 'abort') live.delete(l);
    remove(type, l, o);
  };
  return live;
}

class SignalOnlyContext implements Context {
  readonly inner: Context;
  readonly cancel: CancelCauseFunc;
  _sig: AbortSignal | undefined;
  _live: Set<unknown> | undefined;
  constructor(parent: Context) {
    [this.inner, this.cancel] = withCancelCause(parent);
  }
  deadline(): Date | undefined {
    return this.inner.deadline();
  }
  /** A signal of its own that aborts, synchronously and with the same reason, when the inner one does. */
  get signal(): AbortSignal {
    if (this._sig === undefined) {
      const own = new AbortController();
      const inner = this.inner.signal;
      if (inner.aborted) own.abort(inner.reason);
      else addListener.call(inner, 'abort', () => own.abort(inner.reason), { once: true });
      this._sig = own.signal;
      this._live = spyListeners(this._sig);
    }
    return this._sig;
  }
  err(): Error | undefined {
    return this.inner.err();
  }
  value(key: unknown): any {
    return this.inner.value(key);
  }
  /** Registrations ctxkit holds on this context. */
  registrations(): number {
    return this._live?.size ?? 0;
  }
}

class AfterFuncContext extends SignalOnlyContext {
  readonly _fns = new Set<() => void>();
  _hooked = false;
  /** Runs `f` synchronously when this context is cancelled. */
  afterFunc(f: () => void): () => boolean {
    if (!this._hooked) {
      this._hooked = true;
      const s = this.signal;
      // The fixture's own hook, not counted as a ctxkit registration.
      addListener.call(s, 'abort', () => {
        const fns = [...this._fns];
        this._fns.clear();
        for (const g of fns) g();
      });
    }
    if (this.inner.err() !== undefined) {
      f();
      return () => false;
    }
    this._fns.add(f);
    return () => this._fns.delete(f);
  }
  override registrations(): number {
    return this._fns.size + super.registrations();
  }
}

/** A wrapper delegating everything, its signal included: ctxkit links below the inner context. */
class DelegateContext extends SignalOnlyContext {
  override get signal(): AbortSignal {
    return this.inner.signal;
  }
  override registrations(): number {
    return 0;
  }
}

// ---------------------------------------------------------------------------
// The model.

type Kind = 'bg' | 'cancel' | 'cause' | 'value' | 'timeout' | 'without' | 'signal' | 'fixSig' | 'fixAf' | 'fixDel';
const KINDS: Kind[] = ['cancel', 'cause', 'value', 'timeout', 'without', 'signal', 'fixSig', 'fixAf', 'fixDel'];
const TIMEOUTS = [HOUR, 2 * HOUR, -1, HOUR / 2];
const CAUSES: unknown[] = [undefined, null, new Error('cause A'), 'cause B'];
const REASONS: unknown[] = [new Error('aborted'), DeadlineExceeded, 'a string reason', 'timeout-dom'];

type Op =
  | { t: 'derive'; kind: Kind; parent: number; arg: number }
  | { t: 'cancel'; node: number; arg: number }
  | { t: 'abort'; sig: number; arg: number }
  | { t: 'read'; node: number }
  | { t: 'tick' };

interface Node {
  kind: Kind;
  ctx: Context;
  parent: number;
  /** ctxkit's own cancel context for this node (the inner one for fixtures) */
  cc: CancelCtx | undefined;
  cancel: ((c?: unknown) => void) | undefined;
  takesCause: boolean;
  key?: unknown;
  val?: unknown;
  sig?: number;
  /** model state of cancellable nodes, set once */
  err?: Error;
  cause?: unknown;
  /** own deadline (timeout nodes), epoch ms */
  at?: number;
  read?: AbortSignal;
  seenErr?: Error;
  seenCause?: unknown;
}

const keys: unknown[] = [createKey<string>('a'), createKey<string>('b'), 'plain-string-key'];
const missing = createKey<string>('missing');

const OWN: ReadonlySet<Kind> = new Set<Kind>(['cancel', 'cause', 'timeout', 'signal', 'fixSig', 'fixAf', 'fixDel']);

function errFromReason(r: unknown): Error {
  return r === DeadlineExceeded || (r instanceof DOMException && r.name === 'TimeoutError') ? DeadlineExceeded : Canceled;
}

class World {
  nodes: Node[] = [{ kind: 'bg', ctx: background(), parent: -1, cc: undefined, cancel: undefined, takesCause: false }];
  ctls = [new AbortController(), new AbortController(), new AbortController()];

  expErr(i: number): Error | undefined {
    for (;;) {
      const n = this.nodes[i]!;
      if (OWN.has(n.kind)) return n.err;
      if (n.kind !== 'value') return undefined;
      i = n.parent;
    }
  }
  expCause(i: number): unknown {
    for (;;) {
      const n = this.nodes[i]!;
      if (OWN.has(n.kind)) return n.err === undefined ? undefined : n.cause;
      if (n.kind !== 'value') return undefined;
      i = n.parent;
    }
  }
  expValue(i: number, key: unknown): unknown {
    for (; i > 0; i = this.nodes[i]!.parent) {
      const n = this.nodes[i]!;
      if (n.kind === 'value' && n.key === key) return n.val;
    }
    return undefined;
  }
  expDeadline(i: number): number | undefined {
    let best: number | undefined;
    for (; i > 0; i = this.nodes[i]!.parent) {
      const n = this.nodes[i]!;
      if (n.kind === 'without') break;
      if (n.at !== undefined && (best === undefined || n.at < best)) best = n.at;
    }
    return best;
  }
  /** The nearest non-value ancestor of node i. */
  ringOwner(i: number): number {
    let p = this.nodes[i]!.parent;
    while (this.nodes[p]!.kind === 'value') p = this.nodes[p]!.parent;
    return p;
  }
  /** The first cancellation of node i wins; it reaches the subtree except below withoutCancel. */
  cancelModel(i: number, err: Error, why: unknown): void {
    const n = this.nodes[i]!;
    if (n.err !== undefined) return;
    n.err = err;
    n.cause = why;
    const stack = [i];
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (let j = x + 1; j < this.nodes.length; j++) {
        const c = this.nodes[j]!;
        if (c.parent !== x || c.kind === 'without') continue;
        if (c.kind === 'value') stack.push(j);
        else if (c.err === undefined) {
          c.err = err;
          c.cause = why;
          stack.push(j);
        }
      }
    }
  }

  derive(kind: Kind, pi: number, arg: number): void {
    const parent = this.nodes[pi]!.ctx;
    const pErr = this.expErr(pi);
    const pCause = this.expCause(pi);
    const n: Node = { kind, ctx: parent, parent: pi, cc: undefined, cancel: undefined, takesCause: false };
    switch (kind) {
      case 'cancel': {
        const [c, f] = withCancel(parent);
        Object.assign(n, { ctx: c, cancel: f });
        break;
      }
      case 'cause': {
        const [c, f] = withCancelCause(parent);
        Object.assign(n, { ctx: c, cancel: f, takesCause: true });
        break;
      }
      case 'value':
        n.key = keys[arg % keys.length];
        n.val = `v${this.nodes.length}`;
        n.ctx = withValue(parent, n.key, n.val);
        break;
      case 'timeout': {
        const ms = TIMEOUTS[arg % TIMEOUTS.length]!;
        const at = Date.now() + ms;
        const pd = this.expDeadline(pi);
        if (!(pd !== undefined && pd < at)) n.at = at;
        const [c, f] = withTimeout(parent, ms);
        Object.assign(n, { ctx: c, cancel: f });
        break;
      }
      case 'without':
        n.ctx = withoutCancel(parent);
        break;
      case 'signal': {
        n.sig = arg % this.ctls.length;
        const [c, f] = withSignal(parent, this.ctls[n.sig]!.signal);
        Object.assign(n, { ctx: c, cancel: f });
        break;
      }
      case 'fixSig':
      case 'fixAf':
      case 'fixDel': {
        const fx =
          kind === 'fixSig' ? new SignalOnlyContext(parent) : kind === 'fixAf' ? new AfterFuncContext(parent) : new DelegateContext(parent);
        Object.assign(n, { ctx: fx, cancel: fx.cancel, takesCause: true });
        break;
      }
      default:
        throw new Error(kind);
    }
    n.cc = n.ctx instanceof CancelCtx ? n.ctx : n.ctx instanceof SignalOnlyContext || n.ctx instanceof AfterFuncContext ? (n.ctx.inner as CancelCtx) : undefined;
    this.nodes.push(n);
    const i = this.nodes.length - 1;
    // Born state: a cancelled parent wins, then an expired deadline or an aborted signal.
    if (OWN.has(kind)) {
      if (pErr !== undefined) this.cancelModel(i, pErr, pCause);
      else if (kind === 'timeout' && n.at !== undefined && n.at <= Date.now()) this.cancelModel(i, DeadlineExceeded, DeadlineExceeded);
      else if (kind === 'signal' && this.ctls[n.sig!]!.signal.aborted) {
        const r: unknown = this.ctls[n.sig!]!.signal.reason;
        this.cancelModel(i, errFromReason(r), r);
      }
    }
  }

  apply(op: Op): void {
    const N = this.nodes.length;
    switch (op.t) {
      case 'derive':
        this.derive(op.kind, op.parent % N, op.arg);
        break;
      case 'cancel': {
        const i = op.node % N;
        const n = this.nodes[i]!;
        if (n.cancel === undefined) break;
        const c = CAUSES[op.arg % CAUSES.length];
        n.cancel(c);
        this.cancelModel(i, Canceled, n.takesCause && c !== undefined && c !== null ? c : Canceled);
        break;
      }
      case 'abort': {
        const ctl = this.ctls[op.sig % this.ctls.length]!;
        if (ctl.signal.aborted) break;
        let r = REASONS[op.arg % REASONS.length];
        if (r === 'timeout-dom') r = new DOMException('timed out', 'TimeoutError');
        ctl.abort(r);
        const j = this.ctls.indexOf(ctl);
        for (let i = 1; i < this.nodes.length; i++) {
          if (this.nodes[i]!.kind === 'signal' && this.nodes[i]!.sig === j) this.cancelModel(i, errFromReason(r), r);
        }
        break;
      }
      case 'read': {
        const n = this.nodes[op.node % N]!;
        n.read ??= n.ctx.signal;
        break;
      }
      case 'tick': {
        vi.advanceTimersByTime(HOUR);
        const now = Date.now();
        for (let i = 1; i < this.nodes.length; i++) {
          const n = this.nodes[i]!;
          if (n.at !== undefined && n.at <= now) this.cancelModel(i, DeadlineExceeded, DeadlineExceeded);
        }
        break;
      }
    }
  }

  check(): void {
    const { nodes } = this;
    let liveTimers = 0;
    const index = new Map<CancelCtx, number>();
    nodes.forEach((n, i) => n.cc !== undefined && index.set(n.cc, i));
    for (let i = 1; i < nodes.length; i++) {
      const n = nodes[i]!;
      const e = this.expErr(i);
      const why = this.expCause(i);
      expect(n.ctx.err(), `err of node ${i} (${n.kind})`).toBe(e);
      expect(cause(n.ctx), `cause of node ${i} (${n.kind})`).toBe(why);
      // err and cause never change once set.
      if (n.seenErr !== undefined) {
        expect(e).toBe(n.seenErr);
        expect(why).toBe(n.seenCause);
      } else if (e !== undefined) {
        n.seenErr = e;
        n.seenCause = why;
      }
      for (const k of keys) expect(n.ctx.value(k), `value of node ${i}`).toBe(this.expValue(i, k));
      expect(n.ctx.value(missing)).toBeUndefined();
      expect(n.ctx.deadline()?.getTime()).toBe(this.expDeadline(i));
      if (n.read !== undefined) {
        expect(n.ctx.signal).toBe(n.read);
        expect(n.read.aborted, `signal of node ${i} (${n.kind})`).toBe(e !== undefined);
        if (e !== undefined) expect(n.read.reason).toBe(e);
      }
      const cc = n.cc;
      if (cc !== undefined) {
        if (cc._err !== undefined) {
          // A cancelled context is in no ring and holds no registry or timer.
          expect(cc._next).toBeUndefined();
          expect(cc._prev).toBeUndefined();
          expect(cc._links === undefined || cc._links._next === cc._links).toBe(true);
        } else {
          const owner = nodes[this.ringOwner(i)]!;
          const inRing = owner.kind !== 'bg' && owner.kind !== 'without';
          expect(cc._next !== undefined, `ring membership of node ${i} (${n.kind}) below ${owner.kind}`).toBe(inRing);
        }
        if (cc instanceof TimerCtx) {
          expect(cc._timer !== undefined).toBe(cc._err === undefined);
          if (cc._err === undefined) liveTimers++;
        }
      }
    }
    // Each live ctxkit context's children ring holds exactly its live
    // cancellable children, in derivation order.
    for (let p = 1; p < nodes.length; p++) {
      const owner = nodes[p]!;
      const expected: number[] = [];
      for (let i = p + 1; i < nodes.length; i++) {
        const n = nodes[i]!;
        if (n.cc !== undefined && n.cc._err === undefined && this.ringOwner(i) === p) expected.push(i);
      }
      if (owner.kind === 'fixDel') {
        // A delegate holds nothing: its children are the inner context's (checked below).
        expect((owner.ctx as DelegateContext).registrations()).toBe(0);
      } else if (owner.kind === 'fixSig' || owner.kind === 'fixAf') {
        // One registration on a user-written parent while it has live children, none after.
        const fx = owner.ctx as SignalOnlyContext | AfterFuncContext;
        expect(fx.registrations(), `registrations on node ${p} (${owner.kind})`).toBe(expected.length > 0 ? 1 : 0);
        if (owner.kind === 'fixAf') expect(fx._live?.size ?? 0).toBe(0);
        continue;
      }
      const cc = owner.cc;
      if (cc === undefined) continue;
      const got: number[] = [];
      const l: Links | undefined = cc._links;
      if (l !== undefined) for (let m = l._next; m !== l; m = m._next!) got.push(index.get(m as CancelCtx) ?? -1);
      expect(got, `children ring of node ${p} (${owner.kind})`).toEqual(expected);
    }
    expect(vi.getTimerCount()).toBe(liveTimers);
  }

  /** Cancels everything that can be cancelled; nothing may stay registered. */
  finish(): void {
    for (const n of this.nodes) n.cancel?.();
    for (const n of this.nodes) if (OWN.has(n.kind)) expect(n.ctx.err()).toBeDefined();
    for (const n of this.nodes) {
      if (n.ctx instanceof SignalOnlyContext || n.ctx instanceof AfterFuncContext) expect(n.ctx.registrations()).toBe(0);
      if (n.cc !== undefined) expect(n.cc._next).toBeUndefined();
    }
    expect(vi.getTimerCount()).toBe(0);
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('derive' as const), kind: fc.constantFrom(...KINDS), parent: fc.nat(), arg: fc.nat(11) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cancel' as const), node: fc.nat(), arg: fc.nat(11) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('abort' as const), sig: fc.nat(2), arg: fc.nat(11) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('read' as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'tick' as const }) },
);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('random derivation trees under random cancellations', () => {
  it('keep every tree invariant after every step', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const w = new World();
        for (const op of ops) {
          w.apply(op);
          w.check();
        }
        w.finish();
      }),
      { numRuns: 200 },
    );
  });

  it('keep them in trees grown mostly by derivation (deep and wide)', () => {
    const deriveOnly = fc.record({ t: fc.constant('derive' as const), kind: fc.constantFrom(...KINDS), parent: fc.nat(), arg: fc.nat(11) });
    fc.assert(
      fc.property(
        fc.array(deriveOnly, { minLength: 5, maxLength: 60 }),
        fc.array(fc.oneof(opArb, opArb), { minLength: 1, maxLength: 15 }),
        (grow, ops) => {
          const w = new World();
          for (const op of grow) w.apply(op);
          w.check();
          for (const op of ops) {
            w.apply(op);
            w.check();
          }
          w.finish();
        },
      ),
      { numRuns: 100 },
    );
  });
});
