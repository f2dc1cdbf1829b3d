import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Context,
  Canceled,
  DeadlineExceeded,
  background,
  cause,
  withCancel,
  withCancelCause,
  withDeadlineCause,
  withSignal,
  withTimeout,
  withTimeoutCause,
  withValue,
  withoutCancel,
} from '../../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

const e1 = new Error('cause one');
const e2 = new Error('cause two');

interface Case {
  name: string;
  /** Builds the contexts, runs the steps and returns the context to check. */
  run(): Context;
  err: Error | undefined;
  cause: unknown;
}

// Table-driven like Go's TestCause. Timers are faked for every case.
const cases: Case[] = [
  {
    name: 'a live context has no err and no cause',
    run: () => withCancel(background())[0],
    err: undefined,
    cause: undefined,
  },
  {
    name: 'withCancel, cancelled',
    run: () => {
      const [ctx, cancel] = withCancel(background());
      cancel();
      return ctx;
    },
    err: Canceled,
    cause: Canceled,
  },
  {
    name: 'withCancelCause, cancel(e)',
    run: () => {
      const [ctx, cancel] = withCancelCause(background());
      cancel(e1);
      return ctx;
    },
    err: Canceled,
    cause: e1,
  },
  ...([
    ['cancel()', (c: (x?: unknown) => void) => c()],
    ['cancel(undefined)', (c: (x?: unknown) => void) => c(undefined)],
    ['cancel(null)', (c: (x?: unknown) => void) => c(null)],
  ] as const).map(
    ([label, call]): Case => ({
      name: `withCancelCause, ${label} makes the cause Canceled`,
      run: () => {
        const [ctx, cancel] = withCancelCause(background());
        call(cancel);
        return ctx;
      },
      err: Canceled,
      cause: Canceled,
    }),
  ),
  ...([0, '', false, Number.NaN] as const).map(
    (v): Case => ({
      name: `withCancelCause, cancel(${String(v) || "''"}) keeps that falsy cause`,
      run: () => {
        const [ctx, cancel] = withCancelCause(background());
        cancel(v);
        return ctx;
      },
      err: Canceled,
      cause: v,
    }),
  ),
  {
    name: 'parent cancelled with a cause: the child takes it',
    run: () => {
      const [parent, cancel] = withCancelCause(background());
      const [child] = withCancel(parent);
      cancel(e1);
      return child;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'child cancelled with a cause before the parent keeps its own',
    run: () => {
      const [parent, cancelParent] = withCancelCause(background());
      const [child, cancelChild] = withCancelCause(parent);
      cancelChild(e1);
      cancelParent(e2);
      return child;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: "parent cancelled first: the child's later cancel(e) changes nothing",
    run: () => {
      const [parent, cancelParent] = withCancelCause(background());
      const [child, cancelChild] = withCancelCause(parent);
      cancelParent(e1);
      cancelChild(e2);
      return child;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'the second cancel(e) of one context changes nothing',
    run: () => {
      const [ctx, cancel] = withCancelCause(background());
      cancel(e1);
      cancel(e2);
      return ctx;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'derived from a parent already cancelled with a cause',
    run: () => {
      const [parent, cancel] = withCancelCause(background());
      cancel(e1);
      return withCancel(parent)[0];
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'withTimeoutCause fires with its cause',
    run: () => {
      const [ctx] = withTimeoutCause(background(), 10, e1);
      vi.advanceTimersByTime(10);
      return ctx;
    },
    err: DeadlineExceeded,
    cause: e1,
  },
  {
    name: 'withTimeoutCause with a null cause fires with DeadlineExceeded',
    run: () => {
      const [ctx] = withTimeoutCause(background(), 10, null);
      vi.advanceTimersByTime(10);
      return ctx;
    },
    err: DeadlineExceeded,
    cause: DeadlineExceeded,
  },
  {
    name: 'withTimeout fires with cause DeadlineExceeded',
    run: () => {
      const [ctx] = withTimeout(background(), 10);
      vi.advanceTimersByTime(10);
      return ctx;
    },
    err: DeadlineExceeded,
    cause: DeadlineExceeded,
  },
  {
    name: 'withDeadlineCause with a past deadline is born expired with its cause',
    run: () => withDeadlineCause(background(), Date.now() - 1, e1)[0],
    err: DeadlineExceeded,
    cause: e1,
  },
  {
    name: 'withTimeoutCause cancelled by hand before the deadline: Canceled, not its cause',
    run: () => {
      const [ctx, cancel] = withTimeoutCause(background(), 10, e1);
      cancel();
      vi.advanceTimersByTime(10);
      return ctx;
    },
    err: Canceled,
    cause: Canceled,
  },
  {
    name: "withTimeoutCause below a parent cancelled with a cause: the parent's",
    run: () => {
      const [parent, cancel] = withCancelCause(background());
      const [ctx] = withTimeoutCause(parent, 10, e2);
      cancel(e1);
      return ctx;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: "withCancelCause below a parent whose deadline fired: the parent's DeadlineExceeded",
    run: () => {
      const [parent] = withTimeout(background(), 10);
      const [ctx] = withCancelCause(parent);
      vi.advanceTimersByTime(10);
      return ctx;
    },
    err: DeadlineExceeded,
    cause: DeadlineExceeded,
  },
  {
    name: "withTimeoutCause below a parent with a strictly earlier deadline fires with the parent's cause",
    run: () => {
      const [parent] = withTimeoutCause(background(), 10, e1);
      const [ctx] = withTimeoutCause(parent, 20, e2);
      vi.advanceTimersByTime(20);
      return ctx;
    },
    err: DeadlineExceeded,
    cause: e1,
  },
  {
    name: 'a value context reports the cause of the context below it',
    run: () => {
      const [parent, cancel] = withCancelCause(background());
      cancel(e1);
      return withValue(parent, 'k', 'v');
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'withoutCancel of a cancelled parent has no err and no cause',
    run: () => {
      const [parent, cancel] = withCancelCause(background());
      cancel(e1);
      return withoutCancel(parent);
    },
    err: undefined,
    cause: undefined,
  },
  {
    name: 'withSignal aborted with a reason: that reason',
    run: () => {
      const ac = new AbortController();
      const [ctx] = withSignal(background(), ac.signal);
      ac.abort(e1);
      return ctx;
    },
    err: Canceled,
    cause: e1,
  },
  {
    name: 'background has no cause',
    run: () => background(),
    err: undefined,
    cause: undefined,
  },
];

describe('cause', () => {
  it.each(cases)('$name', (c) => {
    vi.useFakeTimers();
    const ctx = c.run();
    expect(ctx.err()).toBe(c.err);
    expect(Object.is(cause(ctx), c.cause)).toBe(true);
    // Every case ends cancelled or timerless: nothing is left armed.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is undefined while the context is live even if a cause was prepared', () => {
    const [ctx, cancel] = withTimeoutCause(background(), 60_000, e1);
    expect(cause(ctx)).toBeUndefined();
    cancel();
  });
});
