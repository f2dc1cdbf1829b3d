import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  afterFunc,
  background,
  cause,
  createKey,
  sleep,
  withCancel,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { run } from '../../src/sync/index.js';
import { deferred, flush, registrations, track, useFakeClock } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('run: the four guarantees', () => {
  it('1. gives every fn the same derived context, carrying the parent values', async () => {
    const key = createKey<string>('request');
    const parent = withValue(background(), key, 'r-1');
    const seen: Context[] = [];
    const fn = (ctx: Context) => {
      seen.push(ctx);
    };
    await run(parent, fn, fn, fn);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).not.toBe(parent);
    expect(seen[0]!.value(key)).toBe('r-1');
  });

  it('2. cancels the siblings on the first error: run settles at ~10 ms, not at the 1 s sibling', async () => {
    useFakeClock();
    const t0 = Date.now();
    const events: string[] = [];
    const boom = new Error('A failed');
    let shared: Context | undefined;
    const done = run(
      background(),
      async (ctx) => {
        shared = ctx;
        await sleep(ctx, 10);
        events.push(`A fails @${Date.now() - t0}`);
        throw boom;
      },
      async (ctx) => {
        try {
          await sleep(ctx, 1000);
          events.push('B finished');
        } catch (err) {
          events.push(`B stopped: ${(err as Error).message} @${Date.now() - t0}`);
          throw err;
        }
      },
    ).then(
      () => events.push('run resolved'),
      (err: unknown) => events.push(`run rejected: ${(err as Error).message} @${Date.now() - t0}`),
    );
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(events).toEqual(['A fails @10', 'B stopped: context canceled @10', 'run rejected: A failed @10']);
    expect(cause(shared!)).toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('3. settles only after every fn has settled, with the derived context cancelled by then', async () => {
    const slow = deferred();
    let captured: Context | undefined;
    let slowSettled = false;
    const r = track(
      run(
        background(),
        async (ctx) => {
          captured = ctx; // a "goroutine" that keeps the context
          await slow.promise;
          slowSettled = true;
        },
        async () => {},
      ),
    );
    await flush();
    expect(r.state).toBe('pending');
    expect(captured!.err()).toBeUndefined();
    slow.resolve();
    await flush();
    expect(slowSettled).toBe(true);
    expect(r.state).toBe('fulfilled');
    expect(captured!.err()).toBe(Canceled);
    expect(captured!.signal.aborted).toBe(true);
  });

  it('3. (failure) rejects only after the fn that ignores cancellation has settled', async () => {
    const stubborn = deferred();
    const boom = new Error('boom');
    const r = track(
      run(
        background(),
        () => stubborn.promise,
        () => Promise.reject(boom),
      ),
    );
    await flush();
    expect(r.state).toBe('pending');
    stubborn.resolve();
    await flush();
    expect(r.state).toBe('rejected');
    expect(r.value).toBe(boom);
  });

  it('4. rejects with ctx.err() without calling anything when ctx is already cancelled', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const fn = vi.fn();
    await expect(run(ctx, fn, fn)).rejects.toBe(Canceled);
    expect(fn).not.toHaveBeenCalled();

    const [late, cancelLate] = withTimeout(background(), -1);
    await expect(run(late, fn)).rejects.toBe(DeadlineExceeded);
    expect(fn).not.toHaveBeenCalled();
    cancelLate();
  });
});

describe('run: edges', () => {
  it('resolves with no fns on a live context, and rejects with no fns on a cancelled one', async () => {
    await expect(run(background())).resolves.toBeUndefined();
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(run(ctx)).rejects.toBe(Canceled);
  });

  it('calls the fns synchronously and in order', () => {
    const log: number[] = [];
    const p = run(
      background(),
      () => log.push(1),
      () => log.push(2),
      () => log.push(3),
    );
    expect(log).toEqual([1, 2, 3]);
    return p;
  });

  it('still calls the later fns after an earlier one throws synchronously, with the context already cancelled', async () => {
    const boom = new Error('boom');
    const errs: Array<Error | undefined> = [];
    await expect(
      run(
        background(),
        () => {
          throw boom;
        },
        (ctx) => {
          errs.push(ctx.err());
        },
      ),
    ).rejects.toBe(boom);
    expect(errs).toEqual([Canceled]);
  });

  it('is cancelled by its parent: fns see the parent err and cause', async () => {
    const [parent, cancel] = withCancel(background());
    const r = track(
      run(parent, async (ctx) => {
        await sleep(ctx, Infinity);
      }),
    );
    cancel();
    await flush();
    expect(r.state).toBe('rejected');
    expect(r.value).toBe(Canceled);
  });

  it('leaves nothing registered on a long-lived parent', async () => {
    const [parent, cancel] = withCancel(background());
    for (let i = 0; i < 1000; i++) {
      await run(
        parent,
        async (ctx) => {
          afterFunc(ctx, () => {});
        },
        async () => {},
      );
    }
    expect(registrations(parent)).toBe(0);
    cancel();
  });

  it('throws a TypeError, calling nothing, for a bad context or a fn that is not a function', () => {
    const fn = vi.fn();
    expect(() => run(undefined as never, fn)).toThrow(TypeError);
    expect(() => run(background(), fn, 'nope' as never)).toThrow(/fns\[1\]/);
    expect(fn).not.toHaveBeenCalled();
  });
});
