/**
 * ctxkitMiddleware in a real Express 5 application: the context through
 * contextOf(req) and current(), a bearer-token middleware that answers 401
 * before any handler runs, typed claims in the handler, and a client abort
 * reaching a handler behind the middleware chain.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Canceled, type Context, DeadlineExceeded, background, cause, done, sleep, withCancel } from '../../src/index.js';
import {
  type Claims,
  claims,
  contextOf,
  ctxkitMiddleware,
  current,
  isClientDisconnected,
  requestId,
  runWithContext,
  setContext,
  withClaims,
} from '../../src/node/index.js';
import { fetchWithContext, withRequestId } from '../../src/http/index.js';
import { type TestServer, deferred, serve, within } from '../http/helpers.js';

/** The token store of the test: token → claims. */
const TOKENS = new Map<string, Claims>([['t-alice', { userId: 'alice', scopes: ['reports:read'] }]]);

/** Bearer authentication: 401 before the next handler for a missing, malformed or unknown token. */
function bearerAuth(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  const verified = token ? TOKENS.get(token) : undefined;
  if (verified === undefined) {
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'unauthorized' });
    return;
  }
  const ctx = withClaims(contextOf(req), verified);
  setContext(req, ctx);
  runWithContext(ctx, next);
}

let srv: TestServer;
const handlerRuns: string[] = [];
const waiting: Context[] = [];
const arrivedWait = { resolve: () => {} };

beforeAll(async () => {
  const app = express();
  app.use(ctxkitMiddleware({ maxTimeoutMs: 5_000 }));
  app.get('/public', async (req, res) => {
    await sleep(background(), 1);
    const ctx = contextOf(req);
    res.json({ id: requestId(ctx), sameAsCurrent: current() === ctx, user: claims(ctx)?.userId ?? null });
  });
  app.get('/wait', async (req, res) => {
    const ctx = contextOf(req);
    waiting.push(ctx);
    arrivedWait.resolve();
    await done(ctx);
    if (!res.writableEnded) res.status(503).end();
  });
  app.use('/api', bearerAuth);
  app.get('/api/report', async (req, res) => {
    handlerRuns.push(req.path);
    const c: Claims = claims(contextOf(req))!; // typed: set by bearerAuth
    await sleep(background(), 1);
    res.json({ user: c.userId, scopes: c.scopes, fromCurrent: claims(current()!)?.userId, id: requestId(contextOf(req)) });
  });
  srv = await serve(app);
});

afterAll(async () => {
  await srv.close();
});

describe('ctxkitMiddleware in Express', () => {
  it('gives handlers the request context through contextOf(req) and current(), and echoes the id', async () => {
    const res = await fetch(`${srv.url}/public`, { headers: { 'x-request-id': 'exp-1' } });
    expect(await res.json()).toEqual({ id: 'exp-1', sameAsCurrent: true, user: null });
    expect(res.headers.get('x-request-id')).toBe('exp-1');
  });

  it('replaces an invalid id and does not echo it', async () => {
    const res = await fetch(`${srv.url}/public`, { headers: { 'x-request-id': '<script>' } });
    const body = (await res.json()) as { id: string };
    expect(body.id).not.toBe('<script>');
    expect(res.headers.get('x-request-id')).toBe(body.id);
  });

  it('cancels the handler context with a disconnect cause when the client leaves', async () => {
    const here = deferred();
    arrivedWait.resolve = here.resolve;
    const [client, cancelClient] = withCancel(background());
    const pending = fetchWithContext(client, `${srv.url}/wait`).catch((e: unknown) => e);
    await within(here.promise, 2_000, 'the request to arrive');
    cancelClient();
    expect(await pending).toBe(Canceled);
    const ctx = waiting.at(-1)!;
    await within(done(ctx), 2_000, 'the handler context to end');
    expect(ctx.err()).toBe(Canceled);
    expect(isClientDisconnected(cause(ctx))).toBe(true);
  });

  it('gives the handler the client budget, clamped to the server maximum', async () => {
    const here = deferred();
    arrivedWait.resolve = here.resolve;
    const res = await fetch(`${srv.url}/wait`, { headers: { 'connect-timeout-ms': '80' } });
    expect(res.status).toBe(503);
    expect(waiting.at(-1)!.err()).toBe(DeadlineExceeded);
  });
});

describe('bearer-token middleware with typed claims', () => {
  it('lets a valid token through with typed claims, also through current()', async () => {
    const ctx = withRequestId(background(), 'auth-1');
    const res = await fetchWithContext(ctx, `${srv.url}/api/report`, { headers: { authorization: 'Bearer t-alice' } });
    expect(await res.json()).toEqual({ user: 'alice', scopes: ['reports:read'], fromCurrent: 'alice', id: 'auth-1' });
  });

  for (const [what, header] of [
    ['a missing header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare "Bearer"', 'Bearer'],
    ['an unknown token', 'Bearer t-mallory'],
    ['garbage', '\u00ff\u00fe garbage \u0001'.replace('\u0001', '')],
  ] as Array<[string, string | undefined]>) {
    it(`answers 401 before the handler runs for ${what}`, async () => {
      const before = handlerRuns.length;
      const res = await fetch(`${srv.url}/api/report`, { headers: header === undefined ? {} : { authorization: header } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(await res.text()).not.toContain('t-mallory');
      expect(handlerRuns.length).toBe(before);
    });
  }

  it('stores a frozen copy of the claims', () => {
    const mine = { userId: 'u', scopes: ['a'] };
    const ctx = withClaims(background(), mine);
    mine.scopes.push('admin');
    expect(claims(ctx)).toEqual({ userId: 'u', scopes: ['a'] });
    expect(Object.isFrozen(claims(ctx))).toBe(true);
    expect(Object.isFrozen(claims(ctx)!.scopes)).toBe(true);
    expect(claims(background())).toBeUndefined();
  });

  it('withClaims refuses malformed claims, naming the field', () => {
    expect(() => withClaims(background(), null as never)).toThrow(/argument "claims" must be an object/);
    expect(() => withClaims(background(), { userId: 7, scopes: [] } as never)).toThrow(/"claims.userId" must be a string/);
    expect(() => withClaims(background(), { userId: 'u', scopes: 'all' } as never)).toThrow(/"claims.scopes"/);
  });

  it('ends every request context with cause Canceled once answered, the 401s too', async () => {
    const seen: Context[] = [];
    const app = express();
    app.use(ctxkitMiddleware());
    app.use((req, _res, next) => {
      seen.push(contextOf(req));
      next();
    });
    app.use(bearerAuth);
    app.get('/', (_req, res) => res.end('ok'));
    const own = await serve(app);
    try {
      expect((await fetch(own.url)).status).toBe(401);
      expect((await fetch(own.url, { headers: { authorization: 'Bearer t-alice' } })).status).toBe(200);
      for (const ctx of seen) {
        await within(done(ctx), 2_000, 'the context to end');
        expect(cause(ctx)).toBe(Canceled);
      }
    } finally {
      await own.close();
    }
  });
});
