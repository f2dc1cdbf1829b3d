/**
 * The debug page and its JSON, served by a real node:http server and a real
 * Express application on 127.0.0.1 while known contexts are held.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, background, withCancel, withTimeout, withValue } from '../../src/index.js';
import {
  type DebugResponse,
  type Snapshot,
  debugFetchHandler,
  debugHandler,
  disableTracing,
  enableTracing,
  escapeHtml,
  renderPage,
  snapshot,
} from '../../src/debug/index.js';
import { toJson } from '../../src/debug/page.js';
import { CAUSE_PAYLOAD, type Fixture, KEY_PAYLOAD, startFixture, textOf } from './page-fixture.js';

const FIXTURE_SOURCE = readFileSync(fileURLToPath(new URL('./page-fixture.ts', import.meta.url)), 'utf8').split('\n');
const JOB_LINE = FIXTURE_SOURCE.findIndex((l) => l.includes('// JOB-SITE')) + 1;

/** The elements the page is made of: anything else (script, img, iframe ...) came from a snapshot's text. */
const PAGE_TAGS = new Set('html head meta title style body header h1 h2 small p time a dl div dt dd span b table thead tbody tr th td code ul li footer'.split(' '));

/** The attributes the page's own elements carry. */
const PAGE_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'class', 'title', 'href', 'colspan']);

/**
 * Every "<" of the page opens or closes one of the page's own elements,
 * whose attributes are the page's own (no event handler, no src), links
 * stay on the page, and every attribute value is quoted.
 */
function expectOnlyPageMarkup(html: string): void {
  const body = html.replace(/^<!doctype html>/, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  let tags = 0;
  for (const m of body.matchAll(/<(\/?)([^\s>/]*)([^>]*)>?/g)) {
    tags++;
    expect(PAGE_TAGS, `unexpected element <${m[2]}>`).toContain(m[2]!.toLowerCase());
    const attrs = m[3]!;
    expect(attrs.replace(/\s[a-z-]+="[^"<>]*"/g, '').trim(), `unquoted attribute in <${m[2]}${attrs}>`).toBe('');
    for (const a of attrs.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
      expect(PAGE_ATTRIBUTES, `attribute ${a[1]} of <${m[2]}>`).toContain(a[1]);
      if (a[1] === 'href') expect(['', '?format=json']).toContain(a[2]);
    }
  }
  expect(tags).toBeGreaterThan(20);
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: string }> {
  const r = await fetch(url, init);
  return { status: r.status, headers: r.headers, body: await r.text() };
}

describe('mounting the debug handler', () => {
  it('switches context tracking on: the page is off unless mounted', () => {
    expect(snapshot().tracking).toBe(false);
    debugHandler();
    expect(snapshot().tracking).toBe(true);
    disableTracing();
  });

  it('rejects options of the wrong type, naming them', () => {
    expect(() => debugHandler({ basePath: 'debug' })).toThrow(/option "basePath" must be "" or a path starting with "\/", got "debug"/);
    expect(() => debugHandler({ basePath: '/debug?x' })).toThrow(TypeError);
    expect(() => debugHandler({ values: 'yes' as unknown as boolean })).toThrow(/option "values" must be a boolean/);
    expect(() => debugHandler(null as unknown as object)).toThrow(/argument "opts" must be an object/);
    expect(() => debugFetchHandler({ basePath: 7 as unknown as string })).toThrow(/debugFetchHandler: option "basePath"/);
  });
});

describe('the debug page on a node:http server', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('serves the page as HTML that can run no script, is never cached and never sniffed', async () => {
    const r = await get(fx.origin + '/debug/ctx/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toMatch(/script-src|unsafe-eval/);
    expect(r.body.startsWith('<!doctype html>')).toBe(true);
    expect(r.body).not.toMatch(/http-equiv|<script|<link|@import|url\(/i);
    expectOnlyPageMarkup(r.body);
    // Also without the trailing slash.
    expect((await get(fx.origin + '/debug/ctx')).body).toContain('<title>ctxkit');
  });

  it('draws each live context with its kind, the keys it was derived through, state, deadline, remaining time, age and creation site', async () => {
    const text = textOf((await get(fx.origin + '/debug/ctx/')).body);
    // The held request: request scope, its budget, the handler's own deadline.
    expect(text).toMatch(/WithValue key=requestId → WithCancel live age [\d.]+m?s {2}withCancelCause at beginRequest \(/);
        expect(text).toMatch(new RegExp(`WithValue key=job → WithCancel live age [\\d.]+m?s  withCancel at startFixture \\(.*page-fixture\\.ts:${JOB_LINE}:\\d+\\)`));
    // The handler's sleep waits on its deadline context.
    expect(text).toMatch(/WithDeadline live remaining 2\d(\.\d+)?s deadline \d{4}-\d\d-\d\dT[\d:.]+Z age [\d.]+m?s 1 waiting {2}withTimeout at .*page-fixture\.ts:\d+:\d+\)/);
    // The counters, and the table of creation sites.
    for (const label of ['live contexts', 'derived', 'cancelled', 'armed timers', 'foreign registrations', 'pending waits']) expect(text).toContain(label);
    expect(text).toMatch(new RegExp(`1withCancel at startFixture \\(.*page-fixture\\.ts:${JOB_LINE}:\\d+\\)\\d`));
    expect(text).toContain('Values are shown by key only.');
  });

  it('shows causes, keys and sites as text: a script tag and an attribute injection stay literal', async () => {
    const r = await get(fx.origin + '/debug/ctx/');
    expect(r.body).not.toContain(CAUSE_PAYLOAD);
    expect(r.body).not.toContain(KEY_PAYLOAD);
    expect(r.body).not.toMatch(/<img|<script/i);
    expect(r.body).toContain(escapeHtml(CAUSE_PAYLOAD));
    expect(r.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expectOnlyPageMarkup(r.body);
    const text = textOf(r.body);
    // The audit job outlived its request: the tree's top shows the request, cancelled with its cause.
    expect(text).toContain(`WithCancel canceled cause: Error: ${CAUSE_PAYLOAD}`);
    expect(text).toContain(`WithValue key=${KEY_PAYLOAD} → WithDeadline live`);
  });

  it('shows values by key only, unless mounted with values: true (escaped too)', async () => {
    const plain = await get(fx.origin + '/debug/ctx/');
    expect(plain.body).not.toContain('slow-1');
    expect(plain.body).not.toContain('nightly');
    const withValues = await get(fx.origin + '/values/');
    const text = textOf(withValues.body);
    expect(text).toContain('WithValue key=requestId value=slow-1 → WithCancel live');
    expect(text).toContain('WithValue key=job value=<b>nightly</b> → WithCancel live');
    expect(withValues.body).toContain('value=&lt;b&gt;nightly&lt;/b&gt;');
    expect(text).toContain('Values are shown');
    expectOnlyPageMarkup(withValues.body);
  });

  it('serves the snapshot as JSON at /json and ?format=json, values by key only', async () => {
    for (const path of ['/debug/ctx/json', '/debug/ctx/?format=json', '/debug/ctx?format=json']) {
      const r = await get(fx.origin + path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      // Nothing in it can close a tag, wherever it ends up.
      expect(r.body).not.toMatch(/[<>]/);
      const snap = JSON.parse(r.body) as Snapshot;
      expect(snap.tracking).toBe(true);
      expect(snap.stats.liveContexts).toBeGreaterThan(0);
      expect(r.body).not.toContain('slow-1');
      expect(r.body).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
      const all = JSON.stringify(snap);
      expect(all).toContain(CAUSE_PAYLOAD);
      expect(all).toContain('"key":"job"');
    }
    const values = JSON.parse((await get(fx.origin + '/values/json')).body) as Snapshot;
    expect(JSON.stringify(values)).toContain('"value":"slow-1"');
  });

  it('drops a cancelled context on the next fetch, and counts it', async () => {
    const before = await get(fx.origin + '/debug/ctx/');
    const snapBefore = JSON.parse((await get(fx.origin + '/debug/ctx/json')).body) as Snapshot;
    expect(textOf(before.body)).toContain('key=job → WithCancel live');
    fx.cancelJob();
    const after = await get(fx.origin + '/debug/ctx/');
    const snapAfter = JSON.parse((await get(fx.origin + '/debug/ctx/json')).body) as Snapshot;
    expect(textOf(after.body)).not.toContain('key=job');
    expect(JSON.stringify(snapAfter)).not.toContain('"key":"job"');
    expect(snapAfter.stats.liveContexts).toBe(snapBefore.stats.liveContexts - 1);
    expect(snapAfter.stats.cancelled).toBe(snapBefore.stats.cancelled + 1);
  });

  it('hands other paths to next(), answers 404 without one, and 405 to other methods than GET and HEAD', async () => {
    expect((await get(fx.origin + '/debug/ctx/nope')).body).toBe('app');
    expect((await get(fx.origin + '/debug/ctxfoo')).body).toBe('app');
    expect((await get(fx.origin + '/elsewhere')).body).toBe('app');
    const missing = await get(fx.origin + '/values/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const r = await get(fx.origin + '/debug/ctx/', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    const head = await get(fx.origin + '/debug/ctx/json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(head.body).toBe('');
  });
});

describe('the debug page in an Express application', () => {
  let server: Server;
  let origin: string;
  let stop: () => void;

  beforeAll(async () => {
    const app = express();
    app.use('/debug/ctx', debugHandler());
    app.use('/full', debugHandler({ basePath: '/full' }));
    app.get('/', (_req, res) => void res.send('home'));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const [ctx, cancel] = withCancel(withValue(background(), 'tenant', 'acme'));
    stop = cancel;
    void ctx;
  });
  afterAll(async () => {
    stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    disableTracing();
  });

  it('serves the page below the mount path, with or without basePath', async () => {
    for (const url of ['/debug/ctx', '/debug/ctx/', '/full', '/full/']) {
      const r = await get(origin + url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(textOf(r.body)).toContain('WithValue key=tenant → WithCancel live');
    }
    const json = await get(origin + '/debug/ctx/json');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.stringify(JSON.parse(json.body))).toContain('"key":"tenant"');
    expect(json.body).not.toContain('acme');
    expect((await get(origin + '/full/json')).status).toBe(200);
  });

  it("leaves other paths to Express's next handler, and answers 405 to a POST", async () => {
    expect((await get(origin + '/')).body).toBe('home');
    expect((await get(origin + '/debug/ctx/other')).status).toBe(404);
    const post = await get(origin + '/debug/ctx/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('debugFetchHandler', () => {
  it('answers web-standard Requests with the page, the JSON, 404 and 405', async () => {
    const h = debugFetchHandler({ basePath: '/debug/ctx' });
    const [ctx, cancel] = withTimeout(withValue(background(), 'tenant', 'acme'), 60_000);
    try {
      const page = h(new Request('http://x/debug/ctx/'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(textOf(await page.text())).toContain('WithValue key=tenant → WithDeadline live');
      const json = h(new Request('http://x/debug/ctx/json'));
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect((JSON.parse(await json.text()) as Snapshot).trees.length).toBeGreaterThan(0);
      expect(h(new Request('http://x/other')).status).toBe(404);
      const post = h(new Request('http://x/debug/ctx/', { method: 'POST' }));
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = h(new Request('http://x/debug/ctx/', { method: 'HEAD' }));
      expect(await head.text()).toBe('');
    } finally {
      cancel();
      disableTracing();
    }
    void ctx;
  });
});

/** A structural response, as the handler's types allow. */
function fakeResponse(): DebugResponse & { headers: Record<string, string>; body: string } {
  return {
    statusCode: 0,
    headers: {},
    body: '',
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    end(body?: string) {
      this.body = body ?? '';
    },
  };
}

describe('renderPage', () => {
  it('escapes every string of a hostile snapshot, wherever it is shown', () => {
    const x = '<script>alert(1)</script>"\'&<img src=x onerror=alert(2)>';
    const site = { api: x, at: x, time: 0 };
    const view = { kind: x, state: x, cause: x, deadline: x, remaining: x, key: x, value: x, site };
    const snap = {
      time: x,
      tracking: true,
      stats: { liveContexts: 1, derived: 1, cancelled: 0, armedTimers: 0, foreignRegistrations: 0, pendingWaits: 0 },
      trees: [{ above: [view], children: [{ ...view, id: 1, ageMs: 5, waiting: 1, via: [view], children: [] }] }],
    } as unknown as Snapshot;
    const html = renderPage(snap);
    expect(html).not.toMatch(/<script|<img/);
    expectOnlyPageMarkup(html);
    const text = textOf(html);
    expect(text.split(x).length - 1).toBeGreaterThanOrEqual(20);
  });

  it('shows control characters and bidirectional overrides as escapes', () => {
    expect(escapeHtml('a\u202Eb\u0000c\u0007\td\ne')).toBe('a\\u202eb\\u0000c\\u0007\td\ne');
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('reads a malformed snapshot (JSON from elsewhere) without throwing, leaving out what has the wrong type', () => {
    for (const bad of [{}, { trees: 'x', stats: null }, { trees: [null, 1, { above: 3, children: [null, { kind: 7, children: 'no' }] }] }, null]) {
      const html = renderPage(bad as unknown as Snapshot);
      expect(html).toContain('<title>ctxkit');
      expectOnlyPageMarkup(html);
    }
    const cyclic: Record<string, unknown> = { kind: 'WithCancel', state: 'live', ageMs: 1, via: [] };
    cyclic.children = [cyclic];
    expect(() => renderPage({ time: '', tracking: true, trees: [{ above: [], children: [cyclic] }] } as unknown as Snapshot)).not.toThrow();
  });

  it('draws 50 children of a context and sums up the rest by creation site', () => {
    const [server, stop] = withCancel(background());
    enableTracing();
    const [parent, stopParent] = withCancel(server);
    for (let i = 0; i < 500; i++) withCancel(parent);
    const html = renderPage(snapshot());
    stopParent();
    stop();
    disableTracing();
    const text = textOf(html);
    expect(text.match(/^[│ ]*[├└]── WithCancel live/gm)).toHaveLength(1 + 50);
    expect(text).toMatch(/… 450 more children: 450 × withCancel at \S*page\.test\.ts:\d+:\d+\n/);
    expect(text).toMatch(/\n500withCancel at \S*page\.test\.ts:\d+:\d+/); // the by-site table counts them all
  });

  it('draws a chain thousands of contexts deep (a context rebound in a loop), and serves it as JSON', () => {
    const h = debugHandler();
    let ctx: Context = background();
    const cancels: (() => void)[] = [];
    for (let i = 0; i < 5000; i++) {
      const [c, cancel] = withCancel(ctx);
      ctx = c;
      cancels.push(cancel);
    }
    const page = fakeResponse();
    h({ url: '/', method: 'GET' }, page);
    const json = fakeResponse();
    h({ url: '/json', method: 'GET' }, json);
    cancels[0]!();
    disableTracing();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('[depth 33]');
    expect(textOf(page.body)).toMatch(/… \d+ more contexts not drawn \(the JSON has them all\)/);
    expect(page.body.length).toBeLessThan(2_000_000);
    expect(json.statusCode).toBe(200);
    let depth = 0;
    for (let n = (JSON.parse(json.body) as Snapshot).trees[0]!.children[0]; n !== undefined; n = n.children[0]) depth++;
    expect(depth).toBe(5000);
  });
});

describe('the JSON writer', () => {
  it('writes what JSON.stringify writes, with <, > and & escaped', () => {
    const data = { a: [1, 'x<y>&z', true, null, { b: undefined, c: -0.5, d: [] }], e: {}, f: '\u2028', g: Number.NaN };
    const out = toJson(data);
    expect(out).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(data)));
    expect(out).toBe(JSON.stringify(data).replace(/[<>&\u2028]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
  });
});
