/**
 * The request context of web-standard handlers (`Request` → `Response`),
 * with Request objects and AbortControllers, and once end to end through a
 * real node:http server bridged to Request/Response as Bun and Deno do.
 */
import { getEventListeners } from 'node:events';
import type { RequestListener } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  cause,
  createKey,
  done,
  withCancel,
  withCancelCause,
  withValue,
} from '../../src/index.js';
import {
  ClientDisconnectedError,
  fetchWithContext,
  isClientDisconnected,
  requestBudgetMs,
  requestContext,
  requestId,
  withRequestContext,
} from '../../src/http/index.js';
import { registrations } from '../sync/helpers.js';
import { deferred, serve, trackTimers, within } from './helpers.js';

const vectors = JSON.parse(readFileSync(new URL('./wire-vectors.json', import.meta.url), 'utf8')) as {
  'connect-timeout-ms': Array<{ in: string; ms: number | null }>;
  'x-request-id': Array<{ in: string; accept: boolean }>;
};

const opened: Array<() => void> = [];
afterEach(() => {
  for (const f of opened.splice(0)) f();
});

/** A request to handle; its `abort` plays the client going away. */
function incoming(headers: Record<string, string> = {}): { request: Request; abort: (reason?: unknown) => void } {
  const ac = new AbortController();
  return { request: new Request('http://app.test/path', { headers, signal: ac.signal }), abort: (r) => ac.abort(r) };
}

/** Makes a request context and makes sure the test ends it. */
function open(headers: Record<string, string> = {}, options?: Parameters<typeof requestContext>[1]) {
  const { request, abort } = incoming(headers);
  const [ctx, finish] = requestContext(request, options);
  opened.push(() => finish());
  return { ctx, finish, abort, request };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestContext: the request id', () => {
  for (const v of vectors['x-request-id']) {
    it(`${JSON.stringify(v.in)} is ${v.accept ? 'kept and echoed' : 'replaced and never echoed'}`, () => {
      let request: Request;
      try {
        request = new Request('http://app.test/', { headers: { 'x-request-id': v.in } });
      } catch {
        expect(v.accept).toBe(false); // a value Headers refuses (NUL) cannot arrive this way; the parser tests cover it
        return;
      }
      const [ctx, finish] = requestContext(request);
      const res = finish(new Response('ok'));
      if (v.accept) {
        expect(requestId(ctx)).toBe(v.in);
        expect(res.headers.get('x-request-id')).toBe(v.in);
      } else {
        expect(requestId(ctx)).toMatch(UUID);
        expect(res.headers.get('x-request-id')).toBe(requestId(ctx));
      }
    });
  }

  it('makes a fresh id when the header is absent, and echoes it', () => {
    const { ctx, finish } = open();
    expect(requestId(ctx)).toMatch(UUID);
    expect(finish(new Response(null, { status: 204 })).headers.get('x-request-id')).toBe(requestId(ctx));
  });

  it('echoes on a response whose headers are immutable by returning a copy', async () => {
    const { ctx, finish } = open({ 'x-request-id': 'r-9' });
    const redirect = Response.redirect('http://app.test/elsewhere', 307);
    const out = finish(redirect);
    expect(out).not.toBe(redirect);
    expect(out.status).toBe(307);
    expect(out.headers.get('location')).toBe('http://app.test/elsewhere');
    expect(out.headers.get('x-request-id')).toBe('r-9');
    expect(requestId(ctx)).toBe('r-9');
  });
});

describe('requestContext: the deadline', () => {
  for (const v of vectors['connect-timeout-ms']) {
    it(`connect-timeout-ms ${JSON.stringify(v.in)} with a 60 s server budget gives ${v.ms === null ? 'the server budget' : `${Math.min(v.ms, 60_000)} ms`}`, () => {
      const before = Date.now();
      let ctx: Context;
      try {
        ({ ctx } = open({ 'connect-timeout-ms': v.in }, { maxTimeoutMs: 60_000 }));
      } catch {
        expect(v.ms).toBeNull(); // a value Headers refuses (non-Latin-1) cannot arrive; the parser tests cover it
        return;
      }
      const want = Math.min(v.ms ?? 60_000, 60_000);
      if (want === 0) {
        expect(ctx.err()).toBe(DeadlineExceeded);
        return;
      }
      const left = ctx.deadline()!.getTime() - before;
      expect(left).toBeGreaterThanOrEqual(want);
      expect(left).toBeLessThanOrEqual(want + 200);
      expect(ctx.err()).toBeUndefined();
    });
  }

  it('honours the client budget alone when the server has none, up to the 10-digit maximum', () => {
    const before = Date.now();
    const { ctx } = open({ 'connect-timeout-ms': '9999999999' });
    expect(ctx.deadline()!.getTime() - before).toBeGreaterThanOrEqual(9_999_999_999);
    expect(ctx.err()).toBeUndefined();
    expect(open().ctx.deadline()).toBeUndefined();
  });

  it('requestBudgetMs clamps the header to the server maximum', () => {
    expect(requestBudgetMs('100', 50)).toBe(50);
    expect(requestBudgetMs('100', 500)).toBe(100);
    expect(requestBudgetMs('1e3', 500)).toBe(500);
    expect(requestBudgetMs(undefined)).toBe(Infinity);
  });

  it('releases the deadline timer when finished', () => {
    const timers = trackTimers();
    try {
      const { finish } = open({ 'connect-timeout-ms': '5000' });
      expect(timers.pending()).toBe(1);
      finish();
      expect(timers.pending()).toBe(0);
    } finally {
      timers.restore();
    }
  });
});

describe('requestContext: how it ends', () => {
  it('is cancelled with a ClientDisconnectedError cause when request.signal aborts first', () => {
    const { ctx, abort, request } = open();
    const reason = new Error('connection reset');
    abort(reason);
    expect(ctx.err()).toBe(Canceled);
    const why = cause(ctx);
    expect(why).toBeInstanceOf(ClientDisconnectedError);
    expect((why as Error).name).toBe('ClientDisconnectedError');
    expect((why as Error).message).toMatch(/client disconnected/);
    expect((why as Error).cause).toBe(reason);
    expect(isClientDisconnected(why)).toBe(true);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });

  it('is ended with cause Canceled by finish, and a later abort is not reported as a disconnect', () => {
    const { ctx, finish, abort, request } = open();
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
    finish();
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    abort(new Error('runtimes that abort request.signal after every response'));
    expect(cause(ctx)).toBe(Canceled);
    expect(isClientDisconnected(cause(ctx))).toBe(false);
  });

  it('starts cancelled when request.signal is already aborted', () => {
    const request = new Request('http://app.test/', { signal: AbortSignal.abort() });
    const [ctx, finish] = requestContext(request);
    expect(ctx.err()).toBe(Canceled);
    expect(isClientDisconnected(cause(ctx))).toBe(true);
    finish();
    expect(isClientDisconnected(cause(ctx))).toBe(true);
  });

  it('is cancelled with its parent, carries its values, and leaves nothing on it once finished', () => {
    const tenant = createKey<string>('tenant');
    const [server, stop] = withCancelCause(withValue(background(), tenant, 'acme'));
    const a = open({}, { parent: server });
    expect(a.ctx.value(tenant)).toBe('acme');
    const b = open({}, { parent: server });
    expect(registrations(server)).toBe(2);
    a.finish();
    expect(registrations(server)).toBe(1);
    const shutdown = new Error('shutting down');
    stop(shutdown);
    expect(b.ctx.err()).toBe(Canceled);
    expect(cause(b.ctx)).toBe(shutdown);
  });

  it('is described with its request id and derivation', () => {
    const { ctx } = open({ 'x-request-id': 'r-1', 'connect-timeout-ms': '1000' });
    expect(String(ctx)).toMatch(/^context\.Background\.WithValue\(requestId, r-1\)\.WithCancel\.WithDeadline\(/);
  });
});

describe('withRequestContext', () => {
  it('gives the handler its context and extra arguments, echoes the id, ends the context on return', async () => {
    let seen: Context | undefined;
    const handler = withRequestContext(
      (request: Request, ctx: Context, server: string) => {
        seen = ctx;
        expect(ctx.err()).toBeUndefined();
        return new Response(`${server} ${new URL(request.url).pathname} ${requestId(ctx)}`);
      },
      { maxTimeoutMs: 1_000 },
    );
    const res = await handler(new Request('http://app.test/x', { headers: { 'x-request-id': 'abc' } }), 'bun');
    expect(await res.text()).toBe('bun /x abc');
    expect(res.headers.get('x-request-id')).toBe('abc');
    expect(seen!.err()).toBe(Canceled);
    expect(cause(seen!)).toBe(Canceled);
  });

  it('passes a rejection through and still ends the context', async () => {
    let seen: Context | undefined;
    const boom = new Error('boom');
    const handler = withRequestContext(async (_req, ctx) => {
      seen = ctx;
      throw boom;
    });
    await expect(handler(new Request('http://app.test/'))).rejects.toBe(boom);
    expect(seen!.err()).toBe(Canceled);
  });

  it('rejects with a TypeError when the handler returns no Response', async () => {
    const handler = withRequestContext((() => 'text') as never);
    await expect(handler(new Request('http://app.test/'))).rejects.toThrow(/must return a Response/);
  });

  it('validates its arguments when wrapping, naming them', () => {
    expect(() => withRequestContext(undefined as never)).toThrow(/withRequestContext: argument "handler" must be a function/);
    expect(() => withRequestContext(() => new Response(), { maxTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => withRequestContext(() => new Response(), { maxTimeoutMs: '5' as never })).toThrow(/option "maxTimeoutMs"/);
    expect(() => withRequestContext(() => new Response(), { parent: {} as never })).toThrow(/"options.parent" must be a Context/);
    expect(() => requestContext({} as never)).toThrow(/requestContext: argument "request" must be a Request/);
  });
});

/**
 * A node:http listener serving a web-standard handler, as Bun and Deno
 * do: the Request's signal aborts when the response closes before it
 * finished.
 */
function bridge(handler: (request: Request) => Promise<Response>): RequestListener {
  return (req, res) => {
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort(new Error('the connection closed'));
    });
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, signal: ac.signal });
    void handler(request).then(async (response) => {
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.writeHead(response.status);
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  };
}

describe('withRequestContext, end to end over a real connection', () => {
  it('sees the client budget and id, and a client abort as a disconnect', async () => {
    const contexts: Context[] = [];
    const arrived = deferred();
    const srv = await serve(
      bridge(
        withRequestContext(
          async (request, ctx) => {
            contexts.push(ctx);
            if (new URL(request.url).pathname === '/wait') {
              arrived.resolve();
              await done(ctx);
              return new Response('cancelled', { status: 499 });
            }
            return Response.json({ id: requestId(ctx), ms: ctx.deadline()!.getTime() - Date.now() });
          },
          { maxTimeoutMs: 5_000 },
        ),
      ),
    );
    try {
      const [client, cancelClient] = withCancel(background());
      const res = await fetchWithContext(client, `${srv.url}/`, {
        headers: { 'x-request-id': 'e2e-1' },
        timeoutMs: 700,
      });
      const body = (await res.json()) as { id: string; ms: number };
      expect(body.id).toBe('e2e-1');
      expect(body.ms).toBeGreaterThan(400);
      expect(body.ms).toBeLessThanOrEqual(700);
      expect(res.headers.get('x-request-id')).toBe('e2e-1');
      expect(cause(contexts[0]!)).toBe(Canceled); // answered: not a disconnect

      const ac = new AbortController();
      const pending = fetch(`${srv.url}/wait`, { signal: ac.signal }).catch(() => 'aborted');
      await within(arrived.promise, 2_000, 'the request to arrive');
      ac.abort();
      expect(await pending).toBe('aborted');
      await within(done(contexts[1]!), 2_000, 'the handler context to see the disconnect');
      expect(isClientDisconnected(cause(contexts[1]!))).toBe(true);
      cancelClient();
    } finally {
      await srv.close();
    }
  });
});
