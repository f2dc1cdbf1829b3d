import { describe, expect, it } from 'vitest';
import { Canceled, background, cause, createKey, todo, withCancel, withCancelCause, withTimeout, withValue } from '../../src/index.js';
import { cc, children, isLinked } from './fixtures.js';

describe('withCancel', () => {
  it('returns a live context with no deadline below background', () => {
    const [ctx, cancel] = withCancel(background());
    expect(ctx.err()).toBeUndefined();
    expect(cause(ctx)).toBeUndefined();
    expect(ctx.deadline()).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    cancel();
  });

  it('reports Canceled and cause Canceled once cancelled', () => {
    const [ctx, cancel] = withCancel(todo());
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
  });

  it('has, when cancel() returns, err set, its signal aborted and left its parent', () => {
    const [parent, cancelParent] = withCancel(background());
    const [child, cancelChild] = withCancel(parent);
    const sig = child.signal;
    expect(children(parent)).toEqual([child]);
    cancelChild();
    expect(child.err()).toBe(Canceled);
    expect(sig.aborted).toBe(true);
    expect(sig.reason).toBe(Canceled);
    expect(children(parent)).toEqual([]);
    expect(isLinked(child)).toBe(false);
    expect(parent.err()).toBeUndefined();
    cancelParent();
  });

  it('cancels exactly the subtree: descendants, not the parent nor siblings', () => {
    const [root, cancelRoot] = withCancel(background());
    const [a, cancelA] = withCancel(root);
    const [a1] = withCancel(a);
    const [a11] = withCancel(withValue(a1, 'k', 1));
    const [b, cancelB] = withCancel(root);
    const [b1] = withCancel(b);
    const sigs = [root, a, a1, a11, b, b1].map((c) => c.signal);
    cancelA();
    expect([root, a, a1, a11, b, b1].map((c) => c.err())).toEqual([undefined, Canceled, Canceled, Canceled, undefined, undefined]);
    expect(sigs.map((s) => s.aborted)).toEqual([false, true, true, true, false, false]);
    expect(children(root)).toEqual([b]);
    cancelB();
    cancelRoot();
  });

  it('is idempotent: later calls change nothing', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [ctx, cancel] = withCancel(parent);
    cancel();
    const sig = ctx.signal;
    cancel();
    cancelParent(new Error('later'));
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
    expect(ctx.signal).toBe(sig);
    expect(sig.reason).toBe(Canceled);
  });

  it('ignores an argument passed to a plain CancelFunc (its cause is Canceled)', () => {
    const [ctx, cancel] = withCancel(background());
    (cancel as (c?: unknown) => void)(new Error('not a cause'));
    expect(cause(ctx)).toBe(Canceled);
  });

  it("reaches a child with the parent's err and cause", () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [child] = withCancel(withValue(parent, 'k', 'v'));
    const [grandchild] = withCancel(child);
    const why = new Error('shutdown');
    cancelParent(why);
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(why);
    expect(grandchild.err()).toBe(Canceled);
    expect(cause(grandchild)).toBe(why);
  });

  it('derives from a cancelled parent a child that is born cancelled and linked nowhere', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const why = new Error('gone');
    cancelParent(why);
    const [child] = withCancel(parent);
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(why);
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe(Canceled);
    expect(isLinked(child)).toBe(false);
    expect(cc(parent)._links).toBeUndefined();
  });

  it('leaves no registry behind on a cancelled context', () => {
    const [root, cancelRoot] = withCancel(background());
    const [a] = withCancel(root);
    withCancel(a);
    withCancel(a);
    cancelRoot();
    expect(cc(root)._links).toBeUndefined();
    expect(cc(a)._links).toBeUndefined();
  });

  it("leaves a long-lived parent's registry empty once every child is cancelled", () => {
    const [parent, cancelParent] = withCancel(background());
    const cancels = Array.from({ length: 100 }, () => withCancel(parent)[1]);
    expect(children(parent)).toHaveLength(100);
    for (const c of cancels) c();
    expect(children(parent)).toEqual([]);
    cancelParent();
  });

  it('keeps children in derivation order in its registry', () => {
    const [parent, cancel] = withCancel(background());
    const kids = [withCancel(parent)[0], withCancel(withValue(parent, 'k', 1))[0], withCancel(parent)[0]];
    expect(children(parent)).toEqual(kids);
    cancel();
  });

  it("reports its parent's deadline", () => {
    const [parent, cancelParent] = withTimeout(background(), 60_000);
    const [child, cancel] = withCancel(parent);
    expect(child.deadline()).toEqual(parent.deadline());
    cancel();
    cancelParent();
  });

  it('passes values of its ancestors through', () => {
    const k = createKey<string>('k');
    const [ctx, cancel] = withCancel(withValue(background(), k, 'v'));
    expect(ctx.value(k)).toBe('v');
    cancel();
  });

  it('is not linked below background or todo', () => {
    const [a, cancelA] = withCancel(background());
    const [b, cancelB] = withCancel(todo());
    expect(isLinked(a)).toBe(false);
    expect(isLinked(b)).toBe(false);
    cancelA();
    cancelB();
  });
});
