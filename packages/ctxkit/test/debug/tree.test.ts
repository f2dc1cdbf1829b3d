import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterFunc, background, createKey, done, withCancel, withCancelCause, withDeadline, withTimeout, withValue, withoutCancel } from '../../src/index.js';
import { ancestry, descendants, childrenOf } from '../../src/debug/index.js';
import { UserCtx, Wrapper } from '../core/fixtures.js';

const traceKey = createKey<string>('traceKey');
const NOW = Date.parse('2026-05-11T17:59:58.500Z');
const AT = Date.parse('2026-05-11T18:00:00Z');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
  vi.useRealTimers();
});

describe('ancestry', () => {
  it('draws the chain from the root with kind, deadline and remaining time, state, cause and keys', () => {
    vi.useFakeTimers({ now: NOW });
    const [a, cancelA] = withCancelCause(background());
    const [b, cancelB] = withDeadline(a, AT);
    const c = withValue(b, traceKey, 'abc');
    cleanups.push(cancelB);
    expect(ancestry(c, { now: NOW })).toBe(
      [
        'context.Background',
        '└── WithCancel live',
        '    └── WithDeadline deadline=2026-05-11T18:00:00.000Z remaining=1.5s live',
        '        └── WithValue key=traceKey',
      ].join('\n'),
    );
    cancelA(new Error('manually canceled'));
    expect(ancestry(c, { now: AT + 1200 }).split('\n')).toEqual([
      'context.Background',
      '└── WithCancel canceled (cause: Error: manually canceled)',
      '    └── WithDeadline deadline=2026-05-11T18:00:00.000Z remaining=-1.2s canceled (cause: Error: manually canceled)',
      '        └── WithValue key=traceKey',
    ]);
  });

  it('shows values only when asked, and never the contents of runtime classes', () => {
    const secret = new URL('https://alice:hunter2@db/');
    const c = withValue(withValue(background(), 'token', 's3cr3t'), 'dsn', secret);
    expect(ancestry(c)).not.toContain('s3cr3t');
    expect(ancestry(c)).not.toContain('hunter2');
    const v = ancestry(c, { values: true });
    expect(v).toContain('key=token value=s3cr3t');
    expect(v).toContain('key=dsn value=URL');
    expect(v).not.toContain('hunter2');
  });

  it('ends at a user-written context with its class name, and keeps every line on one line', () => {
    const u = new UserCtx();
    const [c, cancel] = withCancelCause(u);
    cancel(new Error('line one\nline two'));
    expect(ancestry(c).split('\n')).toEqual(['UserCtx live', '└── WithCancel canceled (cause: Error: line one line two)']);
  });

  it('marks contexts that can never be cancelled', () => {
    expect(ancestry(withoutCancel(withValue(background(), 'k', 1)))).toBe(
      ['context.Background', '└── WithValue key=k', '    └── WithoutCancel'].join('\n'),
    );
  });

  it('creates no signal and registers nothing', () => {
    const [p, cancel] = withCancel(background());
    cleanups.push(cancel);
    ancestry(withValue(p, 'k', 1));
    descendants(p);
    expect((p as unknown as { _ctrl: unknown })._ctrl).toBeUndefined();
    expect(childrenOf(p)).toEqual({ children: 0, watchers: 0 });
  });
});

describe('descendants', () => {
  it('draws the live subtree with the value contexts each child was derived through', () => {
    const [root, cancel] = withCancel(background());
    cleanups.push(cancel);
    const req = withValue(root, traceKey, 'r-1');
    const [a] = withCancel(req);
    const [a1] = withTimeout(withValue(a, 'user', 'u'), 60_000);
    const [b, cancelB] = withCancel(root);
    afterFunc(b, () => {});
    void done(a1);
    const [gone, cancelGone] = withCancel(root);
    cancelGone();
    void gone;
    const text = descendants(root, { now: Date.now() });
    const lines = text.split('\n');
    expect(lines[0]).toBe('WithCancel live');
    expect(lines[1]).toBe('├── WithValue key=traceKey → WithCancel live');
    expect(lines[2]).toMatch(/^│ {3}└── WithValue key=user → WithDeadline deadline=\S+ remaining=(59|1m)\S* live \(1 waiting\)$/);
    expect(lines[3]).toBe('└── WithCancel live (1 waiting)');
    expect(lines).toHaveLength(4);
    cancelB();
    expect(descendants(root).split('\n')).toHaveLength(3);
    expect(childrenOf(root).children).toBe(1);
  });

  it('below a value context, shows only the children derived through it', () => {
    const [root, cancel] = withCancel(background());
    cleanups.push(cancel);
    const r1 = withValue(root, traceKey, 'r-1');
    const r2 = withValue(root, traceKey, 'r-2');
    withCancel(r1);
    withCancel(r2);
    withCancel(r2);
    expect(descendants(r1).split('\n')).toEqual(['WithValue key=traceKey', '└── WithCancel live']);
    expect(descendants(r2).split('\n')).toHaveLength(3);
  });

  it('sees through a wrapper that delegates to a ctxkit context, and below a user-written parent', () => {
    const [root, cancel] = withCancel(background());
    cleanups.push(cancel);
    const w = new Wrapper(root);
    withCancel(w);
    expect(descendants(w).split('\n')).toEqual(['Wrapper live', '└── WithCancel live']);
    const u = new UserCtx();
    const [c, stop] = withCancel(u);
    cleanups.push(stop);
    void c;
    expect(descendants(u).split('\n')).toEqual(['UserCtx live', '└── WithCancel live']);
  });

  it('draws a 10,000-deep chain without overflowing the stack', () => {
    const [root, cancel] = withCancel(background());
    cleanups.push(cancel);
    let c = root;
    for (let i = 0; i < 10_000; i++) c = withCancel(c)[0];
    const lines = descendants(root).split('\n');
    expect(lines).toHaveLength(10_001);
    expect(lines[10_000]).toMatch(/^ {124}└── \[depth 10000\] WithCancel live$/);
    expect(ancestry(c).split('\n')).toHaveLength(10_002);
  });
});
