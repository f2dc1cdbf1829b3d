/**
 * The client interceptor against a real grpc-js server: the deadline, the
 * request id, cancellation by the context, calls never sent, and the
 * implicit current context.
 */
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  background,
  cause,
  done,
  isCanceled,
  isDeadlineExceeded,
  withCancel,
  withCancelCause,
  withDeadline,
  withTimeout,
} from '../../src/index.js';
import { requestId, withRequestId } from '../../src/http/index.js';
import { runWithContext } from '../../src/node/index.js';
import { CONTEXT_OPTION, callOptions, contextInterceptor, isClientCancelled, wrapService } from '../../src/grpc/index.js';
import { type EchoClient, type Running, rawMetadata, recordOptions, service, start, unary, unaryWithStatus, until } from './helpers.js';

/** What the handler saw of its context. */
interface Seen {
  id: string | undefined;
  remaining: number | undefined;
  metadataId: unknown;
}

let srv: Running;
let client: EchoClient;
let handled = 0;
let lastCtx: Context | undefined;

beforeAll(async () => {
  srv = await start(
    wrapService(service, {
      async unary(call, ctx): Promise<Seen> {
        handled++;
        lastCtx = ctx;
        const d = ctx.deadline();
        const seen = { id: requestId(ctx), remaining: d && d.getTime() - Date.now(), metadataId: call.metadata.get('x-request-id')[0] };
        const wait = (call.request as { waitMs?: number } | null)?.waitMs;
        if (wait !== undefined) {
          let t: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([done(ctx), new Promise((r) => (t = setTimeout(r, wait)))]);
          clearTimeout(t);
          if (ctx.err()) throw ctx.err();
        }
        return seen;
      },
    }),
  );
  client = srv.client();
});
afterAll(() => srv.close());
beforeEach(() => {
  handled = 0;
  lastCtx = undefined;
});

describe('contextInterceptor: deadline', () => {
  it('sends the context deadline: the server sees what remains of the budget', async () => {
    const [ctx, cancel] = withTimeout(background(), 5_000);
    const seen: Seen = await unary(client, {}, callOptions(ctx));
    cancel();
    expect(seen.remaining).toBeGreaterThan(4_000);
    expect(seen.remaining).toBeLessThanOrEqual(5_000);
  });

  it('keeps the call’s own deadline when it is earlier than the context’s', async () => {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const seen: Seen = await unary(client, {}, callOptions(ctx, { deadline: Date.now() + 2_000 }));
    cancel();
    expect(seen.remaining).toBeGreaterThan(1_000);
    expect(seen.remaining).toBeLessThanOrEqual(2_000);
  });

  it('takes the context’s deadline when it is earlier than the call’s own', async () => {
    const [ctx, cancel] = withTimeout(background(), 2_000);
    const seen: Seen = await unary(client, {}, callOptions(ctx, { deadline: new Date(Date.now() + 60_000) }));
    cancel();
    expect(seen.remaining).toBeGreaterThan(1_000);
    expect(seen.remaining).toBeLessThanOrEqual(2_000);
  });

  it('rounds the deadline it sets up to a whole millisecond', async () => {
    const seenOpts: Array<Record<string | symbol, unknown>> = [];
    const c = srv.client([contextInterceptor(), recordOptions(seenOpts)]);
    const own = Date.now() + 3_000.25;
    await unary(c, {}, callOptions(background(), { deadline: own }));
    expect(seenOpts[0]!.deadline).toBe(Math.ceil(own));
    const [ctx, cancel] = withTimeout(background(), 3_000);
    await unary(c, {}, { [CONTEXT_OPTION]: ctx, deadline: own + 10_000 });
    cancel();
    expect(seenOpts[1]!.deadline).toBe(ctx.deadline()!.getTime());
  });

  it('shrinks across hops: a handler’s own calls carry what is left of its budget', async () => {
    const inner = await start(
      wrapService(service, {
        unary: (_call, ctx) => ({ remaining: ctx.deadline()!.getTime() - Date.now() }),
      }),
    );
    const innerClient = inner.client();
    const outer = await start(
      wrapService(service, {
        async unary(_call, ctx) {
          await new Promise((r) => setTimeout(r, 50)); // spend some budget
          const mine = ctx.deadline()!.getTime() - Date.now();
          const theirs = (await unary(innerClient, {})).remaining as number; // implicit: the current context
          return { mine, theirs };
        },
      }),
    );
    try {
      const [ctx, cancel] = withTimeout(background(), 3_000);
      const r = await unary(outer.client(), {}, callOptions(ctx));
      cancel();
      expect(r.mine).toBeLessThanOrEqual(3_000 - 50 + 1);
      expect(r.theirs).toBeLessThanOrEqual(r.mine);
      expect(r.theirs).toBeGreaterThan(2_000);
    } finally {
      await outer.close();
      await inner.close();
    }
  });

  it('sends no deadline for a context without one', async () => {
    const seen: Seen = await unary(client, {}, callOptions(background()));
    expect(seen.remaining).toBeUndefined();
  });

  it('sends a deadline beyond what grpc-timeout can express as none, and still cancels with the context', async () => {
    const seenOpts: Array<Record<string | symbol, unknown>> = [];
    const c = srv.client([contextInterceptor(), recordOptions(seenOpts)]);
    const [ctx, cancel] = withDeadline(background(), Date.now() + 400_000_000_000_000); // ~12,700 years
    const seen: Seen = await unary(c, {}, callOptions(ctx));
    expect(seenOpts[0]!.deadline).toBe(Infinity);
    expect(seen.remaining).toBeUndefined();
    const p = unary(c, { waitMs: 5_000 }, callOptions(ctx));
    await until(() => lastCtx !== undefined, 2_000, 'the handler');
    cancel();
    await expect(p).rejects.toMatchObject({ code: status.CANCELLED });
  });
});

describe('contextInterceptor: request id', () => {
  it('sends the context’s request id as x-request-id', async () => {
    const ctx = withRequestId(background(), 'abc-123');
    const seen: Seen = await unary(client, {}, callOptions(ctx));
    expect(seen.id).toBe('abc-123');
    expect(seen.metadataId).toBe('abc-123');
  });

  it('leaves an x-request-id the caller set in the metadata as it is', async () => {
    const { Metadata } = await import('@grpc/grpc-js');
    const md = new Metadata();
    md.set('x-request-id', 'from-the-caller');
    const seen: Seen = await unary(client, {}, md, callOptions(withRequestId(background(), 'from-ctx')));
    expect(seen.id).toBe('from-the-caller');
  });

  it('does not write the id into a Metadata the caller reuses for other calls', async () => {
    const { Metadata } = await import('@grpc/grpc-js');
    const shared = new Metadata();
    shared.set('authorization', 'Bearer t');
    const a: Seen = await unary(client, {}, shared, callOptions(withRequestId(background(), 'first')));
    const b: Seen = await unary(client, {}, shared, callOptions(withRequestId(background(), 'second')));
    expect([a.id, b.id]).toEqual(['first', 'second']);
    expect(shared.get('x-request-id')).toEqual([]);
  });

  it('sends none for a context without one; the server makes a fresh one', async () => {
    const seen: Seen = await unary(client, {}, callOptions(background()));
    expect(seen.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the server replaces an invalid id with a fresh one, also in call.metadata, and echoes the one in force', async () => {
    const c = srv.client([rawMetadata({ 'x-request-id': 'rid;drop' })]);
    const { err, res, trailers } = await unaryWithStatus(c, {});
    expect(err).toBeNull();
    expect(res.id).not.toBe('rid;drop');
    expect(res.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.metadataId).toBe(res.id);
    expect(trailers.get('x-request-id')).toEqual([res.id]);
  });
});

describe('contextInterceptor: a context already done', () => {
  it('never sends the call: it fails locally with CANCELLED and ctx.err() as cause', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    let sync = true;
    const p = unary(client, {}, callOptions(ctx)).catch((e: ServiceError) => ({ e, sync }));
    sync = false;
    const { e, sync: wasSync } = (await p) as { e: ServiceError & { cause?: unknown }; sync: boolean };
    expect(wasSync).toBe(false); // reported asynchronously, like any call failure
    expect(e.code).toBe(status.CANCELLED);
    expect(e.details).toBe('context canceled');
    expect(e.cause).toBe(Canceled);
    expect(isCanceled(e)).toBe(true);
    expect(handled).toBe(0);
  });

  it('never sends a call whose context is out of time: DEADLINE_EXCEEDED, cause DeadlineExceeded', async () => {
    const [ctx, cancel] = withDeadline(background(), Date.now() - 1);
    await expect(unary(client, {}, callOptions(ctx))).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED, cause: DeadlineExceeded });
    cancel();
    expect(handled).toBe(0);
  });

  it('treats a deadline that has passed before its timer fired as out of time', async () => {
    const [ctx, cancel] = withTimeout(background(), 1);
    const until = Date.now() + 3;
    while (Date.now() < until) {
      // spin: the deadline passes without the event loop running its timer
    }
    expect(ctx.err()).toBeUndefined();
    const err = await unary(client, {}, callOptions(ctx)).catch((e: unknown) => e);
    cancel();
    expect(isDeadlineExceeded(err)).toBe(true);
    expect(handled).toBe(0);
  });

  it('never sends a streaming call either', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const call = client.List({}, callOptions(ctx));
    const err = await new Promise<ServiceError>((resolve) => call.on('error', resolve));
    expect(err.code).toBe(status.CANCELLED);
    expect(isCanceled(err)).toBe(true);
  });
});

describe('contextInterceptor: cancellation', () => {
  it('cancels the call when the context is cancelled: CANCELLED, cause ctx.err(); the handler’s context learns the client cancelled', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const p = unary(client, { waitMs: 5_000 }, callOptions(ctx)).catch((e: unknown) => e);
    await until(() => lastCtx !== undefined, 2_000, 'the handler');
    const server = lastCtx!;
    cancel(new Error('user navigated away'));
    const e = (await p) as ServiceError & { cause?: unknown };
    expect(e.code).toBe(status.CANCELLED);
    expect(e.cause).toBe(Canceled);
    await until(() => server.err() !== undefined, 2_000, 'the handler context to end');
    expect(server.err()).toBe(Canceled);
    expect(isClientCancelled(cause(server))).toBe(true);
  });

  it('fails with DEADLINE_EXCEEDED and isDeadlineExceeded when the context’s deadline fires', async () => {
    const [ctx, cancel] = withTimeout(background(), 100);
    const e = await unary(client, { waitMs: 5_000 }, callOptions(ctx)).catch((err: unknown) => err);
    cancel();
    expect((e as ServiceError).code).toBe(status.DEADLINE_EXCEEDED);
    expect(isDeadlineExceeded(e)).toBe(true);
  });

  it('cancels a server-streaming call when the context is cancelled', async () => {
    const [ctx, cancel] = withCancel(background());
    const s = await start(
      wrapService(service, {
        async list(call, ctx) {
          call.write({ n: 0 });
          await done(ctx);
        },
      }),
    );
    try {
      const call = s.client().List({}, callOptions(ctx));
      const first = await new Promise((resolve) => call.once('data', resolve));
      expect(first).toEqual({ n: 0 });
      const err = new Promise<ServiceError>((resolve) => call.on('error', resolve));
      cancel();
      expect((await err).code).toBe(status.CANCELLED);
      expect(isCanceled(await err)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('measures how soon a client cancel reaches the handler’s context', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      lastCtx = undefined;
      const [ctx, cancel] = withCancel(background());
      const p = unary(client, { waitMs: 5_000 }, callOptions(ctx)).catch(() => undefined);
      await until(() => lastCtx !== undefined, 2_000, 'the handler');
      const server = lastCtx!;
      let endedAt = 0;
      void done(server).then(() => (endedAt = performance.now()));
      const t0 = performance.now();
      cancel();
      await p;
      await until(() => endedAt !== 0, 2_000, 'the handler context to end');
      delays.push(endedAt - t0);
    }
    delays.sort((a, b) => a - b);
    const median = delays[delays.length >> 1]!;
    const max = delays[delays.length - 1]!;
    console.log(`client cancel → handler ctx ended: median ${median.toFixed(2)} ms, max ${max.toFixed(2)} ms over ${delays.length} calls`);
    expect(median).toBeLessThan(50);
  });
});

describe('contextInterceptor: the implicit context', () => {
  it('uses current() when the call is made without a context', async () => {
    const [ctx, cancel] = withTimeout(withRequestId(background(), 'implicit-1'), 4_000);
    const seen: Seen = await runWithContext(ctx, () => unary(client, {}));
    cancel();
    expect(seen.id).toBe('implicit-1');
    expect(seen.remaining).toBeGreaterThan(3_000);
    expect(seen.remaining).toBeLessThanOrEqual(4_000);
  });

  it('cancels an implicit call with the current context', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = runWithContext(ctx, () => unary(client, { waitMs: 5_000 })).catch((e: unknown) => e);
    await until(() => lastCtx !== undefined, 2_000, 'the handler');
    cancel();
    expect(isCanceled(await p)).toBe(true);
  });

  it('an explicit context wins over the current one', async () => {
    const seen: Seen = await runWithContext(withRequestId(background(), 'current'), () =>
      unary(client, {}, callOptions(withRequestId(background(), 'explicit'))),
    );
    expect(seen.id).toBe('explicit');
  });

  it('with implicit: false, a call without a context goes out untouched', async () => {
    const c = srv.client([contextInterceptor({ implicit: false })]);
    const [ctx, cancel] = withTimeout(withRequestId(background(), 'implicit-2'), 4_000);
    const seen: Seen = await runWithContext(ctx, () => unary(c, {}));
    cancel();
    expect(seen.id).not.toBe('implicit-2');
    expect(seen.remaining).toBeUndefined();
  });

  it('outside any context, a call goes out untouched', async () => {
    const seen: Seen = await unary(client, {});
    expect(seen.remaining).toBeUndefined();
  });
});

describe('contextInterceptor: twice in one chain', () => {
  it('the second stands aside: one deadline, one id, one cancellation', async () => {
    const seenOpts: Array<Record<string | symbol, unknown>> = [];
    const c = srv.client([contextInterceptor(), recordOptions(seenOpts), contextInterceptor()]);
    const [ctx, cancel] = withTimeout(withRequestId(background(), 'twice'), 3_000);
    const seen: Seen = await unary(c, {}, callOptions(ctx));
    expect(seen.id).toBe('twice');
    expect(seenOpts[0]!.deadline).toBe(ctx.deadline()!.getTime());
    const p = unary(c, { waitMs: 5_000 }, callOptions(ctx)).catch((e: unknown) => e);
    await until(() => handled === 2, 2_000, 'the handler');
    cancel();
    expect(await p).toMatchObject({ code: status.CANCELLED, cause: Canceled });
  });
});

describe('contextInterceptor and callOptions: bad arguments', () => {
  it('callOptions names the argument it rejects', () => {
    expect(() => callOptions(undefined as never)).toThrow(/callOptions: nil context \(argument "ctx"/);
    expect(() => callOptions({} as never)).toThrow(/argument "ctx" must be a Context/);
    expect(() => callOptions(background(), 5 as never)).toThrow(/argument "opts" must be call options/);
    expect(() => callOptions(background(), { deadline: 'soon' as never })).toThrow(TypeError);
    expect(() => callOptions(background(), { deadline: NaN })).toThrow(/"opts.deadline" is NaN/);
    expect(() => callOptions(background(), { deadline: new Date(NaN) })).toThrow(RangeError);
  });

  it('contextInterceptor rejects options that are not an object', () => {
    expect(() => contextInterceptor(true as never)).toThrow(/argument "options" must be an object/);
  });

  it('a call option that is not a Context throws where the call is made', () => {
    expect(() => client.Unary({}, { [CONTEXT_OPTION]: 'ctx' }, () => {})).toThrow(/must be a Context/);
  });

  it('callOptions does not modify the options it is given', () => {
    const opts = { deadline: Date.now() + 1_000 };
    const [ctx, cancel] = withTimeout(background(), 10);
    const out = callOptions(ctx, opts);
    cancel();
    expect(out).not.toBe(opts);
    expect(out.deadline).toBe(ctx.deadline()!.getTime());
    expect(opts.deadline).toBeGreaterThan(ctx.deadline()!.getTime());
  });
});
