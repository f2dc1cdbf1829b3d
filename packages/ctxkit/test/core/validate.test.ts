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
