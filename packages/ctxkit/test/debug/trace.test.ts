import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Context, background, createKey, withCancel, withTimeout, withValue, withoutCancel } from '../../src/index.js';
import { disableStats, disableTracing, enableStats, enableTracing, enableTracking, isTracing, leakReport, snapshot, stats, trace } from '../../src/debug/index.js';
import { hook } from '../../src/core/hook.js';

const FILE = fileURLToPath(import.meta.url);
const SOURCE = readFileSync(FILE, 'utf8').split('\n');
/** The 1-based line of this file holding `marker`. */
function lineOf(marker: string): number {
  const i = SOURCE.findIndex((l) => l.includes(marker) && !l.includes('lineOf('));
  if (i < 0) throw new Error(`no ${marker}`);
  return i + 1;
}

afterEach(() => {
  disableTracing();
  disableStats();
});

const requestId = createKey<string>('requestId');
const user = createKey<string>('user');

// Three middlewares, each deriving from the context it is given.
function requestIdMiddleware(ctx: Context): Context {
  return withValue(ctx, requestId, 'r-1'); // SITE-1
}
function authMiddleware(ctx: Context): Context {
  return withValue(ctx, user, 'alice'); // SITE-2
}
function timeoutMiddleware(ctx: Context): [Context, () => void] {
  return withTimeout(ctx, 5_000); // SITE-3
}

// The discarded-cancel leak: a child per call on a long-lived parent.
function startWorker(parent: Context): void {
  const [ctx] = withCancel(parent); // LEAK-SITE
  void ctx;
}
function startWorkerFixed(parent: Context): () => void {
  const [ctx, cancel] = withCancel(parent);
  void ctx;
  return cancel;
}

describe('derivation tracing', () => {
  it('names the three middleware call sites of a request context, newest first', () => {
    enableTracing();
    expect(isTracing()).toBe(true);
    const [ctx, cancel] = timeoutMiddleware(authMiddleware(requestIdMiddleware(background())));
    const lines = trace(ctx).split('\n');
    cancel();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^WithDeadline .*\\[withTimeout at timeoutMiddleware \\(.*trace\\.test\\.ts:${lineOf('SITE-3')}:\\d+\\)\\]$`));
    expect(lines[1]).toMatch(new RegExp(`^WithValue key=user  \\[withValue at authMiddleware \\(.*trace\\.test\\.ts:${lineOf('SITE-2')}:\\d+\\)\\]$`));
    expect(lines[2]).toMatch(new RegExp(`^WithValue key=requestId  \\[withValue at requestIdMiddleware \\(.*trace\\.test\\.ts:${lineOf('SITE-1')}:\\d+\\)\\]$`));
    expect(lines[3]).toBe('context.Background');
  });

  it('says which steps were made before tracing was on', () => {
    const early = withValue(background(), user, 'bob');
    enableTracing();
    const [c, cancel] = withCancel(early);
    const lines = trace(c).split('\n');
    cancel();
    expect(lines[0]).toContain('[withCancel at');
    expect(lines[1]).toBe('WithValue key=user  (not traced)');
  });

  it('installs nothing in the core while every tool is off', () => {
    expect(hook).toBeUndefined();
    enableTracing();
    disableTracing();
    enableStats();
    disableStats();
    expect(hook).toBeUndefined();
  });
});

describe('the leak report', () => {
  it('finds the discarded cancel function of a worker started in a loop, at its file:line', () => {
    enableTracing();
    const [server, stop] = withCancel(background());
    const t0 = Date.now();
    for (let i = 0; i < 500; i++) startWorker(server);
    const report = leakReport({ olderThanMs: 1_000, now: t0 + 2_000 });
    stop();
    // The 500 workers, and the server itself (made here, alive then too).
    expect(report.total).toBe(501);
    expect(report.groups.map((g) => g.count)).toEqual([500, 1]);
    expect(report.groups[0]!.api).toBe('withCancel');
    expect(report.groups[0]!.site).toMatch(new RegExp(`^startWorker \\(.*trace\\.test\\.ts:${lineOf('LEAK-SITE')}:\\d+\\)$`));
    expect(String(report).split('\n')[1]).toMatch(/^ {2}500 × withCancel at startWorker \(.*trace\.test\.ts:\d+:\d+\) \(oldest \d+ ms\)$/);
    // Cancelling the server released its children: nothing is left.
    expect(leakReport({ olderThanMs: 0 }).total).toBe(0);
  });

  it('reports nothing for the fixed program', () => {
    enableTracing();
    const [server, stop] = withCancel(background());
    for (let i = 0; i < 500; i++) startWorkerFixed(server)();
    stop();
    expect(leakReport({ olderThanMs: 0 }).total).toBe(0);
  });

  it('groups by function name alone when tracking without stacks, and says when tracking is off', () => {
    expect(String(leakReport())).toContain('tracking is off');
    enableTracking();
    const [c, cancel] = withTimeout(withoutCancel(background()), 60_000);
    const r = leakReport({ olderThanMs: 0 });
    expect(r.groups).toEqual([{ api: 'withTimeout', site: '', count: 1, oldestMs: expect.any(Number) }]);
    cancel();
    void c;
  });

  it('rejects a bad threshold naming the option', () => {
    expect(() => leakReport({ olderThanMs: -1 })).toThrow(/olderThanMs/);
    expect(() => leakReport({ olderThanMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('the counters', () => {
  it('return to their starting values after 100,000 derive+cancel cycles', () => {
    enableStats();
    const start = stats();
    const [server, stop] = withCancel(background());
    for (let i = 0; i < 100_000; i++) {
      const [c, cancel] = i % 2 === 0 ? withCancel(withValue(server, requestId, 'r')) : withTimeout(server, 60_000);
      cancel();
      void c;
    }
    stop();
    const end = stats();
    expect({ ...end, derived: 0, cancelled: 0 }).toEqual({ ...start, derived: 0, cancelled: 0 });
    expect(end.derived - start.derived).toBe(100_001);
    expect(end.cancelled - start.cancelled).toBe(100_001);
  });

  it('count live contexts, armed timers, registrations on user-written parents and pending waits', async () => {
    enableStats();
    const { done, race, withSignal } = await import('../../src/index.js');
    const [server, stop] = withCancel(background());
    const [t, stopT] = withTimeout(server, 60_000);
    const ac = new AbortController();
    const [s1, stopS1] = withSignal(server, ac.signal);
    const [s2, stopS2] = withSignal(server, ac.signal);
    void done(t);
    const r = race(t, new Promise(() => {}));
    r.catch(() => {});
    expect(stats()).toMatchObject({ liveContexts: 4, armedTimers: 1, foreignRegistrations: 1, pendingWaits: 2 });
    stopS1();
    stopS2();
    expect(stats()).toMatchObject({ liveContexts: 2, foreignRegistrations: 0 });
    stopT();
    await Promise.resolve();
    expect(stats()).toMatchObject({ liveContexts: 1, armedTimers: 0, pendingWaits: 0 });
    stop();
    expect(stats().liveContexts).toBe(0);
    void s1;
    void s2;
  });
});

describe('snapshot', () => {
  it('gives the live tracked trees as plain data, values by key only', () => {
    enableTracking();
    const [server, stop] = withCancel(background());
    const req = withValue(server, requestId, 'secret-id');
    const [h, end] = withTimeout(req, 30_000);
    const snap = snapshot();
    const json = JSON.stringify(snap);
    expect(json).not.toContain('secret-id');
    expect(snap.trees).toHaveLength(1);
    expect(snap.trees[0]!.above.map((v) => v.kind)).toEqual(['context.Background']);
    const top = snap.trees[0]!.children[0]!;
    expect(top.kind).toBe('WithCancel');
    expect(top.children[0]!.kind).toBe('WithDeadline');
    expect(top.children[0]!.via).toEqual([{ kind: 'WithValue', state: 'live', key: 'requestId' }]);
    end();
    expect(snapshot().trees[0]!.children[0]!.children).toEqual([]);
    stop();
    expect(snapshot().trees).toEqual([]);
    void h;
  });
});
