import { afterEach, describe, expect, it, vi } from 'vitest';
import { background, done, todo, withCancel, withTimeout, withValue, withoutCancel } from '../../src/index.js';
import { state, watchers } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('done', () => {
  it('resolves when ctx is cancelled, not before', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = done(ctx);
    expect(await state(p)).toBe('pending');
    cancel();
    expect(await state(p)).toBe('fulfilled');
    await expect(p).resolves.toBeUndefined();
  });

  it('returns the same promise on every call, before and after cancellation', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = done(ctx);
    expect(done(ctx)).toBe(p);
    expect(watchers(ctx)).toBe(1);
    cancel();
    expect(done(ctx)).toBe(p);
    await p;
  });

  it('resolves at once for an already-cancelled ctx', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    expect(await state(done(ctx))).toBe('fulfilled');
  });

  it('resolves through value contexts', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = done(withValue(ctx, 'k', 1));
    cancel();
    expect(await state(p)).toBe('fulfilled');
  });

  it('never resolves for contexts that cannot be cancelled', async () => {
    const [parent, cancel] = withCancel(background());
    const ps = [done(background()), done(todo()), done(withoutCancel(parent))];
    cancel();
    for (const p of ps) expect(await state(p)).toBe('pending');
  });

  it('resolves at the deadline and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 30);
    const p = done(ctx);
    await vi.advanceTimersByTimeAsync(29);
    expect(await state(p)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await state(p)).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  it('resolves with the subtree: cancelling a parent resolves a child done()', async () => {
    const [parent, cancel] = withCancel(background());
    const [child] = withCancel(parent);
    const [sibling, cancelSibling] = withCancel(parent);
    const pc = done(child);
    const ps = done(sibling);
    cancel();
    expect(await state(pc)).toBe('fulfilled');
    expect(await state(ps)).toBe('fulfilled');
    cancelSibling();
  });

  it('of a cancelled child does not resolve the parent done()', async () => {
    const [parent, cancel] = withCancel(background());
    const [, cancelChild] = withCancel(parent);
    const p = done(parent);
    cancelChild();
    expect(await state(p)).toBe('pending');
    cancel();
  });
});
