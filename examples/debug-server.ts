/**
 * The debug page on a running server, and three context leaks to find
 * with it.
 *
 * A node:http server with ctxkit/debug's page mounted at /debug/ctx and
 * derivation tracing on (every context shows the file:line that made it),
 * slow requests in flight, and three leaks:
 *
 * 1. a discarded cancel function in a loop — `startWorker` derives a worker
 *    context from the server's context per request and drops the cancel
 *    function: every worker lives as long as the server;
 * 2. a discarded cancel function per source — `waitForAny` races one
 *    context per source and cancels none of them;
 * 3. cancel functions collected in an array and called only at the end (what
 *    `defer cancel()` in a Go loop does) — `processStream` holds one live
 *    context and one armed deadline timer per event until the stream ends.
 *
 * `npm run demo:debug` runs it with `--serve`: it prints the page's URL
 * (port from PORT, default a free one), sends itself traffic, and runs until
 * Ctrl-C. Refresh the page: the startWorker and waitForAny rows keep
 * growing. Without `--serve` (as checked below) it makes its requests, reads
 * its own page and JSON, prints what they show, shuts down and exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CancelFunc, type Context, afterFunc, background, cause, race, sleep, withCancel, withCancelCause, withTimeout } from 'ctxkit';
import { type Snapshot, type SnapshotNode, debugHandler, enableTracing, escapeHtml, leakReport } from 'ctxkit/debug';
import { withRequestContext } from 'ctxkit/node';

// --- the leaks ----------------------------------------------------------------

/** LEAK: the cancel function is discarded, so the worker's context lives as long as `parent`. */
function startWorker(parent: Context): void {
  // eslint-disable-next-line ctxkit/no-lost-cancel -- the leak on show (the lint rule finds it too)
  const [ctx] = withCancel(parent);
  const tick = setInterval(() => {}, 1_000); // the worker's periodic job
  afterFunc(ctx, () => clearInterval(tick));
}

/** LEAK: one context per source, none ever cancelled: each stays below `ctx` until `ctx` ends. */
function waitForAny<T>(ctx: Context, sources: readonly Promise<T>[]): Promise<T> {
  const races: Promise<T>[] = [];
  for (const source of sources) {
    // eslint-disable-next-line ctxkit/no-lost-cancel -- the leak on show
    const [c] = withCancel(ctx);
    races.push(race(c, source));
  }
  return Promise.race(races);
}

/** LEAK: every event's cancel function waits for the end of the stream, like `defer cancel()` in a Go loop. */
async function processStream(ctx: Context, events: AsyncIterable<number>): Promise<number> {
  const cancels: CancelFunc[] = [];
  let handled = 0;
  try {
    for await (const ev of events) {
      const [evCtx, cancel] = withTimeout(ctx, 10_000);
      cancels.push(cancel); // fix: call cancel() once the event is handled
      await sleep(evCtx, ev % 3); // handle the event
      handled++;
      progress.emit('event');
    }
  } finally {
    for (const cancel of cancels) cancel();
  }
  return handled;
}

// --- the server -----------------------------------------------------------------

/** A slow handler with its own budget; fixed: its cancel function runs on every path. */
async function report(ctx: Context, ms: number): Promise<string> {
  const [work, cancel] = withTimeout(ctx, 10_000);
  try {
    progress.emit('report');
    await sleep(work, ms);
    return 'report ready';
  } finally {
    cancel();
  }
}

/** `count` events, `gapMs` apart; then the client keeps the stream open for `lingerMs`. */
async function* events(ctx: Context, count: number, gapMs: number, lingerMs: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(ctx, gapMs);
    yield i;
  }
  await sleep(ctx, lingerMs);
}

// For the checked run: what has happened so far.
/** Counts named events (a report started, a stream event handled, a response closed) and waits for counts. */
const progress = {
  counts: new Map<string, number>(),
  waiters: [] as { name: string; n: number; resolve: () => void }[],
  count(name: string): number {
    return this.counts.get(name) ?? 0;
  },
  emit(name: string): void {
    const c = this.count(name) + 1;
    this.counts.set(name, c);
    this.waiters = this.waiters.filter((w) => (w.name === name && w.n <= c ? (w.resolve(), false) : true));
  },
  until(name: string, n: number): Promise<void> {
    return this.count(name) >= n ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ name, n, resolve }));
  },
};

enableTracing();
const debug = debugHandler({ basePath: '/debug/ctx' });
const [serverCtx, stopServer] = withCancelCause(background());

const app = withRequestContext(
  async (req, res, ctx) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const n = (name: string, dflt: number): number => Number(url.searchParams.get(name) ?? dflt);
    try {
      if (url.pathname === '/work') {
        startWorker(serverCtx);
        res.end('worker started\n');
      } else if (url.pathname === '/report') res.end((await report(ctx, n('ms', 100))) + '\n');
      else if (url.pathname === '/stream') res.end(`${await processStream(ctx, events(ctx, n('events', 5), n('gap', 100), n('linger', 0)))} events\n`);
      else {
        res.statusCode = 404;
        res.end();
      }
    } catch {
      res.statusCode = 503;
      res.end(`${String(cause(ctx) ?? 'failed')}\n`);
    }
  },
  { parent: serverCtx, maxTimeoutMs: 30_000 },
);

const server = createServer((req, res) =>
  debug(req, res, () => {
    progress.emit('opened');
    res.once('close', () => progress.emit('closed'));
    void app(req, res);
  }),
);
const serve = process.argv.includes('--serve');
await new Promise<void>((r) => server.listen(serve ? Number(process.env.PORT ?? 0) : 0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Asks three replicas, keeps the first answer (and leaks three contexts). */
function poll(): Promise<string> {
  const replicas = [30, 10, 20].map((ms, i) => new Promise<string>((r) => setTimeout(r, ms, `replica ${i}`)));
  return waitForAny(serverCtx, replicas);
}

/** Cancels every request, waits for their responses, and closes the server. */
async function shutdown(): Promise<void> {
  stopServer(new Error('server shutting down'));
  await progress.until('closed', progress.count('opened'));
  await new Promise<void>((r) => server.close(() => r()));
}

if (serve) {
  console.log(`ctxkit debug page: ${base}/debug/ctx/   (JSON: ${base}/debug/ctx/json)`);
  console.log('Sending itself traffic; refresh the page to watch the leaks grow. Ctrl-C to stop.');
  const get = (path: string): void => void fetch(base + path).then((r) => r.text(), () => '');
  for (const path of ['/work', '/work', '/work', '/report?ms=4000', '/report?ms=20000', '/stream?events=20&gap=250']) get(path);
  void poll();
  const traffic = [
    setInterval(() => get('/work'), 1_000),
    setInterval(() => get(`/report?ms=${Math.round(500 + Math.random() * 12_000)}`), 1_500),
    setInterval(() => get('/stream?events=20&gap=500'), 8_000),
    setInterval(() => void poll(), 3_000),
  ];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const t of traffic) clearInterval(t);
      setTimeout(() => process.exit(0), 2_000).unref(); // should a client hold its connection open
      void shutdown().then(() => process.exit(0));
    });
  }
} else {
  // Five requests that each leak a worker, two polls, and, held in flight,
  // three slow reports and a stream that has had four events.
  for (let i = 0; i < 5; i++) await (await fetch(base + '/work')).text();
  await progress.until('closed', 5); // their request contexts have ended
  await poll();
  await poll();
  await sleep(background(), 40); // every replica has answered
  const held = [...Array(3).fill('/report?ms=60000'), '/stream?events=4&gap=0&linger=60000'].map(async (p: string) => {
    const r = await fetch(base + p);
    return `${r.status} ${(await r.text()).trim()}`;
  });
  await progress.until('report', 3);
  await progress.until('event', 4);

  const page = await fetch(base + '/debug/ctx/');
  const html = await page.text();
  console.log(`GET /debug/ctx/     ${page.status} ${page.headers.get('content-type')}`);
  const json = await fetch(base + '/debug/ctx/json');
  const snap = (await json.json()) as Snapshot;
  console.log(`GET /debug/ctx/json ${json.status} ${json.headers.get('content-type')}`);
  console.log(`counters: ${snap.stats.liveContexts} live contexts, ${snap.stats.armedTimers} armed timers, ${snap.stats.pendingWaits} pending waits`);

  console.log('live contexts made in this file, by creation site:');
  const bySite = new Map<string, number>();
  const sites = new Set<string>();
  const walk = (nodes: SnapshotNode[]): void => {
    for (const n of nodes) {
      // "fn (file:///…/debug-server.ts:33:19)", or the bare location at the top level
      const m = /^(?:(\S+) \()?.*\/([\w-]+\.ts):(\d+):\d+\)?$/.exec(n.site?.at ?? '');
      if (m !== null && m[2] === 'debug-server.ts') {
        const k = `${n.site!.api} at ${m[1] === undefined ? '' : m[1] + ' '}(${m[2]}:${m[3]})`;
        bySite.set(k, (bySite.get(k) ?? 0) + 1);
        sites.add(`${n.site!.api} at ${n.site!.at}`);
      }
      walk(n.children);
    }
  };
  for (const t of snap.trees) walk(t.children);
  for (const [site, count] of [...bySite].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`  ${count} × ${site}`);
  console.log(`the page shows each of these sites: ${[...sites].every((site) => html.includes(escapeHtml(site)))}`);

  await shutdown();
  const answers = await Promise.all(held);
  console.log(`held requests answered: ${[...new Set(answers)].map((a) => `${answers.filter((x) => x === a).length} × ${a}`).join(', ')}`);
  console.log(`live contexts left: ${leakReport({ olderThanMs: 0 }).total}`);
}


// Output:
// GET /debug/ctx/     200 text/html; charset=utf-8
// GET /debug/ctx/json 200 application/json; charset=utf-8
// counters: 27 live contexts, 11 armed timers, 4 pending waits
// live contexts made in this file, by creation site:
//   6 × withCancel at waitForAny (debug-server.ts:45)
//   5 × withCancel at startWorker (debug-server.ts:35)
//   4 × withTimeout at processStream (debug-server.ts:57)
//   3 × withTimeout at report (debug-server.ts:73)
//   1 × withCancelCause at <anonymous> (debug-server.ts:112)
// the page shows each of these sites: true
// held requests answered: 4 × 503 Error: server shutting down
// live contexts left: 0
