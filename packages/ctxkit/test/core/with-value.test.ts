import { describe, expect, it } from 'vitest';
import { Canceled, background, createKey, todo, withCancel, withTimeout, withValue, withoutCancel } from '../../src/index.js';

describe('withValue', () => {
  it('binds a key to a value seen by the context and its descendants', () => {
    const k = createKey<number>('n');
    const ctx = withValue(background(), k, 7);
    const [child, cancel] = withCancel(ctx);
    expect(ctx.value(k)).toBe(7);
    expect(child.value(k)).toBe(7);
    expect(withValue(child, 'other', 1).value(k)).toBe(7);
    cancel();
  });

  it('returns undefined for a key bound nowhere, and on the roots', () => {
    const k = createKey<number>('n');
    expect(withValue(background(), 'a', 1).value(k)).toBeUndefined();
    expect(background().value(k)).toBeUndefined();
    expect(todo().value('a')).toBeUndefined();
  });

  it('lets the nearest binding win without changing the outer one', () => {
    const k = createKey<string>('who');
    const outer = withValue(background(), k, 'outer');
    const inner = withValue(outer, k, 'inner');
    expect(inner.value(k)).toBe('inner');
    expect(outer.value(k)).toBe('outer');
  });

  it('compares keys by identity, so equal names never collide', () => {
    const a = createKey<string>('id');
    const b = createKey<string>('id');
    expect(a).not.toBe(b);
    expect(a.name).toBe('id');
    const ctx = withValue(background(), a, 'x');
    expect(ctx.value(a)).toBe('x');
    expect(ctx.value(b)).toBeUndefined();
  });

  it('accepts any non-nil key and compares it with ===', () => {
    const objKey = {};
    const sym = Symbol('s');
    let ctx = withValue(background(), 'str', 1);
    ctx = withValue(ctx, objKey, 2);
    ctx = withValue(ctx, sym, 3);
    ctx = withValue(ctx, 0, 4);
    expect(ctx.value('str')).toBe(1);
    expect(ctx.value(objKey)).toBe(2);
    expect(ctx.value({})).toBeUndefined();
    expect(ctx.value(sym)).toBe(3);
    expect(ctx.value(-0)).toBe(4);
    expect(ctx.value('0')).toBeUndefined();
    // NaN !== NaN: a NaN key can be bound but never found, as in Go.
    expect(withValue(background(), Number.NaN, 5).value(Number.NaN)).toBeUndefined();
  });

  it('can bind undefined and null as values', () => {
    const k = createKey<unknown>('k');
    const ctx = withValue(withValue(background(), k, 'hidden'), k, null);
    expect(ctx.value(k)).toBeNull();
  });

  it('passes values through cancel, deadline and withoutCancel contexts', () => {
    const k = createKey<string>('k');
    const [a, cancelA] = withCancel(withValue(background(), k, 'v'));
    const [b, cancelB] = withTimeout(a, 60_000);
    const c = withoutCancel(b);
    expect(c.value(k)).toBe('v');
    cancelB();
    cancelA();
  });

  it("shares err, signal and deadline with the context below it", () => {
    const [parent, cancel] = withTimeout(background(), 60_000);
    const ctx = withValue(withValue(parent, 'a', 1), 'b', 2);
    expect(ctx.signal).toBe(parent.signal);
    expect(ctx.deadline()?.getTime()).toBe(parent.deadline()?.getTime());
    expect(ctx.err()).toBeUndefined();
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.signal.aborted).toBe(true);
  });

  it('never reports a deadline or err below background', () => {
    const ctx = withValue(background(), 'a', 1);
    expect(ctx.deadline()).toBeUndefined();
    expect(ctx.err()).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
  });

  it('describes itself as .WithValue(key, value)', () => {
    const k = createKey<string>('requestId');
    expect(String(withValue(todo(), k, 'r-1'))).toBe('context.TODO.WithValue(requestId, r-1)');
  });
});

describe('createKey', () => {
  it('returns a key carrying its name', () => {
    expect(createKey('traceId').name).toBe('traceId');
  });
});
