/**
 * Hostile clients and careless callers against ctxkit/grpc: real grpc-js
 * servers on 127.0.0.1, bounded waits.
 */
import { Metadata, status as Status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { Canceled, type Context, background, cause, withCancel, withTimeout } from '../../src/index.js';
import { requestId } from '../../src/http/index.js';
import {
  callOptions,
  contextInterceptor,
  fixGrpcTimeout,
  isClientCancelled,
  wrapServerStream,
  wrapService,
  wrapUnary,
} from '../../src/grpc/index.js';
import { registrations } from '../sync/helpers.js';
import { type Running, deferred, rawMetadata, ready, recordOptions, start, unary, until } from './helpers.js';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});
async function open(impl: Parameters<typeof start>[0], opts?: Parameters<typeof start>[1]): Promise<Running> {
  const r = await start(impl, opts);
  running.push(r);
  return r;
}

function revoked(): any {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('bad arguments', () => {
  it('revoked proxies are refused with a TypeError naming the argument', () => {
    expect(() => callOptions(revoked())).toThrow(/argument "ctx"/);
    expect(() => callOptions(background(), revoked())).toThrow(/argument "opts"/);
    expect(() => contextInterceptor(revoked())).toThrow(/argument "options"/);
    expect(() => fixGrpcTimeout(revoked())).toThrow(/argument "server"/);
    expect(() => wrapService(revoked(), {})).toThrow(/argument "service"/);
    expect(() => wrapService({}, revoked())).toThrow(/argument "impl"/);
    expect(() => wrapUnary(() => 1, revoked())).toThrow(/argument "options"/);
  });
});

describe('server wrappers', () => {
  it('a forged ctxkit-grpc-deadline from a client is ignored and never reaches the handler, fixed or not', async () => {
    for (const fix of [true, false]) {
      const seen: Array<{ deadline: Date | undefined; forged: unknown[] }> = [];
      const r = await open(
        {
          Unary: wrapUnary((call, ctx) => {
            seen.push({ deadline: ctx.deadline(), forged: call.metadata.get('ctxkit-grpc-deadline') });
            return {};
          }),
        },
        { fix },
      );
      const c = r.client([rawMetadata({ 'ctxkit-grpc-deadline': `${'0'.repeat(36)}:1` })]);
      await unary(c, {});
      expect(seen).toEqual([{ deadline: undefined, forged: [] }]);
    }
  });

  it('a stream handler that fails the call itself (emit error, as in plain grpc-js) is not reported as a client cancel', async () => {
    const got = deferred<Context>();
    const r = await open({
      List: wrapServerStream((call, ctx) => {
        call.write({ n: 1 });
        setTimeout(() => {
          call.emit('error', { code: Status.NOT_FOUND, details: 'gone' });
          setTimeout(() => got.resolve(ctx), 50);
        }, 10);
      }),
    });
    const c = r.client();
    const err = await new Promise<any>((resolve) => {
      const call = c.List({});
      call.on('data', () => {});
      call.on('error', resolve);
    });
    expect(err.code).toBe(Status.NOT_FOUND);
    const ctx = await got.promise;
    expect(ctx.err()).toBe(Canceled);
    expect(isClientCancelled(cause(ctx))).toBe(false);
    expect(cause(ctx)).toBe(Canceled);
  });

  it('a handler that throws synchronously fails the call and its ctx ends with Canceled; a normal one too', async () => {
    const ctxs: Context[] = [];
    const r = await open(
      wrapService(
        {
          Unary: { path: '/ctxkit.test.Echo/Unary', requestStream: false, responseStream: false } as never,
        } as never,
        {
          Unary(call: any, ctx: Context) {
            ctxs.push(ctx);
            if (call.request.boom) throw new Error('boom');
            return { id: requestId(ctx) };
          },
        },
      ) as never,
    );
    const c = r.client();
    await expect(unary(c, { boom: true })).rejects.toMatchObject({ code: Status.UNKNOWN, details: 'boom' });
    await expect(unary(c, {}, new Metadata())).resolves.toHaveProperty('id');
    await until(() => ctxs.length === 2 && ctxs.every((x) => x.err() !== undefined));
    for (const x of ctxs) expect(cause(x)).toBe(Canceled);
  });
});

describe('client interceptor', () => {
  it('a ctx already cancelled never sends a streaming call; callOptions with its own deadline takes the earlier', async () => {
    let reached = 0;
    const r = await open({
      List: wrapServerStream(async () => {
        reached++;
      }),
      Unary: wrapUnary((_call, ctx) => ({ left: ctx.deadline() === undefined ? null : ctx.deadline()!.getTime() - Date.now() })),
    });
    const c = r.client();
    await ready(c);
    const [dead, kill] = withCancel(background());
    kill();
    const err = await new Promise<any>((resolve) => {
      const call = c.List({}, callOptions(dead));
      call.on('data', () => {});
      call.on('error', resolve);
    });
    expect(err.code).toBe(Status.CANCELLED);
    expect(reached).toBe(0);
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const res = await unary(c, {}, callOptions(ctx, { deadline: Date.now() + 5_000 }));
    expect(res.left).toBeLessThanOrEqual(5_000);
    expect(res.left).toBeGreaterThan(3_000);
    expect(registrations(ctx as never)).toBe(0);
    cancel();
    const opts: Array<Record<string | symbol, unknown>> = [];
    const plain = r.client([recordOptions(opts), contextInterceptor()]);
    await unary(plain, {}); // no ctx, no current(): a plain call
    expect(opts[0]!.deadline).toBeUndefined();
  });
});
