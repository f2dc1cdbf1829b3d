import { afterEach, describe, expect, it, vi } from 'vitest';
import { Canceled, type Context, background, cause, createKey, sleep, withCancel, withCancelCause, withValue } from '../../src/index.js';
import { Group } from '../../src/sync/index.js';
import { collectUnhandled, deferred, flush, registrations, ticks, track, useFakeClock } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

const errDoom = new Error('group_test: doomed');

/** A task that fails with `err` (as a rejection), or succeeds if err is undefined. */
function result(err: Error | undefined): () => Promise<void> {
  return async () => {
    if (err !== undefined) throw err;
  };
}

describe('Group: x/sync errgroup behaviours', () => {
  it('reports the first error of a zero group after every prefix of tasks (TestZeroGroup)', async () => {
    const err1 = new Error('errgroup_test: 1');
    const err2 = new Error('errgroup_test: 2');
    const cases: Array<Array<Error | undefined>> = [[], [undefined], [err1], [err1, undefined], [err1, undefined, err2]];
    for (const errs of cases) {
      const g = new Group();
      let firstErr: Error | undefined;
      for (const err of errs) {
        void g.go(result(err));
        if (firstErr === undefined && err !== undefined) firstErr = err;
        const got = await g.wait().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(got).toBe(firstErr);
      }
    }
  });

  it('cancels the context after wait, with or without an error (TestWithContext)', async () => {
    const cases: Array<{ errs: Array<Error | undefined>; want: Error | undefined }> = [
      { errs: [], want: undefined },
      { errs: [undefined], want: undefined },
      { errs: [errDoom], want: errDoom },
      { errs: [errDoom, undefined], want: errDoom },
    ];
    for (const tc of cases) {
      const [g, ctx] = Group.withContext(background());
      for (const err of tc.errs) void g.go(result(err));
      const got = await g.wait().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(got).toBe(tc.want);
      expect(ctx.err()).toBe(Canceled);
      expect(ctx.signal.aborted).toBe(true);
    }
  });

  it('sets the context cause to the first error, or Canceled on success (TestCancelCause)', async () => {
    const cases: Array<{ errs: Array<Error | undefined>; want: Error | undefined }> = [
      { errs: [], want: undefined },
      { errs: [undefined], want: undefined },
      { errs: [errDoom], want: errDoom },
      { errs: [errDoom, undefined], want: errDoom },
    ];
    for (const tc of cases) {
      const [g, ctx] = Group.withContext(background());
      for (const err of tc.errs) expect(g.tryGo(result(err))).toBe(true);
      const got = await g.wait().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(got).toBe(tc.want);
      expect(cause(ctx)).toBe(tc.want ?? Canceled);
    }
  });

  it('lets tryGo start tasks up to the limit, then refuses until they finish (TestTryGo)', async () => {
    const g = new Group();
    const n = 42;
    g.setLimit(n);
    let gate = deferred();
    const fn = () => gate.promise;
    for (let i = 0; i < n; i++) expect(g.tryGo(fn), `TryGo #${i}`).toBe(true);
    expect(g.tryGo(fn)).toBe(false);
    gate.resolve();
    await g.wait();

    gate = deferred();
    expect(g.tryGo(fn)).toBe(true);
    gate.resolve();
    await g.wait();

    // Switch limit.
    g.setLimit(1);
    gate = deferred();
    expect(g.tryGo(fn)).toBe(true);
    expect(g.tryGo(fn)).toBe(false);
    gate.resolve();
    await g.wait();

    // Block all calls.
    g.setLimit(0);
    for (let i = 0; i < 1 << 10; i++) expect(g.tryGo(fn)).toBe(false);
    await g.wait();
  });

  it('never runs more tasks at once than the limit (TestGoLimit)', async () => {
    const limit = 10;
    const g = new Group();
    g.setLimit(limit);
    let active = 0;
    let peak = 0;
    for (let i = 0; i <= 1 << 10; i++) {
      void g.go(async () => {
        active++;
        peak = Math.max(peak, active);
        if (active > limit) throw new Error(`saw ${active} active tasks; want <= ${limit}`);
        // Give the other tasks a chance to increment active.
        for (let k = 0; k < (i % 7) + 1; k++) await Promise.resolve();
        active--;
      });
    }
    await g.wait();
    expect(peak).toBe(limit);
    expect(active).toBe(0);
  });

  it('returns the results of a parallel search in order (ExampleGroup_parallel)', async () => {
    const fakeSearch = (kind: string) => async (_ctx: Context, query: string) => `${kind} result for "${query}"`;
    const searches = [fakeSearch('web'), fakeSearch('image'), fakeSearch('video')];
    async function google(ctx: Context, query: string): Promise<string[]> {
      const [g, gctx] = Group.withContext(ctx);
      const results: string[] = new Array(searches.length);
      searches.forEach((search, i) => {
        void g.go(async () => {
          results[i] = await search(gctx, query);
        });
      });
      await g.wait();
      return results;
    }
    expect(await google(background(), 'golang')).toEqual(['web result for "golang"', 'image result for "golang"', 'video result for "golang"']);
  });
});

describe('Group: first-error cancellation', () => {
  it('stops ctx-honouring siblings at once and settles wait with the failing error long before the slowest sibling', async () => {
    useFakeClock();
    const t0 = Date.now();
    const events: string[] = [];
    const at = () => Date.now() - t0;
    const [g, gctx] = Group.withContext(background());
    for (const name of ['a', 'b']) {
      void g.go(async (ctx) => {
        try {
          await sleep(ctx, 200);
          events.push(`${name} finished @${at()}`);
        } catch (err) {
          events.push(`${name} stopped (${(err as Error).message}) @${at()}`);
          throw err;
        }
      });
    }
    const failure = new Error('c failed');
    void g.go(async (ctx) => {
      await sleep(ctx, 50);
      events.push(`c fails @${at()}`);
      throw failure;
    });
    const w = g.wait().then(
      () => events.push(`wait resolved @${at()}`),
      (err: unknown) => events.push(`wait rejected: ${(err as Error).message} @${at()}`),
    );
    await vi.advanceTimersByTimeAsync(49);
    expect(events).toEqual([]);
    expect(gctx.err()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await w;
    expect(events).toEqual([
      'c fails @50',
      'a stopped (context canceled) @50',
      'b stopped (context canceled) @50',
      'wait rejected: c failed @50',
    ]);
    expect(cause(gctx)).toBe(failure);
    expect(gctx.err()).toBe(Canceled);
    // Nothing is left to fire: the siblings' timers went with them.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels the siblings with the failing error as cause(ctx), synchronously on the failure', async () => {
    const [g, gctx] = Group.withContext(background());
    const seen: unknown[] = [];
    void g.go(async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      seen.push(cause(ctx), ctx.err());
    });
    const boom = new Error('boom');
    const fail = deferred();
    void g.go(() => fail.promise);
    fail.reject(boom);
    await expect(g.wait()).rejects.toBe(boom);
    expect(seen).toEqual([boom, Canceled]);
    expect(cause(gctx)).toBe(boom);
  });

  it('treats a synchronous throw exactly like a rejection, never throwing from go()', async () => {
    const [g, gctx] = Group.withContext(background());
    const boom = new Error('sync boom');
    let p: Promise<void> | undefined;
    expect(() => {
      p = g.go(() => {
        throw boom;
      });
    }).not.toThrow();
    await expect(p).resolves.toBeUndefined();
    expect(gctx.err()).toBe(Canceled);
    expect(cause(gctx)).toBe(boom);
    await expect(g.wait()).rejects.toBe(boom);
    expect(g.tryGo(() => {
      throw new Error('later');
    })).toBe(true);
  });

  it('ignores errors after the first, whichever way they fail', async () => {
    const g = new Group();
    const first = new Error('first');
    const gate = deferred();
    void g.go(async () => {
      await gate.promise;
      throw new Error('second (async)');
    });
    void g.go(() => {
      throw first;
    });
    void g.go(() => {
      throw new Error('third (sync)');
    });
    gate.resolve();
    await expect(g.wait()).rejects.toBe(first);
    await expect(g.wait()).rejects.toBe(first);
  });

  it('reports a thrown non-Error value as the error, and cancels with Canceled as cause for undefined', async () => {
    const [g, gctx] = Group.withContext(background());
    void g.go(() => Promise.reject(undefined));
    const got = await g.wait().then(
      () => 'resolved',
      (e: unknown) => ['rejected', e],
    );
    expect(got).toEqual(['rejected', undefined]);
    expect(cause(gctx)).toBe(Canceled);

    const [g2, ctx2] = Group.withContext(background());
    void g2.go(() => {
      throw 'a string';
    });
    await expect(g2.wait()).rejects.toBe('a string');
    expect(cause(ctx2)).toBe('a string');
  });
});

describe('Group: tasks and their context', () => {
  it('calls fn synchronously when a slot is free, before go() returns', () => {
    const g = new Group();
    const log: string[] = [];
    const p = g.go(async () => {
      log.push('sync part');
      await Promise.resolve();
      log.push('async part');
    });
    log.push('go returned');
    expect(log).toEqual(['sync part', 'go returned']);
    expect(p).toBeInstanceOf(Promise);
  });

  it('passes background() to tasks of a group made with new Group()', async () => {
    const g = new Group();
    let got: Context | undefined;
    void g.go((ctx) => {
      got = ctx;
    });
    await g.wait();
    expect(got).toBe(background());
  });

  it('passes every task the same derived context, carrying the parent values, and cancels it with the parent', async () => {
    const key = createKey<string>('k');
    const [parent, cancelParent] = withCancel(withValue(background(), key, 'v'));
    const [g, gctx] = Group.withContext(parent);
    const seen: Context[] = [];
    const gate = deferred();
    for (let i = 0; i < 3; i++) {
      void g.go(async (ctx) => {
        seen.push(ctx);
        await gate.promise;
      });
    }
    expect(seen).toEqual([gctx, gctx, gctx]);
    expect(gctx.value(key)).toBe('v');
    cancelParent();
    expect(gctx.err()).toBe(Canceled);
    gate.resolve();
    await g.wait();
  });

  it('gives tasks a cancelled context when the parent is already cancelled', async () => {
    const [parent, cancel] = withCancelCause(background());
    const why = new Error('parent gone');
    cancel(why);
    const [g, gctx] = Group.withContext(parent);
    expect(gctx.err()).toBe(Canceled);
    let err: unknown;
    void g.go((ctx) => {
      err = ctx.err();
    });
    await g.wait();
    expect(err).toBe(Canceled);
    expect(cause(gctx)).toBe(why);
  });

  it('ignores return values: a task returning an Error succeeds', async () => {
    const [g, gctx] = Group.withContext(background());
    void g.go(() => new Error('returned, not thrown'));
    void g.go(async () => new Error('resolved, not rejected'));
    await expect(g.wait()).resolves.toBeUndefined();
    expect(cause(gctx)).toBe(Canceled);
  });

  it('waits for thenables that are not native promises', async () => {
    const g = new Group();
    let settle!: (v: unknown) => void;
    let fail!: (e: unknown) => void;
    const thenable = {
      then(onOk: (v: unknown) => void, onErr: (e: unknown) => void) {
        settle = onOk;
        fail = onErr;
      },
    };
    void g.go(() => thenable);
    const w = track(g.wait());
    await flush();
    expect(w.state).toBe('pending');
    const boom = new Error('thenable failed');
    fail(boom);
    settle(1);
    await flush();
    expect(w.state).toBe('rejected');
    expect(w.value).toBe(boom);
  });

  it('treats a task whose then getter throws as failed', async () => {
    const g = new Group();
    const boom = new Error('getter');
    void g.go(() => ({
      get then() {
        throw boom;
      },
    }));
    await expect(g.wait()).rejects.toBe(boom);
  });

  it('throws a TypeError for a task that is not a function, from go and tryGo', () => {
    const g = new Group();
    expect(() => g.go(42 as never)).toThrow(TypeError);
    expect(() => g.go(undefined as never)).toThrow(/argument "fn" must be a function/);
    expect(() => g.tryGo(null as never)).toThrow(TypeError);
  });

  it('throws a TypeError from withContext for a missing or invalid parent', () => {
    expect(() => Group.withContext(undefined as never)).toThrow(TypeError);
    expect(() => Group.withContext({} as never)).toThrow(/must be a Context/);
  });
});

describe('Group: wait()', () => {
  it('settles only after every task, including those queued behind the limit, has settled', async () => {
    const g = new Group();
    g.setLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    gates.forEach((d, i) => {
      void g.go(async () => {
        started.push(i);
        await d.promise;
      });
    });
    const w = track(g.wait());
    expect(started).toEqual([0, 1]);
    gates[0]!.resolve();
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(w.state).toBe('pending');
    gates[3]!.resolve();
    await flush();
    expect(w.state).toBe('pending');
    gates[2]!.resolve();
    await flush();
    expect(w.state).toBe('fulfilled');
  });

  it('rejects only after every task has settled, even when the first task fails at once', async () => {
    const [g] = Group.withContext(background());
    const slow = deferred();
    let slowDone = false;
    void g.go(async () => {
      await slow.promise; // ignores its context
      slowDone = true;
    });
    const boom = new Error('boom');
    void g.go(() => Promise.reject(boom));
    const w = track(g.wait());
    await flush();
    expect(w.state).toBe('pending');
    slow.resolve();
    await flush();
    expect(slowDone).toBe(true);
    expect(w.state).toBe('rejected');
    expect(w.value).toBe(boom);
  });

  it('returns the same promise to every caller of one round', async () => {
    const g = new Group();
    const gate = deferred();
    void g.go(() => gate.promise);
    const a = g.wait();
    const b = g.wait();
    expect(a).toBe(b);
    gate.resolve();
    await a;
  });

  it('settles at once on an idle group, and cancels its context then', async () => {
    const [g, gctx] = Group.withContext(background());
    expect(gctx.err()).toBeUndefined();
    await g.wait();
    expect(gctx.err()).toBe(Canceled);
    expect(cause(gctx)).toBe(Canceled);
  });

  it('does not cancel the context on success until wait() is called', async () => {
    const [g, gctx] = Group.withContext(background());
    void g.go(async () => {});
    await flush();
    expect(gctx.err()).toBeUndefined();
    await g.wait();
    expect(gctx.err()).toBe(Canceled);
  });

  it('unlinks the group context from a long-lived parent when it ends', async () => {
    const [parent, cancel] = withCancel(background());
    for (let i = 0; i < 100; i++) {
      const [g] = Group.withContext(parent);
      void g.go(async () => {});
      await g.wait();
    }
    expect(registrations(parent)).toBe(0);
    cancel();
  });

  it('keeps the first error across rounds of a reused group', async () => {
    const g = new Group();
    const boom = new Error('boom');
    void g.go(() => Promise.reject(boom));
    await expect(g.wait()).rejects.toBe(boom);
    void g.go(async () => {});
    await expect(g.wait()).rejects.toBe(boom);
  });
});

describe('Group: setLimit and the queue', () => {
  it('resolves go() once the task has started, so awaiting go() gives back-pressure', async () => {
    const g = new Group();
    g.setLimit(1);
    const first = deferred();
    const log: string[] = [];
    await g.go(async () => {
      log.push('first started');
      await first.promise;
      log.push('first done');
    });
    const second = g.go(() => {
      log.push('second started');
    });
    const s = track(second);
    await flush();
    expect(s.state).toBe('pending');
    expect(log).toEqual(['first started']);
    first.resolve();
    await second;
    expect(log).toEqual(['first started', 'first done', 'second started']);
    await g.wait();
  });

  it('starts queued calls in order, before a later tryGo can take the freed slot', async () => {
    const g = new Group();
    g.setLimit(1);
    const gate = deferred();
    const log: string[] = [];
    void g.go(async () => {
      await gate.promise;
      log.push('0 done');
    });
    for (const name of ['1', '2', '3']) {
      void g.go(() => {
        log.push(`${name} started`);
      });
    }
    expect(g.tryGo(() => log.push('tryGo ran'))).toBe(false);
    gate.resolve();
    await flush();
    expect(log).toEqual(['0 done', '1 started', '2 started', '3 started']);
    expect(g.tryGo(() => log.push('tryGo ran'))).toBe(true);
    expect(log.at(-1)).toBe('tryGo ran');
    await g.wait();
  });

  it('keeps the slot for the queue when a slot frees: tryGo in the same tick still fails', async () => {
    const g = new Group();
    g.setLimit(1);
    const gates = [deferred(), deferred()];
    void g.go(() => gates[0]!.promise);
    void g.go(() => gates[1]!.promise);
    gates[0]!.resolve();
    await flush();
    expect(g.tryGo(() => {})).toBe(false);
    gates[1]!.resolve();
    await flush();
    expect(g.tryGo(() => {})).toBe(true);
    await g.wait();
  });

  it('still starts queued calls after the group context is cancelled, passing the cancelled context', async () => {
    const [g, gctx] = Group.withContext(background());
    g.setLimit(1);
    const boom = new Error('boom');
    const gate = deferred();
    void g.go(async () => {
      await gate.promise;
      throw boom;
    });
    const seen: Array<Error | undefined> = [];
    const started = g.go((ctx) => {
      expect(ctx).toBe(gctx);
      seen.push(ctx.err());
    });
    gate.resolve();
    await started;
    expect(seen).toEqual([Canceled]);
    await expect(g.wait()).rejects.toBe(boom);
  });

  it('counts queued calls as active: setLimit throws while any task is running or queued', async () => {
    const g = new Group();
    g.setLimit(1);
    const gate = deferred();
    void g.go(() => gate.promise);
    void g.go(() => {});
    expect(() => g.setLimit(5)).toThrow(/modify limit while 2 tasks in the group are still active/);
    expect(() => g.setLimit(-1)).toThrow(Error);
    gate.resolve();
    await g.wait();
    expect(() => g.setLimit(5)).not.toThrow();
  });

  it('throws from setLimit while unlimited tasks are running', async () => {
    const g = new Group();
    const gate = deferred();
    void g.go(() => gate.promise);
    expect(() => g.setLimit(3)).toThrow(/still active/);
    gate.resolve();
    await g.wait();
  });

  it('never starts fn under setLimit(0): go() stays pending and tryGo is false', async () => {
    const g = new Group();
    g.setLimit(0);
    const fn = vi.fn();
    const p = track(g.go(fn));
    expect(g.tryGo(fn)).toBe(false);
    await flush();
    expect(p.state).toBe('pending');
    expect(fn).not.toHaveBeenCalled();
  });

  it('counts a go() call blocked by setLimit(0) as active: setLimit throws while it exists', () => {
    const g = new Group();
    g.setLimit(0);
    void g.go(() => {});
    expect(() => g.setLimit(1)).toThrow(/modify limit while 1 tasks in the group are still active/);
    expect(() => g.setLimit(-1)).toThrow(/still active/);
    void g.go(() => {});
    expect(() => g.setLimit(0)).toThrow(/modify limit while 2 tasks/);
    expect(g.tryGo(() => {})).toBe(false);
  });

  it('keeps wait() pending while a go() call is blocked by setLimit(0), even after the context is cancelled', async () => {
    useFakeClock();
    const boom = new Error('an earlier round failed');
    const [parent, cancelParent] = withCancel(background());
    const fn = vi.fn();
    const reasons = await collectUnhandled(async () => {
      // An earlier failure stays recorded, but wait() must not report it
      // while a blocked call is still part of the round.
      const failed = new Group();
      void failed.go(() => Promise.reject(boom));
      await expect(failed.wait()).rejects.toBe(boom);
      failed.setLimit(0);
      void failed.go(fn);
      const [g, gctx] = Group.withContext(parent);
      g.setLimit(0);
      void g.go(fn);
      const failedWait = track(failed.wait());
      const gWait = track(g.wait());
      await vi.advanceTimersByTimeAsync(60_000);
      await flush();
      expect(failedWait.state).toBe('pending');
      expect(gWait.state).toBe('pending');
      expect(gctx.err()).toBeUndefined(); // wait() has not ended the round
      // Cancellation does not start a blocked call (x/sync's Go stays
      // blocked too), so wait() still waits for it.
      cancelParent();
      await flush();
      expect(gctx.err()).toBe(Canceled);
      expect(gWait.state).toBe('pending');
      expect(fn).not.toHaveBeenCalled();
    });
    expect(reasons).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(registrations(parent)).toBe(0);
  });

  it('does not retain the fn of a go() call blocked by setLimit(0)', async () => {
    const g = new Group();
    g.setLimit(0);
    let ref: WeakRef<object> | undefined;
    (() => {
      const big = { payload: new Array(1000).fill(0) };
      ref = new WeakRef(big);
      void g.go(() => big.payload.length);
    })();
    // A WeakRef keeps its target alive until the current job ends.
    await flush();
    globalThis.gc!();
    expect(ref!.deref()).toBeUndefined();
    expect(() => g.setLimit(1)).toThrow(/still active/);
  });

  it('treats a negative limit or Infinity as no limit', async () => {
    for (const n of [-1, -100, -Infinity, Infinity]) {
      const g = new Group();
      g.setLimit(3);
      g.setLimit(n);
      const gate = deferred();
      for (let i = 0; i < 50; i++) expect(g.tryGo(() => gate.promise)).toBe(true);
      gate.resolve();
      await g.wait();
    }
  });

  it('validates the limit: RangeError for NaN and fractions, TypeError for non-numbers', () => {
    const g = new Group();
    expect(() => g.setLimit(NaN)).toThrow(RangeError);
    expect(() => g.setLimit(1.5)).toThrow(RangeError);
    expect(() => g.setLimit('3' as never)).toThrow(TypeError);
  });

  it('drains a long queue of synchronous tasks without growing the stack', async () => {
    const g = new Group();
    g.setLimit(1);
    const gate = deferred();
    void g.go(() => gate.promise);
    let ran = 0;
    for (let i = 0; i < 200_000; i++) {
      void g.go(() => {
        ran++;
      });
    }
    gate.resolve();
    await g.wait();
    expect(ran).toBe(200_000);
  });

  it('frees the slot of a task that completes synchronously before go() returns', async () => {
    const g = new Group();
    g.setLimit(1);
    const log: string[] = [];
    await g.go(() => log.push('a'));
    expect(g.tryGo(() => log.push('b'))).toBe(true);
    expect(g.tryGo(() => {
      throw new Error('c');
    })).toBe(true);
    expect(log).toEqual(['a', 'b']);
    await expect(g.wait()).rejects.toThrow('c');
  });
});

describe('Group: unhandled rejections', () => {
  it('reports no unhandled rejection when nobody calls wait(), for sync and async failures', async () => {
    const reasons = await collectUnhandled(async () => {
      const [g] = Group.withContext(background());
      void g.go(() => Promise.reject(new Error('async 1')));
      void g.go(() => {
        throw new Error('sync 2');
      });
      void g.go(async () => {
        await ticks(3);
        throw new Error('async 3');
      });
      const plain = new Group();
      void plain.go(() => Promise.reject(new Error('plain')));
      await ticks();
    });
    expect(reasons).toEqual([]);
  });

  it('reports no unhandled rejection for errors after the first when wait() is awaited', async () => {
    const reasons = await collectUnhandled(async () => {
      const g = new Group();
      g.setLimit(2);
      const first = new Error('first');
      for (let i = 0; i < 10; i++) {
        void g.go(async () => {
          await ticks(i);
          throw i === 0 ? first : new Error(`later ${i}`);
        });
      }
      await expect(g.wait()).rejects.toBe(first);
    });
    expect(reasons).toEqual([]);
  });

  it('rejects a wait() promise nobody handles like any other promise (the caller owns it)', async () => {
    const boom = new Error('boom');
    const reasons = await collectUnhandled(async () => {
      const g = new Group();
      void g.go(() => Promise.reject(boom));
      void g.wait();
      await ticks();
    });
    expect(reasons).toEqual([boom]);
  });
});
