import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  DeadlineExceeded,
  background,
  todo,
  withCancel,
  withCancelCause,
  withDeadline,
  withSignal,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { UserCtx, cc } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Context.signal', () => {
  it('is not created until first read, even by cancellation', () => {
    const [parent, cancelParent] = withCancel(background());
    const [ctx, cancel] = withCancel(parent);
    withCancel(ctx);
    expect(cc(ctx)._ctrl).toBeUndefined();
    cancelParent();
    expect(cc(parent)._ctrl).toBeUndefined();
    expect(cc(ctx)._ctrl).toBeUndefined();
    cancel();
  });

  it('is not created by deriving children, values, afterFunc or a deadline', () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 100);
    withValue(ctx, 'k', 1);
    withCancel(ctx);
    withDeadline(ctx, Date.now() + 10);
    vi.advanceTimersByTime(100);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cc(ctx)._ctrl).toBeUndefined();
    cancel();
  });

  it('is the same object on every read, before and after cancellation', () => {
    const [ctx, cancel] = withCancel(background());
    const s = ctx.signal;
    expect(ctx.signal).toBe(s);
    cancel();
    expect(ctx.signal).toBe(s);
  });

  it('aborts with reason === err()', () => {
    const [a, cancelA] = withCancelCause(background());
    const sa = a.signal;
    cancelA(new Error('cause is not the reason'));
    expect(sa.reason).toBe(a.err());
    expect(sa.reason).toBe(Canceled);

    vi.useFakeTimers();
    const [b, cancelB] = withTimeout(background(), 1);
    const sb = b.signal;
    vi.advanceTimersByTime(1);
    expect(sb.reason).toBe(DeadlineExceeded);
    cancelB();
  });

  it("carries a user-written parent's own err as its reason", () => {
    const parent = new UserCtx();
    const [ctx, cancel] = withCancel(parent);
    const s = ctx.signal;
    const err = new Error('custom');
    parent.cancel(err);
    expect(s.reason).toBe(err);
    cancel();
  });

  it('is pre-aborted with err() on first read after cancellation', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [ctx] = withCancel(parent);
    cancelParent(new Error('x'));
    const s = ctx.signal;
    expect(s.aborted).toBe(true);
    expect(s.reason).toBe(Canceled);
    expect(withTimeout(background(), -1)[0].signal.reason).toBe(DeadlineExceeded);
  });

  it('is a distinct aborted signal per cancelled context, never a shared one', () => {
    const [a, cancelA] = withCancel(background());
    const [b, cancelB] = withCancel(background());
    cancelA();
    cancelB();
    expect(a.signal).not.toBe(b.signal);
  });

  it('never aborts for background, todo and withoutCancel', () => {
    const [parent, cancel] = withCancel(background());
    const detached = withoutCancel(parent);
    const sigs = [background().signal, todo().signal, detached.signal];
    cancel();
    for (const s of sigs) expect(s.aborted).toBe(false);
    expect(background().signal).toBe(sigs[0]);
    expect(todo().signal).toBe(sigs[1]);
    expect(background().signal).not.toBe(todo().signal);
  });

  it('is aborted whenever err() is set, by the time cancel() returns, for every kind of context', () => {
    const ac = new AbortController();
    const [root, cancelRoot] = withCancel(background());
    const kids = [withCancel(root)[0], withTimeout(root, 60_000)[0], withSignal(root, ac.signal)[0], withValue(root, 'k', 1)];
    const sigs = kids.map((k) => k.signal);
    cancelRoot();
    expect(kids.map((k) => k.err())).toEqual([Canceled, Canceled, Canceled, Canceled]);
    expect(sigs.map((s) => s.aborted)).toEqual([true, true, true, true]);
  });
});
