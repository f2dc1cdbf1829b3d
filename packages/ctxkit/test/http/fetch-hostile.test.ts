/**
 * fetchWithContext under hostile timing and inputs, against a real
 * node:http server on 127.0.0.1: signals aborted before or during the body
 * read, a context ended between the headers and the body, a Request input
 * with its own signal and headers, redirects, a body that fails, and a
 * response dropped unread. After each: no listener on the caller's signal,
 * no child or watcher on ctx, no ctxkit timer pending.
 */
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Canceled, type Context, DeadlineExceeded, background, cause, withCancel, withCancelCause } from '../../src/index.js';
import { fetchWithContext, withRequestId } from '../../src/http/index.js';
import { children, watchers } from '../core/fixtures.js';
import type { TimerTracker } from '../harness/timers.js';
import { type Seen, type TestServer, fetchTarget, trackTimers, within } from './helpers.js';

let srv: TestServer;
let seen: Seen[];

beforeAll(async () => {
  ({ srv, seen } = await fetchTarget());
});

afterAll(async () => {
  await srv.close();
});

let timers: TimerTracker;
beforeEach(() => {
  timers = trackTimers();
});
afterEach(() => {
  timers.restore();
  seen.length = 0;
});

const last = () => seen.at(-1)!;

/** Nothing of any call is left on `ctx`, on `signals`, or in ctxkit's timers. */
function expectClean(ctx: Context, ...signals: AbortSignal[]): void {
  expect(children(ctx)).toHaveLength(0);
  expect(watchers(ctx)).toBe(0);
  for (const s of signals) expect(getEventListeners(s, 'abort')).toHaveLength(0);
  expect(timers.pending()).toBe(0);
}

async function arrived(n: number): Promise<void> {
  const end = Date.now() + 2_000;
  while (seen.length < n) {
    if (Date.now() > end) throw new Error('the request never arrived');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("the caller's signal", () => {
  it('already aborted: rejects with its reason, sends nothing, registers nothing', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const reason = new Error('gone before we started');
    ac.abort(reason);
    await expect(fetchWithContext(ctx, `${srv.url}/hello`, { signal: ac.signal, timeoutMs: 5_000 })).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
    expectClean(ctx, ac.signal);
    cancel();
  });

  it('aborted mid-body-read: the read rejects with its reason, the server sees the close', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/drip`, { signal: ac.signal, timeoutMs: 5_000 });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first;');
    const pending = reader.read();
    const reason = new Error('caller gave up');
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expect(ctx.err()).toBeUndefined();
    expectClean(ctx, ac.signal);
    cancel();
  });
});

describe('the context ends after the response arrived', () => {
  it('before the body is read: the read rejects with ctx.err(), the server sees the close', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/drip`, { signal: ac.signal, timeoutMs: 5_000 });
    const why = new Error('shutting down');
    cancel(why);
    await expect(res.text()).rejects.toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expectClean(ctx, ac.signal);
  });

  it('while the body is read: the read rejects with ctx.err(), the server sees the close', async () => {
    const [parent, cancelParent] = withCancel(background());
    const [ctx, cancel] = withCancel(parent);
    const res = await fetchWithContext(ctx, `${srv.url}/drip`, { timeoutMs: 5_000 });
    const reader = res.body!.getReader();
    await reader.read();
    const pending = reader.read();
    cancel();
    await expect(pending).rejects.toBe(Canceled);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expectClean(ctx);
    expect(children(parent)).toHaveLength(0);
    cancelParent();
  });
});

describe('a Request as input', () => {
  it('its own signal and headers apply when init has none; its signal is left clean', async () => {
    const [ctx, cancel] = withCancel(withRequestId(background(), 'ctx-id'));
    const ac = new AbortController();
    const req = new Request(`${srv.url}/slow`, { signal: ac.signal, headers: { 'x-from-request': 'yes' } });
    const p = fetchWithContext(ctx, req, { timeoutMs: 5_000 });
    await arrived(1);
    expect(last().headers['x-from-request']).toBe('yes');
    expect(last().headers['x-request-id']).toBe('ctx-id');
    expect(last().headers['connect-timeout-ms']).toMatch(/^\d+$/);
    expect(getEventListeners(req.signal, 'abort')).toHaveLength(1); // ours
    const reason = new Error('request aborted');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expectClean(ctx, req.signal);
    cancel();
  });

  it("init's signal and headers win over the Request's, as in fetch; nothing is registered on the Request's signal", async () => {
    const [ctx, cancel] = withCancel(background());
    const reqAc = new AbortController();
    const req = new Request(`${srv.url}/slow`, { signal: reqAc.signal, headers: { 'x-from-request': 'yes', 'x-request-id': 'req-id' } });
    const ac = new AbortController();
    const p = fetchWithContext(ctx, req, { signal: ac.signal, headers: { 'x-from-init': 'yes' } });
    await arrived(1);
    expect(last().headers['x-from-init']).toBe('yes');
    expect(last().headers['x-from-request']).toBeUndefined();
    expect(getEventListeners(req.signal, 'abort')).toHaveLength(0);
    reqAc.abort(new Error('ignored: init has its own signal'));
    expect(await within(Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(r, 50, 'pending'))]), 2_000, 'p')).toBe('pending');
    const reason = new Error('init aborted');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expectClean(ctx, ac.signal, req.signal);
    cancel();
  });

  it('a Request whose signal is already aborted: rejects with its reason, sends nothing', async () => {
    const [ctx, cancel] = withCancel(background());
    const reason = new Error('dead on arrival');
    const req = new Request(`${srv.url}/hello`, { signal: AbortSignal.abort(reason) });
    await expect(fetchWithContext(ctx, req)).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
    expectClean(ctx, req.signal);
    cancel();
  });
});

describe('a redirect', () => {
  it('the followed request carries x-request-id and connect-timeout-ms too; released after the body', async () => {
    const [ctx, cancel] = withCancel(withRequestId(background(), 'redir-id'));
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/redirect`, { signal: ac.signal, timeoutMs: 5_000 });
    expect(res.redirected).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/redirect', '/hello']);
    for (const s of seen) {
      expect(s.headers['x-request-id']).toBe('redir-id');
      expect(Number(s.headers['connect-timeout-ms'])).toBeGreaterThan(0);
      expect(Number(s.headers['connect-timeout-ms'])).toBeLessThanOrEqual(5_000);
    }
    expect(await res.text()).toBe('hello');
    expectClean(ctx, ac.signal);
    cancel();
  });
});

describe('a body that fails', () => {
  it('the read rejects as fetch does (not a context error), and everything is released', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/broken`, { signal: ac.signal, timeoutMs: 5_000 });
    const err = await res.text().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError); // undici: "terminated"
    expect(err).not.toBe(Canceled);
    expect(ctx.err()).toBeUndefined();
    expectClean(ctx, ac.signal);
    cancel();
  });
});

describe('a response dropped unread', () => {
  it('stays registered on ctx until ctx ends, then is released: the server sees the close', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    await fetchWithContext(ctx, `${srv.url}/drip`, { signal: ac.signal, timeoutMs: 60_000 }); // dropped
    expect(children(ctx)).toHaveLength(1);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    expect(timers.pending()).toBe(1);
    cancel();
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expectClean(ctx, ac.signal);
  });

  it('with a timeoutMs, is released when that budget runs out, even if ctx and the signal live on', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/drip`, { signal: ac.signal, timeoutMs: 100 }); // dropped
    expect(children(ctx)).toHaveLength(1);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    expect(ctx.err()).toBeUndefined();
    expectClean(ctx, ac.signal);
    await expect(res.text()).rejects.toBe(DeadlineExceeded); // read late: the budget's error
    cancel();
  });
});
