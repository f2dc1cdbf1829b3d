/**
 * fetchWithContext against a real node:http server: what goes out on the
 * wire, how cancellation ends the call and closes the connection, and that
 * nothing stays registered on the context or the caller's signal.
 */
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  cause,
  isDeadlineExceeded,
  withCancel,
  withCancelCause,
  withTimeout,
} from '../../src/index.js';
import { fetchWithContext, withRequestId } from '../../src/http/index.js';
import { registrations } from '../sync/helpers.js';
import { type Seen, type TestServer, fetchTarget, foreignParent, trackTimers, within } from './helpers.js';

let srv: TestServer;
let seen: Seen[];

beforeAll(async () => {
  ({ srv, seen } = await fetchTarget());
});

afterAll(async () => {
  await srv.close();
});

afterEach(() => {
  seen.length = 0;
});

const last = () => seen.at(-1)!;

describe('fetchWithContext: what is sent', () => {
  it('sends the request id of the context as x-request-id', async () => {
    const ctx = withRequestId(background(), 'req-7');
    const res = await fetchWithContext(ctx, `${srv.url}/hello`);
    expect(await res.text()).toBe('hello');
    expect(last().headers['x-request-id']).toBe('req-7');
  });

  it('sends no x-request-id and no connect-timeout-ms when the context has none', async () => {
    await (await fetchWithContext(background(), `${srv.url}/hello`)).text();
    expect(last().headers['x-request-id']).toBeUndefined();
    expect(last().headers['connect-timeout-ms']).toBeUndefined();
  });

  it("keeps the caller's own x-request-id", async () => {
    const ctx = withRequestId(background(), 'from-ctx');
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { headers: { 'X-Request-Id': 'explicit' } })).text();
    expect(last().headers['x-request-id']).toBe('explicit');
  });

  it('sends the remaining budget, rounded up, in connect-timeout-ms', async () => {
    const [ctx, cancel] = withTimeout(background(), 2_000);
    await (await fetchWithContext(ctx, `${srv.url}/hello`)).text();
    cancel();
    const ms = Number(last().headers['connect-timeout-ms']);
    expect(ms).toBeGreaterThan(1_900);
    expect(ms).toBeLessThanOrEqual(2_000);
  });

  it('sends the earlier of the context deadline and the call timeoutMs', async () => {
    const [ctx, cancel] = withTimeout(background(), 2_000);
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { timeoutMs: 500 })).text();
    expect(Number(last().headers['connect-timeout-ms'])).toBeLessThanOrEqual(500);
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { timeoutMs: 60_000 })).text();
    expect(Number(last().headers['connect-timeout-ms'])).toBeGreaterThan(1_000);
    await (await fetchWithContext(background(), `${srv.url}/hello`, { timeoutMs: 300 })).text();
    expect(Number(last().headers['connect-timeout-ms'])).toBeLessThanOrEqual(300);
    cancel();
  });

  it("keeps a smaller connect-timeout-ms of the caller's, replaces a larger or malformed one", async () => {
    const [ctx, cancel] = withTimeout(background(), 2_000);
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { headers: { 'connect-timeout-ms': '50' } })).text();
    expect(last().headers['connect-timeout-ms']).toBe('50');
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { headers: { 'connect-timeout-ms': '999999' } })).text();
    expect(Number(last().headers['connect-timeout-ms'])).toBeLessThanOrEqual(2_000);
    await (await fetchWithContext(ctx, `${srv.url}/hello`, { headers: { 'connect-timeout-ms': '-1' } })).text();
    expect(Number(last().headers['connect-timeout-ms'])).toBeLessThanOrEqual(2_000);
    cancel();
  });

  it('takes the headers of a Request input, and init.headers over them as fetch does', async () => {
    const ctx = withRequestId(background(), 'rid-1');
    const req = new Request(`${srv.url}/hello`, { headers: { 'x-from': 'request' } });
    await (await fetchWithContext(ctx, req)).text();
    expect(last().headers['x-from']).toBe('request');
    expect(last().headers['x-request-id']).toBe('rid-1');
    await (await fetchWithContext(ctx, req, { headers: { 'x-from': 'init' } })).text();
    expect(last().headers['x-from']).toBe('init');
  });

  it('sends the method and body of init', async () => {
    const res = await fetchWithContext(background(), `${srv.url}/hello`, { method: 'POST', body: 'payload' });
    await res.text();
    expect(last().headers['content-length']).toBe('7');
  });
});

describe('fetchWithContext: the response', () => {
  it('keeps status, statusText, headers, url and type', async () => {
    const res = await fetchWithContext(background(), `${srv.url}/hello`);
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.statusText).toBe('Created');
    expect(res.headers.get('x-answer')).toBe('42');
    expect(res.url).toBe(`${srv.url}/hello`);
    expect(res.redirected).toBe(false);
    expect(res.type).toBe('basic');
    expect(await res.text()).toBe('hello');
  });

  it('keeps redirected and the final url after a redirect', async () => {
    const res = await fetchWithContext(background(), `${srv.url}/redirect`);
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${srv.url}/hello`);
    expect(await res.text()).toBe('hello');
  });

  it('releases at once a response without a body', async () => {
    const [ctx, cancel] = withCancel(background());
    const res = await fetchWithContext(ctx, `${srv.url}/empty`);
    expect(res.status).toBe(204);
    expect(registrations(ctx)).toBe(0);
    cancel();
  });
});

describe('fetchWithContext: cancellation', () => {
  it('rejects with ctx.err() without sending when the context is already cancelled', async () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel(new Error('shutting down'));
    await expect(fetchWithContext(ctx, `${srv.url}/hello`)).rejects.toBe(Canceled);
    expect(seen).toHaveLength(0);
  });

  it('rejects with DeadlineExceeded without sending when the deadline has passed but the context does not know yet', async () => {
    // A user-written context whose deadline is behind us while err() is still undefined.
    const late: Context = { ...foreignParent().ctx, deadline: () => new Date(Date.now() - 1) };
    await expect(fetchWithContext(late, `${srv.url}/hello`)).rejects.toBe(DeadlineExceeded);
    await expect(fetchWithContext(background(), `${srv.url}/hello`, { timeoutMs: 0 })).rejects.toBe(DeadlineExceeded);
    expect(seen).toHaveLength(0);
  });

  it("rejects with the caller's signal reason without sending when it is already aborted", async () => {
    const reason = new Error('user navigated away');
    await expect(fetchWithContext(background(), `${srv.url}/hello`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it('rejects with DeadlineExceeded when the context times out, and the server sees the connection close', async () => {
    const [ctx, cancel] = withTimeout(background(), 100);
    const started = performance.now();
    const err = await fetchWithContext(ctx, `${srv.url}/slow`).catch((e: unknown) => e);
    cancel();
    expect(err).toBe(DeadlineExceeded);
    expect(isDeadlineExceeded(err)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
  });

  it('rejects with ctx.err() (cause kept on ctx) when the context is cancelled mid-request', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const p = fetchWithContext(ctx, `${srv.url}/slow`);
    await within(waitFor(() => seen.length === 1), 2_000, 'the request to arrive');
    const why = new Error('user pressed stop');
    cancel(why);
    await expect(p).rejects.toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
  });

  it('rejects with DeadlineExceeded when the call timeoutMs runs out, leaving ctx live', async () => {
    const [ctx, cancel] = withCancel(background());
    const err = await fetchWithContext(ctx, `${srv.url}/slow`, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBe(DeadlineExceeded);
    expect(ctx.err()).toBeUndefined();
    expect(registrations(ctx)).toBe(0);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
    cancel();
  });

  it("rejects with the caller's signal reason when it aborts, and removes its listener", async () => {
    const ac = new AbortController();
    const p = fetchWithContext(background(), `${srv.url}/slow`, { signal: ac.signal });
    await within(waitFor(() => seen.length === 1), 2_000, 'the request to arrive');
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1); // ours, through withSignal
    const reason = new Error('caller gave up');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
  });

  it('rejects a body read with ctx.err() when the context ends after the headers arrived', async () => {
    const [ctx, cancel] = withTimeout(background(), 10_000);
    const res = await fetchWithContext(ctx, `${srv.url}/drip`);
    expect(res.status).toBe(200);
    const reading = res.text();
    cancel();
    await expect(reading).rejects.toBe(Canceled);
    expect(await within(last().closedEarly, 2_000, 'the server to see the close')).toBe(true);
  });

  it('rejects a body read with DeadlineExceeded when the deadline passes mid-body', async () => {
    const [ctx, cancel] = withTimeout(background(), 150);
    const res = await fetchWithContext(ctx, `${srv.url}/drip`);
    await expect(res.text()).rejects.toBe(DeadlineExceeded);
    cancel();
  });
});

describe('fetchWithContext: nothing is left behind', () => {
  it('leaves no registration on ctx and no listener on the caller signal after the body is read', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/hello`, { signal: ac.signal, timeoutMs: 5_000 });
    expect(registrations(ctx)).toBe(1); // the exchange, until its body is read
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    expect(await res.text()).toBe('hello');
    expect(registrations(ctx)).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(ctx.err()).toBeUndefined();
    cancel();
  });

  it('leaves nothing on a user-written parent (visible as listeners on its signal)', async () => {
    const parent = foreignParent();
    for (let i = 0; i < 20; i++) await (await fetchWithContext(parent.ctx, `${srv.url}/hello`)).arrayBuffer();
    expect(parent.listeners()).toBe(0);
  });

  it('releases when the body is cancelled unread', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const res = await fetchWithContext(ctx, `${srv.url}/drip`, { signal: ac.signal });
    await res.body!.cancel();
    expect(registrations(ctx)).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    cancel();
  });

  it('registers nothing when init has a malformed header (it rejects as fetch does)', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const err = await fetchWithContext(ctx, srv.url, { signal: ac.signal, headers: { 'x-bad': 'a\r\nb' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(registrations(ctx)).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    cancel();
  });

  it('releases after a failure to connect (a network error rejects as fetch does)', async () => {
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const err = await fetchWithContext(ctx, 'http://127.0.0.1:1/', { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError); // fetch failed
    expect(registrations(ctx)).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    cancel();
  });

  it('leaves no timer pending after calls with a timeoutMs, and keeps the connection alive', async () => {
    const timers = trackTimers();
    try {
      const before = srv.connections;
      const res = await fetchWithContext(background(), `${srv.url}/hello`, { timeoutMs: 60_000 });
      expect(timers.pending()).toBe(1); // the call's deadline, seen by the tracker
      await res.text();
      expect(timers.pending()).toBe(0);
      for (let i = 0; i < 50; i++) await (await fetchWithContext(background(), `${srv.url}/hello`, { timeoutMs: 60_000 })).text();
      expect(timers.pending()).toBe(0);
      expect(srv.connections - before).toBeLessThanOrEqual(1); // one keep-alive connection for all 50
    } finally {
      timers.restore();
    }
  });
});

describe('fetchWithContext: arguments', () => {
  it('throws synchronously for a missing context or a bad timeoutMs, naming the argument', () => {
    expect(() => fetchWithContext(undefined as never, srv.url)).toThrow(/fetchWithContext: nil context \(argument "ctx"/);
    expect(() => fetchWithContext({} as never, srv.url)).toThrow(TypeError);
    expect(() => fetchWithContext(background(), srv.url, { timeoutMs: '5' as never })).toThrow(/option "timeoutMs"/);
    expect(() => fetchWithContext(background(), srv.url, { timeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}
