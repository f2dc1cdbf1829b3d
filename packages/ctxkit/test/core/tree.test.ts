/**
 * The order of one cancellation (tree.ts): every context of the subtree
 * records its err, drops its timer and parent link, and only then do signals
 * abort (ancestor first, depth-first in derivation order) and callbacks run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Context, Canceled, background, cause, withCancel, withCancelCause, withTimeout, withValue } from '../../src/index.js';
import { cc, children, isLinked } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

/** root -> a, b; a -> a1, a2; b -> b1, derived interleaved. */
function tree() {
  const [root, cancel] = withCancelCause(background());
  const [a] = withCancel(root);
  const [b] = withCancel(withValue(root, 'k', 'v'));
  const [a1] = withCancel(a);
  const [b1] = withCancel(b);
  const [a2] = withCancel(withValue(a, 'k', 'v'));
  return { cancel, nodes: { root, a, b, a1, b1, a2 } as Record<string, Context> };
}

describe('order of a cancellation', () => {
  it('aborts signals ancestor first, then descendants depth-first in derivation order', () => {
    const { cancel, nodes } = tree();
    const order: string[] = [];
    for (const [name, ctx] of Object.entries(nodes)) ctx.signal.addEventListener('abort', () => order.push(name));
    cancel();
    expect(order).toEqual(['root', 'a', 'a1', 'a2', 'b', 'b1']);
  });

  it("lets an abort listener on the root see every descendant already reporting err() and cause()", () => {
    const { cancel, nodes } = tree();
    const why = new Error('why');
    let seen: unknown[] = [];
    nodes.root!.signal.addEventListener('abort', () => {
      seen = Object.values(nodes).map((c) => [c.err(), cause(c)]);
    });
    cancel(why);
    expect(seen).toEqual(Object.values(nodes).map(() => [Canceled, why]));
  });

  it('has every ancestor signal aborted when a descendant listener runs', () => {
    const { cancel, nodes } = tree();
    let ancestorsAborted: boolean[] = [];
    nodes.a2!.signal.addEventListener('abort', () => {
      ancestorsAborted = [nodes.root!.signal.aborted, nodes.a!.signal.aborted];
    });
    cancel();
    expect(ancestorsAborted).toEqual([true, true]);
  });

  it('has every timer of the subtree cleared before any listener runs', () => {
    vi.useFakeTimers();
    const [root, cancel] = withCancel(background());
    const [t1] = withTimeout(root, 100);
    withTimeout(t1, 50);
    withTimeout(withValue(root, 'k', 1), 70);
    let timersSeen = -1;
    root.signal.addEventListener('abort', () => (timersSeen = vi.getTimerCount()));
    expect(vi.getTimerCount()).toBe(3);
    cancel();
    expect(timersSeen).toBe(0);
  });

  it('has the subtree unlinked from the tree before any listener runs', () => {
    const [top, cancelTop] = withCancel(background());
    const [root, cancelRoot] = withCancel(top);
    const [a] = withCancel(root);
    const [sibling, cancelSibling] = withCancel(top);
    let seen: unknown[] = [];
    a.signal.addEventListener('abort', () => {
      seen = [isLinked(root), isLinked(a), children(top)];
    });
    cancelRoot();
    expect(seen).toEqual([false, false, [sibling]]);
    cancelSibling();
    cancelTop();
  });

  it('gives a context derived inside an abort listener of the cancelled subtree a cancelled start', () => {
    const { cancel, nodes } = tree();
    let born: Context | undefined;
    nodes.root!.signal.addEventListener('abort', () => {
      born = withCancel(nodes.b1!)[0];
    });
    cancel(new Error('x'));
    expect(born!.err()).toBe(Canceled);
    expect(isLinked(born!)).toBe(false);
  });

  it('lets a listener cancel another tree synchronously without disturbing this one', () => {
    const { cancel, nodes } = tree();
    const [other, cancelOther] = withCancel(background());
    const [otherChild] = withCancel(other);
    const order: string[] = [];
    nodes.root!.signal.addEventListener('abort', () => {
      order.push('root');
      cancelOther();
      order.push(`other:${String(otherChild.err()?.message)}`);
    });
    nodes.b1!.signal.addEventListener('abort', () => order.push('b1'));
    cancel();
    expect(order).toEqual(['root', 'other:context canceled', 'b1']);
  });

  it('leaves no registries on the cancelled subtree', () => {
    const { cancel, nodes } = tree();
    cancel();
    for (const name of ['root', 'a', 'b', 'a1', 'b1', 'a2']) {
      const c = cc(nodes[name]!);
      expect(c._links).toBeUndefined();
      expect(c._next).toBeUndefined();
      expect(c._prev).toBeUndefined();
    }
  });
});
