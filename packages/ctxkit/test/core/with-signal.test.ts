import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  DeadlineExceeded,
  background,
  cause,
  createKey,
  withCancel,
  withCancelCause,
  withSignal,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { children, probeListeners } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

class TimeoutNamedError extends Error {
  constructor() {
    super('looks like a timeout');
    this.name = 'TimeoutError';
  }
}

const timeoutDOMException = new DOMException('signal timed out', 'TimeoutError');
const abortDOMException = new DOMException('aborted', 'AbortError');

describe('withSignal', () => {
  it.each([
    ['a TimeoutError DOMException', timeoutDOMException, DeadlineExceeded],
    ['DeadlineExceeded', DeadlineExceeded, DeadlineExceeded],
    ['an AbortError DOMException', abortDOMException, Canceled],
    ['Canceled', Canceled, Canceled],
    ['a plain Error', new Error('x'), Canceled],
    ['an Error merely named TimeoutError', new TimeoutNamedError(), Canceled],
    ['a string', 'stop', Canceled],
  ])('maps a signal aborted with %s to its err, with the reason as cause', (_label, reason, want) => {
    const ac = new AbortController();
    const [ctx, cancel] = withSignal(background(), ac.signal);
    expect(ctx.err()).toBeUndefined();
    ac.abort(reason);
    expect(ctx.err()).toBe(want);
    expect(cause(ctx)).toBe(reason);
    expect(ctx.signal.reason).toBe(want);
    cancel();
  });

  it('maps abort() with no reason to Canceled, with the default AbortError as cause', () => {
    const ac = new AbortController();
    const [ctx] = withSignal(background(), ac.signal);
    ac.abort();
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(ac.signal.reason);
    expect((cause(ctx) as DOMException).name).toBe('AbortError');
  });

  it('maps AbortSignal.timeout() to DeadlineExceeded', async () => {
    const sig = AbortSignal.timeout(1);
    const [ctx, cancel] = withSignal(background(), sig);
    await new Promise((resolve) => sig.addEventListener('abort', resolve, { once: true }));
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(sig.reason);
    cancel();
  });

  it('from an already-aborted signal is born cancelled and adds no listener', () => {
    const ac = new AbortController();
    const why = new Error('before');
    ac.abort(why);
    const probe = probeListeners(ac.signal);
    const [ctx] = withSignal(background(), ac.signal);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    expect(ctx.signal.aborted).toBe(true);
    expect(probe.added()).toBe(0);
  });

  it("is cancelled by its parent with the parent's err and cause, removing its listener", () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    const [parent, cancelParent] = withCancelCause(background());
    const [ctx] = withSignal(parent, ac.signal);
    expect(probe.active()).toBe(1);
    const why = new Error('parent');
    cancelParent(why);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    expect(probe.active()).toBe(0);
    ac.abort(new Error('late'));
    expect(cause(ctx)).toBe(why);
  });

  it('removes its listener when its own cancel is called', () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    const [ctx, cancel] = withSignal(background(), ac.signal);
    expect(probe.active()).toBe(1);
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
    expect(probe.active()).toBe(0);
  });

  it('removes its listener when the signal aborts', () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    withSignal(background(), ac.signal);
    ac.abort();
    expect(probe.active()).toBe(0);
  });

  it('removes its listener when a deadline above it fires', () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    const [parent, cancelParent] = withTimeout(background(), 10);
    const [ctx] = withSignal(parent, ac.signal);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(probe.active()).toBe(0);
    cancelParent();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shares one listener between every context on one signal, removed with the last', () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    const cancels = Array.from({ length: 50 }, () => withSignal(background(), ac.signal)[1]);
    expect(probe.active()).toBe(1);
    expect(probe.added()).toBe(1);
    for (let i = 0; i < 49; i++) cancels[i]!();
    expect(probe.active()).toBe(1);
    cancels[49]!();
    expect(probe.active()).toBe(0);
    // A new context on the same signal registers again.
    const [, cancel] = withSignal(background(), ac.signal);
    expect(probe.active()).toBe(1);
    cancel();
    expect(probe.active()).toBe(0);
  });

  it('cancels every context on the signal, each with its subtree only', () => {
    const ac = new AbortController();
    const [root, cancelRoot] = withCancel(background());
    const [a] = withSignal(root, ac.signal);
    const [b] = withSignal(background(), ac.signal);
    const [a1] = withCancel(a);
    const [sibling, cancelSibling] = withCancel(root);
    ac.abort('bye');
    expect([a.err(), b.err(), a1.err()]).toEqual([Canceled, Canceled, Canceled]);
    expect(cause(a1)).toBe('bye');
    expect(root.err()).toBeUndefined();
    expect(sibling.err()).toBeUndefined();
    expect(children(root)).toEqual([sibling]);
    cancelSibling();
    cancelRoot();
  });

  it('cancels every context on the signal before any of their abort listeners runs', () => {
    const ac = new AbortController();
    const [a] = withSignal(background(), ac.signal);
    const [b] = withSignal(background(), ac.signal);
    const [b1] = withCancel(b);
    let seen: unknown[] = [];
    a.signal.addEventListener('abort', () => (seen = [b.err(), b1.err()]));
    ac.abort();
    expect(seen).toEqual([Canceled, Canceled]);
  });

  it('is cancelled when its parent is already cancelled, without listening', () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    const [parent, cancel] = withCancel(background());
    cancel();
    const [ctx] = withSignal(parent, ac.signal);
    expect(ctx.err()).toBe(Canceled);
    expect(probe.added()).toBe(0);
  });

  it('keeps its own signal distinct from the one it follows', () => {
    const ac = new AbortController();
    const [ctx, cancel] = withSignal(background(), ac.signal);
    expect(ctx.signal).not.toBe(ac.signal);
    cancel();
    expect(ctx.signal.aborted).toBe(true);
    expect(ac.signal.aborted).toBe(false);
  });

  it('passes values through and describes itself as .WithSignal', () => {
    const k = createKey<number>('n');
    const ac = new AbortController();
    const [ctx, cancel] = withSignal(withValue(background(), k, 1), ac.signal);
    expect(ctx.value(k)).toBe(1);
    expect(String(ctx)).toBe('context.Background.WithValue(n, number).WithSignal');
    cancel();
  });
});
