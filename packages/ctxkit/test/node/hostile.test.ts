/**
 * Hostile clients and careless callers against ctxkit/node: real node:http
 * and Express servers on 127.0.0.1, real fetch, bounded waits.
 */
import { getEventListeners } from 'node:events';
import { request as httpRequest } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { Canceled, type Context, background, cause, withCancel, withoutCancel } from '../../src/index.js';
import {
  type Claims,
  claims,
  contextOf,
  ctxkitMiddleware,
  current,
  isClientDisconnected,
  requestContext,
  requestId,
  runWithContext,
  setContext,
  withClaims,
  withRequestContext,
} from '../../src/node/index.js';
import { registrations } from '../sync/helpers.js';
import { type TestServer, deferred, serve, within } from '../http/helpers.js';

const opened: TestServer[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
async function open(listener: Parameters<typeof serve>[0]): Promise<TestServer> {
  const s = await serve(listener);
  opened.push(s);
  return s;
}

function revoked(): any {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('bad arguments', () => {
  it('contextOf and setContext refuse non-requests and revoked proxies with a TypeError naming the argument', () => {
    expect(() => contextOf(revoked())).toThrow(/argument "req"/);
    expect(() => contextOf(null as never)).toThrow(/argument "req"/);
    expect(() => setContext(revoked(), background())).toThrow(/argument "req"/);
    expect(() => setContext({ headers: {} } as never, revoked())).toThrow(/argument "ctx"/);
    expect(() => requestContext(revoked(), revoked())).toThrow(/argument "req"/);
    expect(() => ctxkitMiddleware(revoked())).toThrow(/argument "options"/);
    expect(() => withRequestContext(() => {}, { maxTimeoutMs: NaN })).toThrow(RangeError);
    expect(() => runWithContext(revoked(), () => {})).toThrow(/argument "ctx"/);
  });
});

describe('wire values from a hostile client', () => {
  it('ignores duplicated, signed, unicode and 11-digit connect-timeout-ms; rejects bad ids; never echoes them', async () => {
    const seen: Array<{ deadline: Date | undefined; id: string | undefined }> = [];
    const s = await open(
      withRequestContext((_req, res, ctx) => {
        seen.push({ deadline: ctx.deadline(), id: requestId(ctx) });
        res.end();
      }),
    );
    const send = (headers: Record<string, string | string[]>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const r = httpRequest(s.url, { headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        });
        r.on('error', reject);
        r.end();
      });
    for (const t of [['5', '5'], '-1', '1.5', '\u00b2', '00000000000', '5ms', '0x5']) {
      seen.length = 0;
      await send({ 'connect-timeout-ms': t });
      expect(seen[0]!.deadline, JSON.stringify(t)).toBeUndefined();
    }
    await send({ 'connect-timeout-ms': '9999999999' });
    expect(seen.at(-1)!.deadline!.getTime()).toBeGreaterThan(Date.now() + 9_000_000_000);
    for (const id of [['a', 'b'], 'x'.repeat(129), 'a b', 'a\u00e9', ':'.repeat(129)]) {
      const h = await send({ 'x-request-id': id as string });
      expect(h['x-request-id']).not.toEqual(id);
      expect(h['x-request-id']).toBe(seen.at(-1)!.id);
    }
    for (const ok of ['x'.repeat(128), '=', ':']) {
      const h = await send({ 'x-request-id': ok });
      expect(h['x-request-id']).toBe(ok);
    }
  });
});

describe('lifecycle', () => {
  it('requestContext after the socket was destroyed is already ended as a disconnect, with no listener left', async () => {
    const got = deferred<{ ctx: Context; closeListeners: number }>();
    const s = await open((req, res) => {
      req.socket.destroy();
      res.once('close', () => {
        const ctx = requestContext(req, res);
        got.resolve({ ctx, closeListeners: res.listenerCount('close') });
      });
    });
    fetch(s.url).catch(() => {});
    const { ctx, closeListeners } = await within(got.promise, 2_000, 'the handler');
    expect(ctx.err()).toBe(Canceled);
    expect(isClientDisconnected(cause(ctx))).toBe(true);
    expect(closeListeners).toBe(0);
  });

  it('1,000 concurrent requests interleaving awaits each see their own context as current()', async () => {
    let bad = 0;
    const s = await open(
      withRequestContext(async (_req, res, ctx) => {
        for (let i = 0; i < 3; i++) {
          await new Promise((r) => setImmediate(r));
          if (current() !== ctx) bad++;
        }
        res.end(requestId(ctx));
      }),
    );
    const ids = Array.from({ length: 1000 }, (_, i) => `r-${i}`);
    const bodies = await within(
      Promise.all(ids.map((id) => fetch(s.url, { headers: { 'x-request-id': id } }).then((r) => r.text()))),
      20_000,
      '1,000 responses',
    );
    expect(bodies).toEqual(ids);
    expect(bad).toBe(0);
  });

  it('background work started with withoutCancel outlives the request and leaves no registration on the server parent', async () => {
    const [parent, stop] = withCancel(background());
    const work = deferred<{ err: unknown; id: string | undefined }>();
    const s = await open(
      withRequestContext(
        (_req, res, ctx) => {
          const bg = withoutCancel(ctx);
          res.end();
          setTimeout(() => work.resolve({ err: bg.err(), id: requestId(current()!) }), 20);
        },
        { parent },
      ),
    );
    await (await fetch(s.url, { headers: { 'x-request-id': 'bg-1' } })).text();
    const r = await within(work.promise, 2_000, 'background work');
    expect(r).toEqual({ err: undefined, id: 'bg-1' });
    expect(registrations(parent as never)).toBe(0);
    stop();
  });
});

describe('the documented bearer-token middleware', () => {
  const TOKENS = new Map<string, Claims>([['t-7f3a', { userId: 'u-1', scopes: ['r'] }]]);
  function bearerAuth(req: Request, res: Response, next: NextFunction): void {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const verified = token === '' ? undefined : TOKENS.get(token);
    if (verified === undefined) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'unauthorized' });
      return;
    }
    const ctx = withClaims(contextOf(req), verified);
    setContext(req, ctx);
    runWithContext(ctx, next);
  }

  it('garbage Authorization never reaches the handler and is never echoed; nothing is left behind', async () => {
    let reached = 0;
    const app = express();
    app.use(ctxkitMiddleware());
    app.use(bearerAuth);
    app.get('/', (req, res) => {
      reached++;
      res.json({ who: claims(contextOf(req))?.userId, same: current() === contextOf(req) });
    });
    const s = await open(app);
    const garbage = [
      'Bearer ',
      'Bearer  \t ',
      'bearer t-7f3a',
      'Basic dXNlcjpwYXNz',
      'Bearer ' + 'A'.repeat(8 * 1024),
      'Bearer t-7f3a\u00ff',
      'Bearer __proto__',
      'Bearer constructor',
      'Bearer t-7f3a, Bearer t-7f3a',
    ];
    for (const a of garbage) {
      const res = await fetch(s.url, { headers: { authorization: a } });
      const body = await res.text();
      expect(res.status).toBe(401);
      expect(body).not.toContain(a.slice(7, 20) || '\u0000');
    }
    expect(reached).toBe(0);
    const ok = await fetch(s.url, { headers: { authorization: 'Bearer t-7f3a' } });
    expect(await ok.json()).toEqual({ who: 'u-1', same: true });
    expect(reached).toBe(1);
    expect(getEventListeners(s.server, 'request').length).toBe(1);
  });
});
