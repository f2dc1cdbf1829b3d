import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  afterFunc,
  background,
  cause,
  createKey,
  done,
  race,
  sleep,
  withCancel,
  withCancelCause,
  withDeadline,
  withDeadlineCause,
  withSignal,
  withTimeout,
  withTimeoutCause,
  withValue,
  withoutCancel,
  DeadlineExceeded,
} from '../../src/index.js';

const bg = background();
const signal = new AbortController().signal;

// Every constructor, called with the parent given and valid other arguments.
const constructors: Array<[string, (parent: any) => unknown]> = [
  ['withValue', (p) => withValue(p, 'k', 'v')],
  ['withCancel', (p) => withCancel(p)],
  ['withCancelCause', (p) => withCancelCause(p)],
  ['withDeadline', (p) => withDeadline(p, Date.now() + 1_000)],
  ['withDeadlineCause', (p) => withDeadlineCause(p, Date.now() + 1_000, 'c')],
  ['withTimeout', (p) => withTimeout(p, 1_000)],
  ['withTimeoutCause', (p) => withTimeoutCause(p, 1_000, 'c')],
  ['withoutCancel', (p) => withoutCancel(p)],
  ['withSignal', (p) => withSignal(p, signal)],
];

describe('bad input', () => {
  describe.each(constructors)('%s', (name, make) => {
    it.each([null, undefined])('throws TypeError "cannot create context from nil parent" for a %s parent', (p) => {
      expect(() => make(p)).toThrow(TypeError);
      expect(() => make(p)).toThrow(/cannot create context from nil parent/);
      expect(() => make(p)).toThrow(new RegExp(`${name}.*"parent"`));
    });

    it.each([{}, 42, 'ctx', { err: () => undefined }])('throws TypeError naming "parent" for a non-context %j', (p) => {
      expect(() => make(p)).toThrow(TypeError);
      expect(() => make(p)).toThrow(/"parent"/);
    });
  });

  describe('a user-written parent lacking one of the four members', () => {
    const full = {
      deadline: () => undefined,
      signal: new AbortController().signal,
      err: () => undefined,
      value: () => undefined,
    };
    const without = (member: keyof typeof full): object => {
      const p: Record<string, unknown> = { ...full };
      delete p[member];
      return p;
    };
    describe.each(constructors)('%s', (name, make) => {
      it.each([
        ['deadline', 'deadline()'],
        ['signal', 'signal'],
        ['err', 'err()'],
        ['value', 'value()'],
      ] as const)('throws TypeError naming "parent" and saying it has no %s', (member, shown) => {
        const p = without(member);
        expect(() => make(p)).toThrow(TypeError);
        expect(() => make(p)).toThrow(new RegExp(`ctxkit\\.${name}: argument "parent" .*has no ${shown.replace(/[()]/g, '\\$&')}`));
      });
    });

    it('throws at the call that passes it, for the helpers taking a ctx too', () => {
      for (const member of ['deadline', 'signal'] as const) {
        const c = without(member);
        expect(() => done(c as any)).toThrow(/"ctx".*has no/);
        expect(() => race(c as any, Promise.resolve(1))).toThrow(/"ctx".*has no/);
        expect(() => sleep(c as any, 1)).toThrow(/"ctx".*has no/);
        expect(() => afterFunc(c as any, () => {})).toThrow(/"ctx".*has no/);
      }
    });

    it('accepts a signal getter without calling it', () => {
      let reads = 0;
      const p = {
        deadline: () => undefined,
        get signal(): AbortSignal {
          reads++;
          return full.signal;
        },
        err: () => undefined,
        value: () => undefined,
      };
      const v = withValue(p, 'k', 'v');
      expect(v.value('k')).toBe('v');
      expect(reads).toBe(0);
    });
  });

  describe.each([
    ['withDeadline', (d: any) => withDeadline(bg, d)],
    ['withDeadlineCause', (d: any) => withDeadlineCause(bg, d, 'c')],
  ])('%s with a Date from another realm', (name, make) => {
    it('accepts it as a Date', () => {
      const future = runInNewContext('new Date(Date.now() + 60000)') as Date;
      expect(future instanceof Date).toBe(false);
      const [ctx, cancel] = make(future) as [ReturnType<typeof withCancel>[0], () => void];
      expect(ctx.deadline()?.getTime()).toBe(future.getTime());
      expect(ctx.err()).toBeUndefined();
      cancel();
      const [past, cancelPast] = make(runInNewContext('new Date(0)')) as [ReturnType<typeof withCancel>[0], () => void];
      expect(past.err()).toBe(DeadlineExceeded);
      cancelPast();
    });

    it('throws RangeError naming "d" when it is invalid', () => {
      const bad = runInNewContext('new Date(NaN)');
      expect(() => make(bad)).toThrow(RangeError);
      expect(() => make(bad)).toThrow(new RegExp(`${name}: argument "d".*invalid Date`));
    });

    it('is not fooled by an object claiming to be a Date', () => {
      const fake = { [Symbol.toStringTag]: 'Date', getTime: () => 0 };
      expect(() => make(fake)).toThrow(TypeError);
      expect(() => make(fake)).toThrow(/"d"/);
    });
  });

  it.each([null, undefined])('withValue throws TypeError "nil key" for a %s key', (k) => {
    expect(() => withValue(bg, k, 1)).toThrow(TypeError);
    expect(() => withValue(bg, k, 1)).toThrow(/nil key/);
  });

  describe.each([
    ['withDeadline', (d: any) => withDeadline(bg, d)],
    ['withDeadlineCause', (d: any) => withDeadlineCause(bg, d, 'c')],
  ])('%s', (_name, make) => {
    it('throws RangeError naming "d" for NaN', () => {
      expect(() => make(Number.NaN)).toThrow(RangeError);
      expect(() => make(Number.NaN)).toThrow(/"d"/);
    });
    it('throws RangeError naming "d" for an invalid Date', () => {
      expect(() => make(new Date('not a date'))).toThrow(RangeError);
      expect(() => make(new Date(Number.NaN))).toThrow(/"d".*invalid Date/);
    });
    it.each(['2030-01-01', null, undefined, {}, 10n, true])('throws TypeError naming "d" for %s', (d) => {
      expect(() => make(d)).toThrow(TypeError);
      expect(() => make(d)).toThrow(/"d"/);
    });
  });

  describe.each([
    ['withTimeout', (ms: any) => withTimeout(bg, ms)],
    ['withTimeoutCause', (ms: any) => withTimeoutCause(bg, ms, 'c')],
    ['sleep', (ms: any) => sleep(bg, ms)],
  ])('%s', (_name, call) => {
    it('throws RangeError naming "ms" for NaN', () => {
      expect(() => call(Number.NaN)).toThrow(RangeError);
      expect(() => call(Number.NaN)).toThrow(/"ms"/);
    });
    it.each(['100', null, undefined, {}, 10n, new Date()])('throws TypeError naming "ms" for %s', (ms) => {
      expect(() => call(ms)).toThrow(TypeError);
      expect(() => call(ms)).toThrow(/"ms"/);
    });
  });

  it.each([null, undefined, 'f', {}, 1])('afterFunc throws TypeError naming "f" for %s', (f) => {
    const [ctx, cancel] = withCancel(bg);
    expect(() => afterFunc(ctx, f as any)).toThrow(TypeError);
    expect(() => afterFunc(ctx, f as any)).toThrow(/"f"/);
    cancel();
  });

  it.each([null, undefined, {}, new AbortController(), 'signal', new EventTarget()])('withSignal throws TypeError naming "signal" for %s', (s) => {
    expect(() => withSignal(bg, s as any)).toThrow(TypeError);
    expect(() => withSignal(bg, s as any)).toThrow(/"signal"/);
  });

  it.each([
    ['cause', (c: any) => cause(c)],
    ['afterFunc', (c: any) => afterFunc(c, () => {})],
    ['done', (c: any) => done(c)],
    ['race', (c: any) => race(c, Promise.resolve(1))],
    ['sleep', (c: any) => sleep(c, 1)],
  ])('%s throws TypeError naming "ctx" for a missing or non-context ctx', (_name, call) => {
    for (const c of [null, undefined, {}, 5]) {
      expect(() => call(c)).toThrow(TypeError);
      expect(() => call(c)).toThrow(/"ctx"/);
    }
  });

  it('createKey throws TypeError naming "name" for a non-string name', () => {
    expect(() => createKey(5 as any)).toThrow(TypeError);
    expect(() => createKey(undefined as any)).toThrow(/"name"/);
  });

  it('never puts the bad value itself in the message', () => {
    const secret = { password: 'hunter2' };
    try {
      withDeadline(bg, secret as any);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toMatch(/hunter2/);
    }
  });

  it('accepts a zero, negative and -Infinity timeout, and Infinity', () => {
    for (const ms of [0, -1, -Infinity, Infinity]) {
      const [, cancel] = withTimeout(bg, ms);
      cancel();
    }
  });
});
