/**
 * "Depth is unbounded": deriving, value() lookups and cancellation
 * work on chains and trees of ctxkit contexts of any depth and width (a
 * million levels) without stack overflow.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  type CancelFunc,
  type Context,
  background,
  cause,
  createKey,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { CancelCtx } from '../../src/core/tree.js';
import { TimerCtx } from '../../src/core/with-deadline.js';

const HOUR = 3_600_000;
const MILLION = 1_000_000;

beforeEach(() => {
  // Date is frozen too, so every withTimeout(HOUR) in a chain gets the same
  // deadline as its parent and keeps a timer of its own.
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

interface Chain {
  root: Context;
  cancelRoot: CancelFunc;
  nodes: Context[];
  rootKey: ReturnType<typeof createKey<number>>;
}

/**
 * Builds root = withCancel(background()) bound to `rootKey` by a value
 * context, then `depth` derivations below it cycling through withCancel,
 * withValue, withTimeout(1h) (a TimerCtx with its own timer) and
 * withTimeout(2h) (the parent's deadline is earlier: a plain cancel
 * context). Keeps every `stride`-th node.
 */
function buildChain(depth: number, stride: number): Chain {
  const rootKey = createKey<number>('root');
  const loopKey = createKey<number>('loop');
  const [root, cancelRoot] = withCancel(background());
  let c: Context = withValue(root, rootKey, 42);
  const nodes: Context[] = [];
  for (let i = 0; i < depth; i++) {
    switch (i & 3) {
      case 0:
        c = withCancel(c)[0];
        break;
      case 1:
        c = withValue(c, loopKey, i);
        break;
      case 2:
        c = withTimeout(c, HOUR)[0];
        break;
      default:
        c = withTimeout(c, 2 * HOUR)[0];
    }
    if (i % stride === 0 || i === depth - 1) nodes.push(c);
  }
  return { root, cancelRoot, nodes, rootKey };
}

describe('a chain of a million mixed derivations', () => {
  it('is built, looked up from its leaf and cancelled from its root without overflowing the stack', () => {
    const { root, cancelRoot, nodes, rootKey } = buildChain(MILLION, 50_000);
    const leaf = nodes[nodes.length - 1]!;
    // A quarter of the chain holds a pending timer (the withTimeout(1h) links).
    expect(vi.getTimerCount()).toBe(MILLION / 4);

    // Lookups from the leaf walk the whole million levels.
    expect(leaf.value(rootKey)).toBe(42);
    expect(leaf.value(createKey('missing'))).toBeUndefined();
    expect(leaf.value('not a key anyone bound')).toBeUndefined();
    expect(leaf.err()).toBeUndefined();
    expect(cause(leaf)).toBeUndefined();
    expect(leaf.deadline()?.getTime()).toBe(Date.now() + HOUR);

    // Signals read along the chain abort in the same cancel() call.
    const signals = nodes.map((n) => n.signal);

    cancelRoot();

    expect(root.err()).toBe(Canceled);
    for (const n of nodes) {
      expect(n.err()).toBe(Canceled);
      expect(cause(n)).toBe(Canceled);
    }
    for (const s of signals) {
      expect(s.aborted).toBe(true);
      expect(s.reason).toBe(Canceled);
    }
    // Every timer was released by the cascade.
    expect(vi.getTimerCount()).toBe(0);
    for (const n of nodes) {
      if (n instanceof CancelCtx) {
        expect(n._next).toBeUndefined();
        expect(n._links).toBeUndefined();
      }
      if (n instanceof TimerCtx) expect(n._timer).toBeUndefined();
    }
    expect((root as CancelCtx)._links).toBeUndefined();
  });

  it('is cancelled from a middle node: everything below is cancelled, everything above is not', () => {
    const { root, cancelRoot, nodes } = buildChain(MILLION, 100_000);
    // Find a cancellable middle node and keep its cancel function by
    // deriving a cause-cancellable child there.
    const middle = nodes[5]!;
    const [mid, cancelMid] = withCancelCause(middle);
    let c: Context = mid;
    for (let i = 0; i < MILLION / 2; i++) c = i & 1 ? withValue(c, 'k', i) : withCancel(c)[0];
    const why = new Error('middle went away');

    cancelMid(why);

    expect(c.err()).toBe(Canceled);
    expect(cause(c)).toBe(why);
    expect(middle.err()).toBeUndefined();
    expect(root.err()).toBeUndefined();
    expect(nodes[nodes.length - 1]!.err()).toBeUndefined();
    cancelRoot();
    expect(nodes[nodes.length - 1]!.err()).toBe(Canceled);
    expect(cause(c)).toBe(why);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('has a deadline() found a million levels up, and derives a timeout there', () => {
    const [top, cancelTop] = withTimeout(background(), HOUR);
    let c: Context = top;
    for (let i = 0; i < MILLION; i++) c = i & 1 ? withValue(c, 'k', i) : withCancel(c)[0];
    expect(c.deadline()?.getTime()).toBe(Date.now() + HOUR);
    // The deadline a million levels up is earlier: a plain cancel context, no timer.
    const [later] = withTimeout(c, 2 * HOUR);
    expect(later).not.toBeInstanceOf(TimerCtx);
    expect(later.deadline()?.getTime()).toBe(Date.now() + HOUR);
    // A tighter one below it gets a timer of its own.
    const [tighter] = withTimeout(c, HOUR / 2);
    expect(tighter).toBeInstanceOf(TimerCtx);
    expect(vi.getTimerCount()).toBe(2);

    vi.advanceTimersByTime(HOUR / 2);
    expect(tighter.err()?.name).toBe('TimeoutError');
    expect(c.err()).toBeUndefined();
    vi.advanceTimersByTime(HOUR / 2);
    expect(top.err()?.name).toBe('TimeoutError');
    expect(c.err()).toBe(top.err());
    expect(later.err()).toBe(top.err());
    expect(vi.getTimerCount()).toBe(0);
    cancelTop();
  });
});

describe('String() of a deep chain', () => {
  it('describes a chain of 100,000 derivations without overflowing the stack', () => {
    const { cancelRoot, nodes } = buildChain(100_000, 100_000);
    const leaf = nodes[nodes.length - 1]!;
    const s = String(leaf);
    expect(s.startsWith('context.Background.WithCancel.WithValue(root, number).WithCancel.WithValue(loop, number).WithDeadline(')).toBe(true);
    expect(s.split('.WithCancel').length - 1).toBe(1 + 100_000 / 4 + 100_000 / 4);
    expect(s.split('.WithValue(').length - 1).toBe(1 + 100_000 / 4);
    expect(s.split('.WithDeadline(').length - 1).toBe(100_000 / 4);
    cancelRoot();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('a parent with a million direct children', () => {
  it('cancels them all and leaves its registry empty', () => {
    const [parent, cancelParent] = withCancel(background());
    const children: Context[] = new Array(MILLION);
    for (let i = 0; i < MILLION; i++) children[i] = withCancel(parent)[0];
    // A few of them have read signals and timers.
    const [timed] = withTimeout(parent, HOUR);
    const sig = children[MILLION - 1]!.signal;
    expect(vi.getTimerCount()).toBe(1);

    cancelParent();

    for (let i = 0; i < MILLION; i++) {
      if (children[i]!.err() !== Canceled) expect.fail(`child ${i} reports ${String(children[i]!.err())}`);
    }
    expect(timed.err()).toBe(Canceled);
    expect(sig.aborted).toBe(true);
    expect(sig.reason).toBe(Canceled);
    expect((parent as CancelCtx)._links).toBeUndefined();
    expect((children[0] as CancelCtx)._next).toBeUndefined();
    expect((children[MILLION >> 1] as CancelCtx)._prev).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps exactly the live children registered when half of them were cancelled first', () => {
    const [parent, cancelParent] = withCancel(background());
    const n = 200_000;
    const children: Context[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const [c, cancel] = withCancel(parent);
      children[i] = c;
      if (i & 1) cancel();
    }
    let count = 0;
    const links = (parent as CancelCtx)._links!;
    for (let m = links._next; m !== links; m = m._next!) {
      expect(m).toBe(children[2 * count]);
      count++;
    }
    expect(count).toBe(n / 2);
    cancelParent();
    expect((parent as CancelCtx)._links).toBeUndefined();
    expect(children.every((c) => c.err() === Canceled)).toBe(true);
  });
});
