import { describe, expect, it } from 'vitest';
import { background, cause, createKey, todo, withCancel } from '../../src/index.js';
import { isLinked } from './fixtures.js';

describe.each([
  ['background', background, 'context.Background'],
  ['todo', todo, 'context.TODO'],
])('%s()', (_name, root, description) => {
  it('is a singleton', () => {
    expect(root()).toBe(root());
  });

  it('is never cancelled, has no deadline, no values and no cause', () => {
    const ctx = root();
    expect(ctx.err()).toBeUndefined();
    expect(ctx.deadline()).toBeUndefined();
    expect(ctx.value(createKey('k'))).toBeUndefined();
    expect(ctx.value('k')).toBeUndefined();
    expect(cause(ctx)).toBeUndefined();
  });

  it('has one signal, the same on every read, that never aborts', () => {
    const s = root().signal;
    expect(root().signal).toBe(s);
    expect(s.aborted).toBe(false);
  });

  it(`describes itself as ${description}`, () => {
    expect(String(root())).toBe(description);
  });

  it('keeps no registry of its children', () => {
    const [child, cancel] = withCancel(root());
    expect(isLinked(child)).toBe(false);
    cancel();
  });
});

describe('the roots', () => {
  it('are two distinct contexts', () => {
    expect(background()).not.toBe(todo());
  });
});
