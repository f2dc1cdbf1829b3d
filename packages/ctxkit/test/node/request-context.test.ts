/**
 * The node:http request context on a real server: the wire format through
 * real requests (every vector), the budget honoured and clamped, a client
 * abort reaching the handler, a finished response never reported as a
 * disconnect, and the listeners it adds.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Canceled, type Context, DeadlineExceeded, background, cause, done, withCancelCause } from '../../src/index.js';
import {
  ClientDisconnectedError,
  contextOf,
  current,
  isClientDisconnected,
  requestContext,
  requestId,
  setContext,
  withClaims,
  withRequestContext,
} from '../../src/node/index.js';
import { claims } from '../../src/http/index.js';
import { registrations } from '../sync/helpers.js';
import { type TestServer, deferred, json, listenerTotal, rawGet, readBody, serve, within } from '../http/helpers.js';

const vectors = JSON.parse(readFileSync(new URL('../http/wire-vectors.json', import.meta.url), 'utf8')) as {
  'connect-timeout-ms': Array<{ in: string; ms: number | null }>;
  'x-request-id': Array<{ in: string; accept: boolean }>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX = 60_000;

/** What the handlers saw, by request id. */
const contexts = new Map<string, Context>();
const arrived = new Map<string, () => void>();
let srv: TestServer;

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const id = requestId(ctx)!;
  contexts.set(id, ctx);
  const path = new URL(req.url!, 'http://x').pathname;
  arrived.get(path)?.();
  if (path === '/wait') {
    // Until the client leaves (or a test's deadline).
    await done(ctx);
    if (!res.writableEnded) res.end();
    return;
  }
  if (path === '/upload') {
    const body = await readBody(req);
    if (!req.closed) await once(req, 'close'); // the request stream is done: not a disconnect
    await new Promise((r) => setTimeout(r, 30));
    json(res, { bytes: body.length, errAfterBodyRead: String(ctx.err()) });
    return;
  }
  const deadline = ctx.deadline();
  json(res, {
    id,
    ms: deadline === undefined ? null : deadline.getTime() - Date.now(),
    err: String(ctx.err()),
    current: current() === ctx,
  });
}

beforeAll(async () => {
  srv = await serve(withRequestContext(handle, { maxTimeoutMs: MAX }));
});

afterAll(async () => {
  await srv.close();
});

describe('the request id, through real requests', () => {
  for (const v of vectors['x-request-id']) {
    it(`${JSON.stringify(v.in)} is ${v.accept ? 'kept and echoed' : 'replaced, never echoed'}`, async () => {
      const res = await rawGet(srv.url, [['x-request-id', v.in]]);
      if (res.status === 400) {
        // Refused by Node's HTTP parser (a NUL in a header): the handler never ran.
        expect(v.accept).toBe(false);
        expect(JSON.stringify(res)).not.toContain(v.in);
        return;
      }
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { id: string };
      if (v.accept) {
        expect(body.id).toBe(v.in);
        expect(res.headers['x-request-id']).toBe(v.in);
      } else {
        expect(body.id).toMatch(UUID);
        expect(res.headers['x-request-id']).toBe(body.id);
        if (v.in !== '') expect(res.body + JSON.stringify(res.headers)).not.toContain(v.in);
      }
    });
  }

  it('makes a fresh id for a request without one, and echoes it', async () => {
    const res = await fetch(srv.url);
    const body = (await res.json()) as { id: string };
    expect(body.id).toMatch(UUID);
    expect(res.headers.get('x-request-id')).toBe(body.id);
  });

  it('replaces a 10 KB id and echoes none of it', async () => {
    const huge = 'a'.repeat(10 * 1024);
    const res = await fetch(srv.url, { headers: { 'x-request-id': huge } });
    const body = (await res.json()) as { id: string };
    expect(body.id).toMatch(UUID);
    expect(res.headers.get('x-request-id')).toBe(body.id);
  });

  it('replaces an id sent on several header lines, even equal ones', async () => {
    for (const lines of [
      [['x-request-id', 'a'], ['x-request-id', 'b']],
      [['x-request-id', 'same'], ['X-Request-Id', 'same']],
    ] as Array<Array<[string, string]>>) {
      const res = await rawGet(srv.url, lines);
      const body = JSON.parse(res.body) as { id: string };
      expect(body.id).toMatch(UUID);
      expect(res.headers['x-request-id']).toBe(body.id);
    }
  });
});

describe('the budget, through real requests', () => {
  for (const v of vectors['connect-timeout-ms']) {
    const want = v.ms === null ? MAX : Math.min(v.ms, MAX);
    it(`connect-timeout-ms ${JSON.stringify(v.in)} gives ${v.ms === null ? 'the server budget' : `${want} ms`}`, async () => {
      const res = await rawGet(srv.url, [['connect-timeout-ms', v.in]]);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { ms: number; err: string };
      if (want === 0) {
        expect(body.err).toBe(String(DeadlineExceeded));
        return;
      }
      expect(body.ms).toBeLessThanOrEqual(want);
      expect(body.ms).toBeGreaterThan(want - 500);
      if (want > 100) expect(body.err).toBe('undefined');
    });
  }

  it('ignores a budget sent on several header lines', async () => {
    const res = await rawGet(srv.url, [
      ['connect-timeout-ms', '100'],
      ['connect-timeout-ms', '100'],
    ]);
    expect((JSON.parse(res.body) as { ms: number }).ms).toBeGreaterThan(MAX - 500);
  });

  it('honours a 115-day budget without a wrapped timer when the server has no maximum', async () => {
    const own = await serve(withRequestContext((req, res, ctx) => json(res, { ms: ctx.deadline()!.getTime() - Date.now(), err: String(ctx.err()) })));
    try {
      const res = await fetch(own.url, { headers: { 'connect-timeout-ms': '9999999999' } });
      const body = (await res.json()) as { ms: number; err: string };
      expect(body.ms).toBeGreaterThan(9_999_999_000);
      expect(body.err).toBe('undefined');
    } finally {
      await own.close();
    }
  });

  it('ends the handler context with DeadlineExceeded when the budget runs out', async () => {
    const id = 'budget-1';
    const res = await fetch(`${srv.url}/wait`, { headers: { 'x-request-id': id, 'connect-timeout-ms': '50' } });
    expect(res.status).toBe(200); // the handler answered after its context ended
    await res.text();
    expect(contexts.get(id)!.err()).toBe(DeadlineExceeded);
  });
});

describe('how a request context ends', () => {
  it('binds the context as current() in the handler', async () => {
    const body = (await (await fetch(srv.url)).json()) as { current: boolean };
    expect(body.current).toBe(true);
  });

  it('ends with cause Canceled once the response has been sent, never as a disconnect', async () => {
    const res = await fetch(srv.url, { headers: { 'x-request-id': 'finished-1' } });
    await res.text();
    const ctx = contexts.get('finished-1')!;
    await within(done(ctx), 2_000, 'the context to end');
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
    expect(isClientDisconnected(cause(ctx))).toBe(false);
  });

  it('is not cancelled when the request stream closes after its body was read', async () => {
    const res = await fetch(`${srv.url}/upload`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(await res.json()).toEqual({ bytes: 100_000, errAfterBodyRead: 'undefined' });
  });

  it('is cancelled with a ClientDisconnectedError cause when the client aborts; the delay is measured', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `abort-${i}`;
      const here = deferred();
      arrived.set('/wait', here.resolve);
      const ac = new AbortController();
      const pending = fetch(`${srv.url}/wait`, { headers: { 'x-request-id': id }, signal: ac.signal }).catch((e: unknown) => e);
      await within(here.promise, 2_000, 'the request to arrive');
      const ctx = contexts.get(id)!;
      const t0 = performance.now();
      ac.abort();
      await within(done(ctx), 2_000, 'the handler context to see the client leave');
      delays.push(performance.now() - t0);
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBeInstanceOf(ClientDisconnectedError);
      expect((cause(ctx) as Error).message).toBe('client disconnected before the response was sent');
      await pending;
    }
    arrived.delete('/wait');
    delays.sort((a, b) => a - b);
    const median = delays[delays.length >> 1]!;
    console.log(`client abort -> handler ctx cancelled: median ${median.toFixed(2)} ms, max ${delays.at(-1)!.toFixed(2)} ms (20 aborts)`);
    expect(median).toBeLessThan(50);
  });

  it('is cancelled with its parent (a server-lifetime context) and leaves nothing on it', async () => {
    const [server, shutdown] = withCancelCause(background());
    const seen: Context[] = [];
    const here = deferred();
    const own = await serve(
      withRequestContext(
        async (req, res, ctx) => {
          seen.push(ctx);
          if (req.url === '/wait') {
            here.resolve();
            await done(ctx);
          }
          res.end();
        },
        { parent: server },
      ),
    );
    try {
      await (await fetch(own.url)).text();
      await within(done(seen[0]!), 2_000, 'the first request to end');
      expect(registrations(server)).toBe(0);
      const pending = fetch(`${own.url}/wait`);
      await within(here.promise, 2_000, 'the request to arrive');
      expect(registrations(server)).toBe(1);
      const why = new Error('shutting down');
      shutdown(why);
      expect(seen[1]!.err()).toBe(Canceled);
      expect(cause(seen[1]!)).toBe(why);
      await (await pending).text();
      expect(registrations(server)).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('requestContext in a plain handler', () => {
  it('adds one close listener to res, removed when it fires, and nothing to req', async () => {
    const counts = deferred<{ reqBefore: number; reqAfter: number; resBefore: number; resAfter: number; afterClose: Promise<number> }>();
    const own = await serve((req, res) => {
      const reqBefore = listenerTotal(req);
      const resBefore = res.listenerCount('close');
      const ctx = requestContext(req, res);
      expect(requestContext(req, res)).toBe(ctx); // one context per request
      expect(contextOf(req)).toBe(ctx);
      const afterClose = new Promise<number>((r) => res.once('close', () => setImmediate(() => r(res.listenerCount('close')))));
      counts.resolve({ reqBefore, reqAfter: listenerTotal(req), resBefore, resAfter: res.listenerCount('close') - 1, afterClose });
      res.end('ok');
    });
    try {
      await (await fetch(own.url)).text();
      const c = await counts.promise;
      expect(c.reqAfter).toBe(c.reqBefore);
      expect(c.resAfter).toBe(c.resBefore + 1);
      expect(await within(c.afterClose, 2_000, 'close')).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('made after the response was sent, is ended at once', async () => {
    const got = deferred<Context>();
    const own = await serve((req, res) => {
      res.end('ok', () => res.once('close', () => got.resolve(requestContext(req, res))));
    });
    try {
      await (await fetch(own.url)).text();
      const ctx = await within(got.promise, 2_000, 'the late context');
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(Canceled);
    } finally {
      await own.close();
    }
  });

  it('setContext replaces what contextOf returns, for middleware that derives one', async () => {
    const out = deferred<unknown>();
    const own = await serve((req, res) => {
      const ctx = requestContext(req, res);
      setContext(req, withClaims(ctx, { userId: 'u-1', scopes: ['read'] }));
      out.resolve({ user: claims(contextOf(req))?.userId, id: requestId(contextOf(req)) === requestId(ctx) });
      res.end();
    });
    try {
      await (await fetch(own.url)).text();
      expect(await out.promise).toEqual({ user: 'u-1', id: true });
    } finally {
      await own.close();
    }
  });

  it('contextOf throws, naming the fix, for a request without a context', () => {
    expect(() => contextOf({ headers: {} } as never)).toThrow(/install ctxkitMiddleware\(\)/);
    expect(() => setContext({ headers: {} } as never, background())).toThrow(/has no context/);
  });

  it('validates its arguments, naming them', () => {
    expect(() => requestContext(undefined as never, {} as never)).toThrow(/argument "req" must be a node:http IncomingMessage/);
    expect(() => requestContext({ headers: {} } as never, {} as never)).toThrow(/argument "res" must be a node:http ServerResponse/);
    expect(() => withRequestContext(42 as never)).toThrow(/argument "handler" must be a function/);
    expect(() => withRequestContext(() => {}, { maxTimeoutMs: Number.NaN })).toThrow(RangeError);
  });

  it('sends the request id with node:http clients too', async () => {
    const { port } = new URL(srv.url);
    const id = await new Promise<string | undefined>((resolve, reject) => {
      const r = httpRequest({ port, host: '127.0.0.1', headers: { 'x-request-id': 'node-client' } }, (res) => {
        res.resume();
        resolve(res.headers['x-request-id'] as string | undefined);
      });
      r.on('error', reject);
      r.end();
    });
    expect(id).toBe('node-client');
  });
});
