/**
 * The handler wrappers against real grpc-js servers: each kind of handler
 * gets a context with the call's deadline and request id, cancelled when
 * the client cancels or goes away, ended with cause Canceled when the call
 * completes, and current in AsyncLocalStorage.
 */
import { connect } from 'node:http2';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  cause,
  createKey,
  done,
  isCanceled,
  withCancel,
  withCancelCause,
  withValue,
} from '../../src/index.js';
import { requestId, withRequestId } from '../../src/http/index.js';
import { current } from '../../src/node/index.js';
import {
  ClientCancelledError,
  callOptions,
  isClientCancelled,
  wrapBidi,
  wrapClientStream,
  wrapServerStream,
  wrapService,
  wrapUnary,
} from '../../src/grpc/index.js';
import { type Running, deferred, service, start, unary, unaryWithStatus, until } from './helpers.js';

const running: Running[] = [];
async function serve(impl: Parameters<typeof wrapService>[1], opts?: Parameters<typeof wrapService>[2]): Promise<Running> {
  const s = await start(wrapService(service, impl, opts));
  running.push(s);
  return s;
}
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

/** Collects a stream's messages and its end (or error). */
function collect(call: NodeJS.EventEmitter): Promise<{ data: unknown[]; err: ServiceError | undefined; trailers: Metadata | undefined }> {
  return new Promise((resolve) => {
    const data: unknown[] = [];
    let err: ServiceError | undefined;
    let trailers: Metadata | undefined;
    call.on('data', (d) => data.push(d));
    call.on('error', (e: ServiceError) => (err = e));
    call.on('status', (s: { metadata: Metadata }) => {
      trailers = s.metadata;
      setImmediate(() => resolve({ data, err, trailers }));
    });
  });
}

describe('each kind of handler gets the call’s context', () => {
  it('unary: request id, deadline, current(), and cause Canceled once it completes', async () => {
    let seen: Context | undefined;
    const s = await serve({
      async unary(call, ctx) {
        seen = ctx;
        expect(current()).toBe(ctx);
        await Promise.resolve();
        expect(current()).toBe(ctx); // across awaits
        return { id: requestId(ctx), echo: call.request, remaining: ctx.deadline()!.getTime() - Date.now() };
      },
    });
    const [ctx, cancel] = withCancel(withRequestId(background(), 'req-1'));
    const { err, res, trailers } = await unaryWithStatus(s.client(), { a: 1 }, callOptions(ctx, { deadline: Date.now() + 3_000 }));
    cancel();
    expect(err).toBeNull();
    expect(res).toMatchObject({ id: 'req-1', echo: { a: 1 } });
    expect(res.remaining).toBeGreaterThan(2_000);
    expect(trailers.get('x-request-id')).toEqual(['req-1']);
    expect(seen!.err()).toBe(Canceled);
    expect(cause(seen!)).toBe(Canceled);
  });

  it('client-streaming: reads every request, returns the response, ends with Canceled', async () => {
    let seen: Context | undefined;
    const s = await serve({
      async collect(call, ctx) {
        seen = ctx;
        const got: unknown[] = [];
        for await (const m of call) got.push(m);
        expect(current()).toBe(ctx);
        return { got, id: requestId(ctx) };
      },
    });
    const res = await new Promise<any>((resolve, reject) => {
      const call = s.client().Collect(callOptions(withRequestId(background(), 'cs-1')), (e: ServiceError | null, r: unknown) =>
        e ? reject(e) : resolve(r),
      );
      call.write({ n: 1 });
      call.write({ n: 2 });
      call.end();
    });
    expect(res).toEqual({ got: [{ n: 1 }, { n: 2 }], id: 'cs-1' });
    expect(cause(seen!)).toBe(Canceled);
  });

  it('server-streaming (async): the stream ends when the handler resolves; trailers echo the id', async () => {
    let seen: Context | undefined;
    const s = await serve({
      async list(call, ctx) {
        seen = ctx;
        for (let i = 0; i < 3; i++) {
          await Promise.resolve();
          call.write({ i, id: requestId(current()!) });
        }
      },
    });
    const r = await collect(s.client().List({}, callOptions(withRequestId(background(), 'ss-1'))));
    expect(r.err).toBeUndefined();
    expect(r.data).toEqual([0, 1, 2].map((i) => ({ i, id: 'ss-1' })));
    expect(r.trailers!.get('x-request-id')).toEqual(['ss-1']);
    await until(() => seen!.err() !== undefined, 2_000, 'the handler context to end');
    expect(cause(seen!)).toBe(Canceled);
  });

  it('server-streaming (callbacks): a handler that returns nothing owns the stream; its end() completes the call', async () => {
    let seen: Context | undefined;
    const s = await serve({
      list(call, ctx) {
        seen = ctx;
        setTimeout(() => {
          expect(ctx.err()).toBeUndefined(); // still running: nothing ended it
          call.write({ late: true });
          call.end();
        }, 20);
      },
    });
    const r = await collect(s.client().List({}));
    expect(r.data).toEqual([{ late: true }]);
    await until(() => seen!.err() !== undefined, 2_000, 'the handler context to end');
    expect(seen!.err()).toBe(Canceled);
    expect(cause(seen!)).toBe(Canceled);
  });

  it('bidi (async): echoes each request; the call completes when the handler resolves', async () => {
    let seen: Context | undefined;
    const s = await serve({
      async chat(call, ctx) {
        seen = ctx;
        for await (const m of call) call.write({ echo: m, id: requestId(ctx) });
      },
    });
    const call = s.client().Chat(callOptions(withRequestId(background(), 'bi-1')));
    const r = collect(call);
    call.write('a');
    call.write('b');
    call.end();
    const { data, err } = await r;
    expect(err).toBeUndefined();
    expect(data).toEqual([
      { echo: 'a', id: 'bi-1' },
      { echo: 'b', id: 'bi-1' },
    ]);
    await until(() => seen!.err() !== undefined, 2_000, 'the handler context to end');
    expect(cause(seen!)).toBe(Canceled);
  });

  it('bidi (callbacks): a handler that returns nothing owns the stream', async () => {
    let seen: Context | undefined;
    const s = await serve({
      chat(call, ctx) {
        seen = ctx;
        call.on('data', (m: unknown) => call.write({ echo: m }));
        call.on('end', () => call.end());
      },
    });
    const call = s.client().Chat();
    const r = collect(call);
    call.write(1);
    call.end();
    expect((await r).data).toEqual([{ echo: 1 }]);
    await until(() => seen!.err() !== undefined, 2_000, 'the handler context to end');
    expect(cause(seen!)).toBe(Canceled);
  });
});

describe('a client cancel reaches the handler’s context', () => {
  for (const kind of ['unary', 'collect', 'list', 'chat'] as const) {
    it(`${kind}: err Canceled, cause a ClientCancelledError`, async () => {
      const started = deferred<Context>();
      const handler = async (_call: unknown, ctx: Context) => {
        started.resolve(ctx);
        await done(ctx);
        throw ctx.err();
      };
      const s = await serve({ [kind]: handler } as never);
      const [ctx, cancel] = withCancel(background());
      const c = s.client();
      const call =
        kind === 'unary'
          ? c.Unary({}, callOptions(ctx), () => {})
          : kind === 'collect'
            ? c.Collect(callOptions(ctx), () => {})
            : kind === 'list'
              ? c.List({}, callOptions(ctx))
              : c.Chat(callOptions(ctx));
      call.on?.('error', () => {});
      const server = await started.promise;
      cancel();
      await until(() => server.err() !== undefined, 2_000, 'the handler context to end');
      expect(server.err()).toBe(Canceled);
      expect(cause(server)).toBeInstanceOf(ClientCancelledError);
      expect(isClientCancelled(cause(server))).toBe(true);
      expect((cause(server) as Error).message).toMatch(/client cancelled/);
    });
  }

  it('and when the client goes away (its connection drops mid-call)', async () => {
    const started = deferred<Context>();
    const s = await serve({
      async unary(_call, ctx) {
        started.resolve(ctx);
        await done(ctx);
      },
    });
    const session = connect(`http://${s.address}`);
    session.on('error', () => {});
    const req = session.request({
      ':method': 'POST',
      ':path': service.Unary.path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    req.on('error', () => {});
    const body = Buffer.from(JSON.stringify({}));
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    req.end(frame);
    const server = await started.promise;
    session.destroy();
    await until(() => server.err() !== undefined, 2_000, 'the handler context to end');
    expect(isClientCancelled(cause(server))).toBe(true);
  });
});

describe('a completed call is never reported as a client cancel', () => {
  it('the context ends with cause Canceled before the response goes out, then grpc-js’s end-of-call event changes nothing', async () => {
    const seen: Context[] = [];
    const s = await serve({
      unary(_call, ctx) {
        seen.push(ctx);
        return { ok: true };
      },
    });
    const c = s.client();
    for (let i = 0; i < 50; i++) await unary(c, {});
    await new Promise((r) => setTimeout(r, 20)); // grpc-js's 'cancelled' of the last call has been emitted by now
    expect(seen).toHaveLength(50);
    for (const ctx of seen) {
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(Canceled);
    }
  });

  it('nor is a failed call: a handler error ends the context with Canceled too', async () => {
    let seen: Context | undefined;
    const s = await serve({
      unary(_call, ctx) {
        seen = ctx;
        throw Object.assign(new Error('no such user'), { code: status.NOT_FOUND });
      },
    });
    const { err, trailers } = await unaryWithStatus(s.client(), {}, callOptions(withRequestId(background(), 'nf-1')));
    expect(err!.code).toBe(status.NOT_FOUND);
    expect(err!.details).toBe('no such user');
    expect(trailers.get('x-request-id')).toEqual(['nf-1']);
    expect(cause(seen!)).toBe(Canceled);
  });
});

describe('how a handler’s outcome becomes the status', () => {
  it('a context error answers CANCELLED / DEADLINE_EXCEEDED', async () => {
    const s = await serve({
      unary(call) {
        throw (call.request as { deadline: boolean }).deadline ? DeadlineExceeded : Canceled;
      },
    });
    await expect(unary(s.client(), { deadline: true })).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED, details: 'context deadline exceeded' });
    await expect(unary(s.client(), { deadline: false })).rejects.toMatchObject({ code: status.CANCELLED, details: 'context canceled' });
  });

  it('any other error is UNKNOWN with its message; a synchronous throw is the same as a rejection', async () => {
    const s = await serve({
      unary(call) {
        if ((call.request as { sync: boolean }).sync) throw new Error('boom');
        return Promise.reject(new Error('boom'));
      },
    });
    await expect(unary(s.client(), { sync: true })).rejects.toMatchObject({ code: status.UNKNOWN, details: 'boom' });
    await expect(unary(s.client(), { sync: false })).rejects.toMatchObject({ code: status.UNKNOWN, details: 'boom' });
  });

  it('a streaming handler that rejects fails the call with the error’s status and echoes the id', async () => {
    const s = await serve({
      async list(call) {
        call.write({ n: 1 });
        throw Object.assign(new Error('gone'), { code: status.UNAVAILABLE });
      },
    });
    const r = await collect(s.client().List({}, callOptions(withRequestId(background(), 'ss-err'))));
    expect(r.data).toEqual([{ n: 1 }]);
    expect(r.err!.code).toBe(status.UNAVAILABLE);
    expect(r.trailers!.get('x-request-id')).toEqual(['ss-err']);
  });

  it('keeps metadata an error carries, adding the id', async () => {
    const s = await serve({
      unary() {
        const metadata = new Metadata();
        metadata.set('retry-after', '3');
        throw { code: status.RESOURCE_EXHAUSTED, details: 'slow down', metadata };
      },
    });
    const { err, trailers } = await unaryWithStatus(s.client(), {}, callOptions(withRequestId(background(), 'rl-1')));
    expect(err!.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(trailers.get('retry-after')).toEqual(['3']);
    expect(trailers.get('x-request-id')).toEqual(['rl-1']);
  });
});

describe('server options', () => {
  it('parent: handler contexts derive from it (values) and end with it', async () => {
    const k = createKey<string>('server');
    const [parent, stop] = withCancelCause(withValue(background(), k, 'srv-1'));
    const started = deferred<Context>();
    const s = await serve(
      {
        async unary(_call, ctx) {
          started.resolve(ctx);
          await done(ctx);
          throw ctx.err();
        },
      },
      { parent },
    );
    const p = unary(s.client(), {}).catch((e: unknown) => e);
    const ctx = await started.promise;
    expect(ctx.value(k)).toBe('srv-1');
    const shutdown = new Error('shutting down');
    stop(shutdown);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(shutdown);
    expect(await p).toMatchObject({ code: status.CANCELLED });
  });

  it('maxTimeoutMs caps the client’s budget, and applies when it sent none', async () => {
    const s = await serve({ unary: (_call, ctx) => ({ remaining: ctx.deadline()!.getTime() - Date.now() }) }, { maxTimeoutMs: 1_000 });
    expect((await unary(s.client(), {}, { deadline: Date.now() + 60_000 })).remaining).toBeLessThanOrEqual(1_000);
    expect((await unary(s.client(), {})).remaining).toBeGreaterThan(500);
  });

  it('the wrappers name the argument they reject', () => {
    expect(() => wrapUnary(undefined as never)).toThrow(/wrapUnary: argument "handler" must be a function, got undefined/);
    expect(() => wrapClientStream(1 as never)).toThrow(/wrapClientStream: argument "handler"/);
    expect(() => wrapServerStream(null as never)).toThrow(/wrapServerStream: argument "handler"/);
    expect(() => wrapBidi({} as never)).toThrow(/wrapBidi: argument "handler"/);
    expect(() => wrapUnary(() => 1, { maxTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => wrapUnary(() => 1, { maxTimeoutMs: '5' as never })).toThrow(/option "maxTimeoutMs"/);
    expect(() => wrapUnary(() => 1, { parent: {} as never })).toThrow(/options.parent/);
    expect(() => wrapService(null as never, {})).toThrow(/argument "service"/);
    expect(() => wrapService(service, null as never)).toThrow(/argument "impl"/);
    expect(() => wrapService(service, { unary: 5 as never })).toThrow(/"impl.Unary" must be a function/);
    expect(() => wrapService({ Unary: 5 } as never, {})).toThrow(/"service.Unary" must be a method definition/);
  });

  it('wrapService picks the wrapper by kind, finds methods by name or original name, and leaves missing ones out', () => {
    const impl = wrapService(service, { Unary: () => 1, list: async () => {} });
    expect(Object.keys(impl).sort()).toEqual(['List', 'Unary']);
  });
});

describe('isCanceled on what a cancelled handler sees', () => {
  it('a handler awaiting done(ctx) can tell why it ended', async () => {
    const started = deferred<Context>();
    const s = await serve({
      async unary(_call, ctx) {
        started.resolve(ctx);
        await done(ctx);
        throw ctx.err();
      },
    });
    const [ctx, cancel] = withCancel(background());
    const p = unary(s.client(), {}, callOptions(ctx)).catch((e: unknown) => e);
    const server = await started.promise;
    cancel();
    expect(isCanceled(await p)).toBe(true);
    await until(() => server.err() !== undefined);
    expect(isCanceled(server.err())).toBe(true);
    expect(isClientCancelled(cause(server))).toBe(true);
  });
});
