/**
 * A real node:http server with the debug page mounted and known contexts
 * held, for page.test.ts and page.browser.test.ts:
 *
 * - a request in flight (`x-request-id: slow-1`) whose handler holds a
 *   30 s `withTimeout` of its own;
 * - a job `withCancel(withValue(server, job, '<b>nightly</b>'))` that a
 *   test cancels;
 * - an audit job that outlives its request (`withoutCancel`), below a key
 *   named like an HTML attribute injection, the request cancelled with a
 *   cause holding a script tag.
 *
 * Routes: /debug/ctx/… the page (values by key only; anything else below
 * goes to `next`, which answers "app"); /values/… the page with values (no
 * `next`: 404); /slow the held request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Context, background, createKey, sleep, withCancel, withCancelCause, withTimeout, withValue, withoutCancel } from '../../src/index.js';
import { debugHandler, disableTracing, enableTracing } from '../../src/debug/index.js';
import { withRequestContext } from '../../src/node/index.js';

export const CAUSE_PAYLOAD = '<script>alert(1)</script>';
export const KEY_PAYLOAD = '"><img src=x onerror=alert(1)>';
export const jobKey = createKey<string>('job');

export interface Fixture {
  origin: string;
  /** The server's root context, parent of every request context. */
  serverCtx: Context;
  /** The handler's own deadline context of the held request. */
  slowWork: Context;
  /** Cancels the nightly job. */
  cancelJob(): void;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  enableTracing();
  const debug = debugHandler({ basePath: '/debug/ctx' });
  const debugValues = debugHandler({ basePath: '/values', values: true });

  const [serverCtx, stopServer] = withCancel(background());
  let arrived!: (work: Context) => void;
  const held = new Promise<Context>((r) => (arrived = r));
  const app = withRequestContext(
    async (req, res, ctx) => {
      if (req.url !== '/slow') return void res.end('app');
      const [work, cancel] = withTimeout(ctx, 30_000);
      arrived(work);
      try {
        await sleep(work, 60_000);
      } catch {
        // the server is shutting down
      } finally {
        cancel();
      }
      res.end('slow done');
    },
    { parent: serverCtx, maxTimeoutMs: 60_000 },
  );
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/values')) return debugValues(req, res);
    debug(req, res, () => void app(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const slowResponse = fetch(origin + '/slow', { headers: { 'x-request-id': 'slow-1' } }).then((r) => r.text());
  const slowWork = await held;

  const [job, cancelJob] = withCancel(withValue(serverCtx, jobKey, '<b>nightly</b>')); // JOB-SITE
  void job;

  const [request, endRequest] = withCancelCause(serverCtx);
  const [audit, endAudit] = withTimeout(withValue(withoutCancel(request), KEY_PAYLOAD, 'v'), 60_000);
  void audit;
  endRequest(new Error(CAUSE_PAYLOAD));

  return {
    origin,
    serverCtx,
    slowWork,
    cancelJob,
    async close() {
      endAudit();
      cancelJob();
      stopServer();
      await slowResponse;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      disableTracing();
    },
  };
}

/** The text of an HTML page as a browser would show it: no style, no tags, entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
}
