import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Context,
  Canceled,
  background,
  cause,
  withCancel,
  withCancelCause,
  withDeadline,
  withSignal,
  withTimeout,
  withTimeoutCause,
} from '../../src/index.js';
import { probeListeners } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('CancelFunc [Symbol.dispose]', () => {
  it('is defined on every cancel function and cancels like calling it', () => {
    const ac = new AbortController();
    const made: Array<[Context, (() => void) & Disposable]> = [
      withCancel(background()),
      withCancelCause(background()),
      withDeadline(background(), Date.now() + 60_000),
      withTimeout(background(), 60_000),
      withTimeoutCause(background(), 60_000, 'c'),
      withSignal(background(), ac.signal),
    ];
    for (const [ctx, cancel] of made) {
      expect(typeof cancel[Symbol.dispose]).toBe('function');
      cancel[Symbol.dispose]();
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(Canceled);
    }
  });

  it('cancels the context at the end of a `using` block', () => {
    const [ctx, cancel] = withCancel(background());
    {
      using _release = cancel;
      expect(ctx.err()).toBeUndefined();
    }
    expect(ctx.err()).toBe(Canceled);
  });

  it('cancels the context when a `using` scope exits by an exception', () => {
    let seen: Context | undefined;
    const work = () => {
      const [ctx, cancel] = withCancel(background());
      using _release = cancel;
      seen = ctx;
      throw new Error('work failed');
    };
    expect(work).toThrow('work failed');
    expect(seen!.err()).toBe(Canceled);
  });

  it('clears the timer of a deadline context at the end of a `using` block', () => {
    vi.useFakeTimers();
    {
      const [ctx, cancel] = withTimeout(background(), 1_000);
      using _release = cancel;
      expect(vi.getTimerCount()).toBe(1);
      expect(ctx.err()).toBeUndefined();
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes the signal listener of withSignal at the end of a `using` block', () => {
    const ac = new AbortController();
    const probe = probeListeners(ac.signal);
    {
      using _release = withSignal(background(), ac.signal)[1];
      expect(probe.active()).toBe(1);
    }
    expect(probe.active()).toBe(0);
  });

  it('disposes a CancelCauseFunc with cause Canceled', () => {
    const [ctx, cancel] = withCancelCause(background());
    {
      using _release = cancel;
    }
    expect(cause(ctx)).toBe(Canceled);
  });

  it('is idempotent and does not override an earlier cancellation', () => {
    const [ctx, cancel] = withCancelCause(background());
    const why = new Error('first');
    {
      using _release = cancel;
      cancel(why);
    }
    expect(cause(ctx)).toBe(why);
    cancel[Symbol.dispose]();
    expect(cause(ctx)).toBe(why);
  });

  it('disposes several contexts in reverse order of declaration', () => {
    const order: string[] = [];
    {
      const [a, cancelA] = withCancel(background());
      const [b, cancelB] = withCancel(background());
      a.signal.addEventListener('abort', () => order.push('a'));
      b.signal.addEventListener('abort', () => order.push('b'));
      using _a = cancelA;
      using _b = cancelB;
    }
    expect(order).toEqual(['b', 'a']);
  });
});
