/**
 * `grpc-timeout` as gRPC defines it, on a real grpc-js server: budgets
 * beyond 2^31-1 ms are honoured (grpc-js's own parser wraps them), a
 * malformed value is ignored, and a deadline that fires is never reported
 * as a client cancel.
 */
import { type Server, type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Context, DeadlineExceeded, background, cause, done, withTimeout } from '../../src/index.js';
import { parseGrpcTimeout } from '../../src/http/index.js';
import { callOptions, fixGrpcTimeout, wrapService } from '../../src/grpc/index.js';
import { type Running, rawMetadata, ready, service, start, unary, until } from './helpers.js';

const running: Running[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

/** A server whose handler reports its context's remaining budget (after a short pause, to prove nothing fired). */
async function budgetServer(fix: boolean): Promise<Running> {
  const s = await start(
    wrapService(service, {
      async unary(call, ctx) {
        await new Promise((r) => setTimeout(r, 20));
        const d = ctx.deadline();
        return {
          remaining: d === undefined ? null : d.getTime() - Date.now(),
          err: ctx.err()?.message ?? null,
          keys: Object.keys(call.metadata.getMap()).sort(),
        };
      },
    }),
    { fix },
  );
  running.push(s);
  return s;
}

describe('fixGrpcTimeout: budgets grpc-js cannot read', () => {
  for (const header of ['600H', '99999999H', '2160000S', '35792M']) {
    it(`${header} is honoured: no wrapped, negative or early timer`, async () => {
      const s = await budgetServer(true);
      const r = await unary(s.client([rawMetadata({ 'grpc-timeout': header })]), {});
      const ms = parseGrpcTimeout(header)!;
      expect(ms).toBeGreaterThan(2 ** 31 - 1);
      expect(r.err).toBeNull();
      expect(r.remaining).toBeGreaterThan(ms - 1_000);
      expect(r.remaining).toBeLessThanOrEqual(ms);
    });
  }

  it('without it, grpc-js fails a 600H call at once with DEADLINE_EXCEEDED (why it exists)', async () => {
    const s = await budgetServer(false);
    const err = (await unary(s.client([rawMetadata({ 'grpc-timeout': '600H' })]), {}).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
  });

  it('a budget grpc-js reads correctly is the same with or without it', async () => {
    for (const fix of [true, false]) {
      const s = await budgetServer(fix);
      const r = await unary(s.client([rawMetadata({ 'grpc-timeout': '2S' })]), {});
      expect(r.remaining).toBeGreaterThan(1_500);
      expect(r.remaining).toBeLessThanOrEqual(2_000);
    }
  });

  for (const header of ['1.5S', '123456789m', '100', '-1S', '100x', '1 S']) {
    it(`a malformed value (${JSON.stringify(header)}) is ignored: no deadline`, async () => {
      const s = await budgetServer(true);
      const r = await unary(s.client([rawMetadata({ 'grpc-timeout': header })]), {});
      expect(r.remaining).toBeNull();
      expect(r.err).toBeNull();
    });
  }

  it('a client cannot forge the recorded deadline, with or without the fix', async () => {
    for (const fix of [true, false]) {
      const s = await budgetServer(fix);
      const r = await unary(s.client([rawMetadata({ 'ctxkit-grpc-deadline': 'x:1' })]), {});
      expect(r.remaining).toBeNull();
      expect(r.keys).not.toContain('ctxkit-grpc-deadline');
    }
  });

  it('handlers never see the recorded deadline in their metadata', async () => {
    const s = await budgetServer(true);
    const r = await unary(s.client([rawMetadata({ 'grpc-timeout': '5S' })]), {});
    expect(r.keys).not.toContain('ctxkit-grpc-deadline');
    expect(r.keys).not.toContain('grpc-timeout');
  });

  it('applies to a server already bound, and a second call does nothing', async () => {
    const s = await budgetServer(false);
    expect(fixGrpcTimeout(s.server)).toBe(s.server);
    expect(fixGrpcTimeout(s.server)).toBe(s.server);
    const r = await unary(s.client([rawMetadata({ 'grpc-timeout': '600H' })]), {});
    expect(r.err).toBeNull();
    expect(r.remaining).toBeGreaterThan(2_000_000_000);
  });

  it('names the argument it rejects', () => {
    expect(() => fixGrpcTimeout({} as Server)).toThrow(/fixGrpcTimeout: argument "server" must be a grpc-js Server/);
    expect(() => fixGrpcTimeout(undefined as never)).toThrow(TypeError);
  });
});

describe('the server’s deadline firing is never reported as a client cancel', () => {
  // The client sends the budget but sets no deadline of its own, so nothing
  // but the server's deadline ends the call: grpc-js's timer and the
  // context's race to it, and either way the context says DeadlineExceeded.
  for (const fix of [true, false]) {
    it(`the handler context ends with DeadlineExceeded (fixGrpcTimeout: ${fix})`, async () => {
      const seen: Context[] = [];
      const s = await start(
        wrapService(service, {
          async unary(_call, ctx) {
            seen.push(ctx);
            await done(ctx);
            throw ctx.err();
          },
        }),
        { fix },
      );
      running.push(s);
      const n = 20;
      const clients = Array.from({ length: 5 }, (_, i) => s.client([rawMetadata({ 'grpc-timeout': `${30 + i}m` })]));
      await Promise.all(clients.map((c) => ready(c)));
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => unary(clients[i % 5]!, {}).then(() => 'ok', (e: ServiceError) => e.code)),
      );
      expect(results).toEqual(Array(n).fill(status.DEADLINE_EXCEEDED));
      await until(() => seen.length === n && seen.every((ctx) => ctx.err() !== undefined), 2_000, 'every handler context to end');
      for (const ctx of seen) {
        expect(ctx.err()).toBe(DeadlineExceeded);
        expect(cause(ctx)).toBe(DeadlineExceeded);
      }
    });
  }

  it('a client whose own deadline fires first cancels the call: the handler context ends either way', async () => {
    const seen: Context[] = [];
    const s = await start(
      wrapService(service, {
        async unary(_call, ctx) {
          seen.push(ctx);
          await done(ctx);
          throw ctx.err();
        },
      }),
    );
    running.push(s);
    const c = s.client();
    await ready(c);
    const [ctx, cancel] = withTimeout(background(), 30);
    const err = (await unary(c, {}, callOptions(ctx)).catch((e: unknown) => e)) as ServiceError;
    cancel();
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    await until(() => seen.length === 1 && seen[0]!.err() !== undefined, 2_000, 'the handler context to end');
  });
});
