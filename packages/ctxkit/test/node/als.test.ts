/**
 * The current context through AsyncLocalStorage: binding, nesting,
 * callbacks, and isolation between 1,000 concurrent requests on a real
 * server.
 */
import { EventEmitter } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { background, createKey, done, sleep, withCancel, withTimeout, withValue } from '../../src/index.js';
import { bindContext, current, requestId, runWithContext, withRequestContext } from '../../src/node/index.js';
import { serve } from '../http/helpers.js';

const name = createKey<string>('name');
const named = (n: string) => withValue(background(), name, n);

describe('runWithContext and current', () => {
  it('current() is undefined outside any binding', () => {
    expect(current()).toBeUndefined();
  });

  it('binds the context for fn and returns what fn returns, passing the arguments', () => {
    const ctx = named('a');
    expect(runWithContext(ctx, (x: number, y: number) => (current() === ctx ? x + y : -1), 2, 3)).toBe(5);
    expect(current()).toBeUndefined();
  });

  it('follows awaits, timers and promise callbacks started inside', async () => {
    const ctx = named('a');
    const seen = await runWithContext(ctx, async () => {
      const out: unknown[] = [];
      await Promise.resolve();
      out.push(current()?.value(name));
      await new Promise((r) => setTimeout(r, 5));
      out.push(current()?.value(name));
      await new Promise<void>((r) => queueMicrotask(() => r()));
      out.push(current()?.value(name));
      return out;
    });
    expect(seen).toEqual(['a', 'a', 'a']);
  });

  it('nests: the innermost binding wins until it returns', async () => {
    const outer = named('outer');
    const inner = named('inner');
    await runWithContext(outer, async () => {
      const p = runWithContext(inner, async () => {
        await sleep(background(), 1);
        return current()?.value(name);
      });
      expect(current()).toBe(outer);
      expect(await p).toBe('inner');
      expect(current()).toBe(outer);
    });
  });

  it('keeps a cancelled context current: code after the cancel sees its err()', async () => {
    const [ctx, cancel] = withCancel(background());
    await runWithContext(ctx, async () => {
      cancel();
      await Promise.resolve();
      expect(current()?.err()).toBeDefined();
    });
  });

  it('bindContext runs a callback with its context wherever it is called from', () => {
    const bus = new EventEmitter();
    const seen: unknown[] = [];
    runWithContext(named('request-1'), () => {
      bus.on('tick', bindContext(named('subscriber'), () => seen.push(current()?.value(name))));
    });
    runWithContext(named('request-2'), () => bus.emit('tick'));
    bus.emit('tick');
    expect(seen).toEqual(['subscriber', 'subscriber']);
  });

  it('validates its arguments, naming them', () => {
    expect(() => runWithContext(undefined as never, () => 1)).toThrow(/runWithContext: nil context \(argument "ctx"/);
    expect(() => runWithContext(background(), 'f' as never)).toThrow(/argument "fn" must be a function/);
    expect(() => bindContext(background(), null as never)).toThrow(/bindContext: argument "fn"/);
  });
});

describe('the server binds each request', () => {
  it('isolates 1,000 concurrent requests: each reads its own id through current() after awaits', async () => {
    const N = 1_000;
    let inFlight = 0;
    let peak = 0;
    // Every handler waits until all N are in flight (bounded: 5 s at most).
    let open!: () => void;
    const allIn = new Promise<void>((r) => (open = r));
    const [bound, endBound] = withTimeout(background(), 5_000);
    const srv = await serve(
      withRequestContext(async (_req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        if (inFlight === N) open();
        const first = requestId(current()!);
        await Promise.race([allIn, done(bound)]);
        await sleep(background(), Math.random() * 5);
        const second = requestId(current()!);
        await new Promise((r) => setImmediate(r));
        const third = requestId(current()!);
        inFlight--;
        res.end(JSON.stringify([first, second, third]));
      }),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: N });
    const { port } = new URL(srv.url);
    try {
      const get = (id: string) =>
        new Promise<string>((resolve, reject) => {
          const r = httpRequest({ host: '127.0.0.1', port, agent, headers: { 'x-request-id': id } }, (res) => {
            let s = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (s += c));
            res.on('end', () => resolve(s));
          });
          r.on('error', reject);
          r.end();
        });
      const ids = Array.from({ length: N }, (_, i) => `req-${i}`);
      const answers = await Promise.all(ids.map(get));
      answers.forEach((a, i) => expect(JSON.parse(a)).toEqual([ids[i], ids[i], ids[i]]));
      expect(peak).toBe(N); // all of them were in flight at once
      expect(current()).toBeUndefined(); // nothing leaked into the test's own context
    } finally {
      endBound();
      agent.destroy();
      await srv.close();
    }
  });
});
