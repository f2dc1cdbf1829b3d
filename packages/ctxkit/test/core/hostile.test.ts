/**
 * Hostile use of the core: Proxies, revoked proxies and throwing getters as
 * arguments, user-written contexts whose methods re-enter ctxkit (cancel
 * while being asked for a deadline, throw from stop(), call back before
 * reporting err()), hostile promises and signals. Each test names the
 * behaviour that must hold; nothing may be left half-registered.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  Canceled,
  type Context,
  afterFunc,
  background,
  cause,
  done,
  race,
  sleep,
  withCancel,
  withDeadline,
  withSignal,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { UserCtx, children, collectUnhandled, flush, isLinked, state, watchers } from './fixtures.js';

describe('a Proxy of a ctxkit context used as a parent', () => {
  it('does not break the cancellation of the context it wraps', async () => {
    const [a, cancelA] = withCancel(background());
    const px = new Proxy(a, {});
    const [b] = withCancel(px);
    const [c] = withCancel(b);
    const fired: string[] = [];
    afterFunc(c, () => fired.push('c'));
    expect(() => cancelA()).not.toThrow();
    expect(a.err()).toBe(Canceled);
    expect(b.err()).toBe(Canceled);
    expect(c.err()).toBe(Canceled);
    expect(c.signal.aborted).toBe(true);
    expect(children(a)).toEqual([]);
    await flush();
    expect(fired).toEqual(['c']);
  });

  it('cancels a subtree rooted below the proxy, and keeps siblings', () => {
    const [a, cancelA] = withCancel(background());
    const px = new Proxy(a, {});
    const [b, cancelB] = withCancel(px);
    const [sib] = withCancel(a);
    const [c] = withCancel(b);
    cancelB();
    expect(c.err()).toBe(Canceled);
    expect(sib.err()).toBeUndefined();
    expect(children(a)).toEqual([sib]);
    cancelA();
  });
});

describe('bad contexts passed as arguments', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable(new UserCtx(), {});
    revoke();
    return proxy;
  };
  const throwingGetter = (): object => ({
    get deadline(): never {
      throw new Error('getter exploded');
    },
    err: () => undefined,
    value: () => undefined,
    signal: new AbortController().signal,
  });
  const throwingHas = (): object =>
    new Proxy(new UserCtx(), {
      has() {
        throw new Error('has trap exploded');
      },
    });

  const calls: Array<[string, (x: any) => unknown, string]> = [
    ['withCancel', (x) => withCancel(x), 'parent'],
    ['withTimeout', (x) => withTimeout(x, 10), 'parent'],
    ['withValue', (x) => withValue(x, 'k', 1), 'parent'],
    ['withoutCancel', (x) => withoutCancel(x), 'parent'],
    ['withSignal', (x) => withSignal(x, new AbortController().signal), 'parent'],
    ['afterFunc', (x) => afterFunc(x, () => {}), 'ctx'],
    ['cause', (x) => cause(x), 'ctx'],
    ['done', (x) => done(x), 'ctx'],
    ['race', (x) => race(x, Promise.resolve()), 'ctx'],
    ['sleep', (x) => sleep(x, 1), 'ctx'],
  ];
  for (const [bad, make] of [
    ['a revoked proxy', revoked],
    ['an object whose deadline getter throws', throwingGetter],
    ['a proxy whose has trap throws', throwingHas],
  ] as const) {
    for (const [fn, call, arg] of calls) {
      it(`${fn} throws a TypeError naming argument "${arg}" for ${bad}`, () => {
        let thrown: unknown;
        try {
          call(make());
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(TypeError);
        expect((thrown as Error).message).toContain(`ctxkit.${fn}`);
        expect((thrown as Error).message).toContain(`"${arg}"`);
      });
    }
  }

  // Node's and Deno's AbortSignal is a JS class a Proxy can stand in for;
  // Bun's and the browsers' are platform objects whose getters and methods
  // refuse a Proxy (brand checks): there it is no signal, and withSignal
  // says so like for any other non-signal, linking nothing.
  it('withSignal follows a Proxy of an AbortSignal like the signal itself where the runtime accepts one, and removes its listener', () => {
    const ac = new AbortController();
    const sig = new Proxy(ac.signal, {});
    let usable: boolean;
    try {
      usable = typeof sig.aborted === 'boolean';
    } catch {
      usable = false;
    }
    if (!usable) {
      const [parent, cancelParent] = withCancel(background());
      expect(() => withSignal(parent, sig)).toThrow(/ctxkit\.withSignal: argument "signal"/);
      expect(children(parent)).toEqual([]);
      cancelParent();
      return;
    }
    const [a, cancelA] = withSignal(background(), sig);
    cancelA();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    const [b] = withSignal(background(), sig);
    ac.abort('why');
    expect(b.err()).toBe(Canceled);
    expect(cause(b)).toBe('why');
    expect(a.err()).toBe(Canceled);
  });

  it('withSignal leaves nothing linked on the parent when the signal refuses a listener', () => {
    const [p, cancel] = withCancel(background());
    const sig = {
      aborted: false,
      reason: undefined,
      addEventListener() {
        throw new Error('no listeners here');
      },
      removeEventListener() {},
    } as unknown as AbortSignal;
    expect(() => withSignal(p, sig)).toThrow('no listeners here');
    expect(children(p)).toEqual([]);
    cancel();
  });
});

/**
 * A user-written context that tells its afterFunc callbacks before it
 * records its err() (a plausible implementation: notify, then set state).
 */
class NotifyFirstCtx extends UserCtx {
  _fns = new Set<() => void>();
  afterFunc(f: () => void): () => boolean {
    this._fns.add(f);
    return () => this._fns.delete(f);
  }
  override cancel(err: Error = new Error('stopped late')): void {
    for (const f of [...this._fns]) f();
    this._fns.clear();
    this._err = err;
    this._ac.abort(err);
  }
}

describe('a user-written context that fires before it reports err()', () => {
  it('race rejects with an Error (Canceled), never with undefined', async () => {
    const u = new NotifyFirstCtx();
    const p = race(u, new Promise(() => {}));
    u.cancel();
    await expect(p).rejects.toBe(Canceled);
  });

  it('sleep rejects with an Error (Canceled), never with undefined', async () => {
    const u = new NotifyFirstCtx();
    const p = sleep(u, Infinity);
    u.cancel();
    await expect(p).rejects.toBe(Canceled);
  });

  it('race on a context whose signal has aborted but whose err() is still undefined rejects with Canceled', async () => {
    const u = new UserCtx();
    u._ac.abort(new Error('aborted, err() not set yet'));
    await expect(race(u, new Promise(() => {}))).rejects.toBe(Canceled);
  });
});

describe('user-written code that re-enters ctxkit', () => {
  it('a parent whose deadline() cancels the ctxkit context being derived from still cancels the child', () => {
    let cancelP: () => void = () => {};
    const u = new UserCtx();
    u.deadline = () => {
      cancelP();
      return undefined;
    };
    const [p, c] = withCancel(u);
    cancelP = c;
    const [child] = withCancel(p);
    expect(p.err()).toBe(Canceled);
    expect(child.err()).toBe(Canceled);
  });

  it('done() on a context cancelled by its ancestor’s deadline() during registration resolves', async () => {
    let cancelP: () => void = () => {};
    const u = new UserCtx();
    u.deadline = () => {
      cancelP();
      return undefined;
    };
    const [p, c] = withCancel(u);
    cancelP = c;
    expect(await state(done(p))).toBe('fulfilled');
  });

  it('a user-written stop() that throws does not keep the cancelled subtree from aborting its signals and running its callbacks', async () => {
    const u = new UserCtx();
    const hooked = Object.assign(u, {
      afterFunc(_f: () => void): () => boolean {
        return () => {
          throw new Error('stop exploded');
        };
      },
    });
    const [c, cancel] = withCancel(hooked);
    const [d] = withCancel(c);
    const sig = d.signal;
    let ran = false;
    afterFunc(d, () => (ran = true));
    const p = done(c);
    expect(() => cancel()).toThrow('stop exploded');
    expect(d.err()).toBe(Canceled);
    expect(sig.aborted).toBe(true);
    await flush();
    expect(ran).toBe(true);
    expect(await state(p)).toBe('fulfilled');
  });

  it('race() settles like its promise even when the user-written stop() it calls on the way out throws', async () => {
    const u = Object.assign(new UserCtx(), {
      afterFunc(_f: () => void): () => boolean {
        return () => {
          throw new Error('stop exploded');
        };
      },
    });
    let settled = 'pending';
    const reasons = await collectUnhandled(1, async () => {
      settled = await state(race(u, Promise.resolve(7)));
    });
    expect(settled).toBe('fulfilled');
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as Error).message).toBe('stop exploded');
  });

  it('done() reports a user-written afterFunc that throws instead of returning a promise that never settles', async () => {
    const u = Object.assign(new UserCtx(), {
      afterFunc(): () => boolean {
        throw new Error('afterFunc exploded');
      },
    });
    let outcome: string;
    try {
      outcome = await state(done(u));
    } catch (e) {
      outcome = (e as Error).message;
    }
    expect(outcome).not.toBe('pending');
  });
});

describe('hostile promises given to race()', () => {
  it('a promise whose own then() throws leaves nothing registered on the context', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = Promise.resolve(1);
    (p as { then: unknown }).then = () => {
      throw new Error('then exploded');
    };
    await expect(race(ctx, p)).rejects.toThrow('then exploded');
    expect(watchers(ctx)).toBe(0);
    cancel();
  });

  it('a promise whose own then() throws leaves no listener on a user-written context', async () => {
    const u = new UserCtx();
    const p = Promise.resolve(1);
    (p as { then: unknown }).then = () => {
      throw new Error('then exploded');
    };
    await expect(race(u, p)).rejects.toThrow('then exploded');
    expect(getEventListeners(u._ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('a wrapper whose value() names one ctxkit context and whose signal is another’s', () => {
  it('is followed as a user-written parent: no listener left once its children are cancelled', () => {
    const [a, cancelA] = withCancel(background());
    const [b, cancelB] = withCancel(background());
    const w: Context = {
      deadline: () => undefined,
      err: () => b.err(),
      value: (k: unknown) => a.value(k),
      get signal() {
        return b.signal;
      },
    };
    for (let i = 0; i < 100; i++) {
      const [c, cancel] = withCancel(w);
      expect(isLinked(c)).toBe(true);
      cancel();
    }
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
    expect(children(a)).toEqual([]);
    const [c] = withCancel(w);
    cancelB();
    expect(c.err()).toBe(Canceled);
    cancelA();
  });
});

describe('withDeadline with a hostile Date', () => {
  it('a Proxy of a Date is not a Date: TypeError naming "d"', () => {
    expect(() => withDeadline(background(), new Proxy(new Date(), {}) as Date)).toThrow(TypeError);
    expect(() => withDeadline(background(), new Proxy(new Date(), {}) as Date)).toThrow(/"d"/);
  });
});
