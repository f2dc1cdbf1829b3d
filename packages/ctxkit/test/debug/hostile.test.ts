/**
 * ctxkit/debug under hostile use: tools switched on and off mid-flight,
 * bad arguments, user-written contexts that throw, hostile text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Context, background, done, withCancel, withCancelCause, withSignal, withValue } from '../../src/index.js';
import {
  ancestry,
  childrenOf,
  descendants,
  disableStats,
  disableTracing,
  enableStats,
  enableTracing,
  leakReport,
  snapshot,
  stats,
  trace,
} from '../../src/debug/index.js';

afterEach(() => {
  disableTracing();
  disableStats();
});

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('counters across on/off cycles', () => {
  it('never go negative when a registration counted before a reset is removed after it', async () => {
    enableStats();
    const ac = new AbortController();
    const [, stopSignal] = withSignal(background(), ac.signal);
    const [w, stopWait] = withCancel(background());
    void done(w);
    disableStats();
    enableStats();
    stopSignal();
    stopWait();
    await tick();
    const s = stats();
    expect(s.foreignRegistrations).toBe(0);
    expect(s.pendingWaits).toBe(0);
  });

  it('are all zero once tracing is off and the counters were never on', () => {
    enableTracing();
    const [, cancel] = withCancel(background());
    disableTracing();
    expect(stats()).toEqual({ liveContexts: 0, derived: 0, cancelled: 0, armedTimers: 0, foreignRegistrations: 0, pendingWaits: 0 });
    cancel();
  });

  it('stay zero when switched off by user code in the middle of a cancellation', () => {
    enableStats();
    // A user-written parent whose stop() (run in phase 1, when its last
    // child is released) switches the counters off before the grandchildren are marked.
    const parent = {
      deadline: () => undefined,
      err: () => undefined,
      value: () => undefined,
      signal: new AbortController().signal,
      afterFunc: () => () => {
        disableStats();
        return true;
      },
    } as unknown as Context;
    const [a, cancel] = withCancel(parent);
    for (let i = 0; i < 10; i++) withCancel(a);
    cancel();
    expect(stats()).toEqual({ liveContexts: 0, derived: 0, cancelled: 0, armedTimers: 0, foreignRegistrations: 0, pendingWaits: 0 });
  });
});

describe('tracing under a hostile Error.prepareStackTrace', () => {
  const E = Error as { prepareStackTrace?: unknown };
  for (const [name, pst] of [
    ['throws', () => { throw new Error('no stacks here'); }],
    ['returns a non-string', () => ({ frames: [] })],
    ['derives a context itself', () => { withCancel(background()); return 'x\n    at f (a.js:1:1)'; }],
  ] as const) {
    it(`still derives, and links nothing it does not return, when it ${name}`, () => {
      enableTracing();
      const [p, cancelP] = withCancel(background());
      const saved = E.prepareStackTrace;
      E.prepareStackTrace = pst;
      let made: [Context, () => void];
      try {
        made = withCancel(p);
      } finally {
        E.prepareStackTrace = saved;
      }
      expect(childrenOf(p).children).toBe(1);
      made[1]();
      expect(childrenOf(p).children).toBe(0);
      cancelP();
    });
  }
});

describe('bad arguments', () => {
  const views = { ancestry, descendants, trace, childrenOf } as Record<string, (c: unknown, o?: unknown) => unknown>;
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  for (const [name, fn] of Object.entries(views)) {
    for (const [what, v] of [
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a plain object', {}],
      ['a revoked Proxy', revoked.proxy],
    ] as const) {
      it(`${name}(${what}) throws a TypeError naming "ctx"`, () => {
        expect(() => fn(v)).toThrow(TypeError);
        expect(() => fn(v)).toThrow(new RegExp(`ctxkit/debug\\.${name}: .*"ctx"`));
      });
    }
  }
  for (const [name, fn] of Object.entries({ ancestry, descendants, trace })) {
    it(`${name}(ctx, null) throws a TypeError naming "opts"; a non-finite now, a RangeError`, () => {
      expect(() => fn(background(), null as never)).toThrow(/"opts"/);
      expect(() => fn(background(), null as never)).toThrow(TypeError);
      expect(() => fn(background(), { now: NaN })).toThrow(RangeError);
      expect(() => fn(background(), { now: 'soon' as never })).toThrow(/"now"/);
    });
  }
  it('snapshot(null) and leakReport(null) throw TypeErrors naming "opts"', () => {
    expect(() => snapshot(null as never)).toThrow(TypeError);
    expect(() => snapshot(null as never)).toThrow(/"opts"/);
    expect(() => leakReport(null as never)).toThrow(TypeError);
    expect(() => leakReport(null as never)).toThrow(/"opts"/);
    expect(() => leakReport({ now: NaN })).toThrow(RangeError);
  });
});

describe('user-written contexts that throw', () => {
  class Throwing {
    deadline(): never {
      throw new Error('deadline');
    }
    err(): never {
      throw new Error('err');
    }
    value(): never {
      throw new Error('value');
    }
    get signal(): never {
      throw new Error('signal');
    }
  }
  const evil = new Throwing() as unknown as Context;
  const below = withValue(evil, 'k', 'v');
  for (const [name, fn] of Object.entries({ ancestry, descendants, trace, childrenOf })) {
    it(`${name} describes them instead of throwing`, () => {
      expect(() => (fn as (c: Context) => unknown)(evil)).not.toThrow();
      expect(() => (fn as (c: Context) => unknown)(below)).not.toThrow();
    });
  }
  it('say "err() threw" for their state', () => {
    expect(ancestry(below)).toBe('Throwing err() threw\n└── WithValue key=k');
  });
});

describe('hostile text', () => {
  it('shows control and bidi-override characters in causes and keys as \\u escapes in the text trees', () => {
    const [c, cancel] = withCancelCause(background());
    cancel(new Error('a\u001b[2Jb\u202ec'));
    const v = withValue(c, '\u001b[31mkey\u2066', 'v');
    for (const text of [ancestry(v), trace(v)]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u001b\u202e\u2066]/);
      expect(text).toContain('a\\u001b[2Jb\\u202ec');
      expect(text).toContain('key=\\u001b[31mkey\\u2066');
    }
  });
});
