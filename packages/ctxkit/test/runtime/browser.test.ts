/**
 * The core entry point is runtime-agnostic (no `node:` imports): this loads
 * the built ESM bundle into real headless Chromium, served from a real
 * node:http server on 127.0.0.1, and exercises it there, including a real
 * fetch aborted through ctx.signal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';

const DIST_DIR = fileURLToPath(new URL('../../dist/', import.meta.url));
const DIST = join(DIST_DIR, 'index.js');
const FIXTURE = fileURLToPath(new URL('./browser-fixture.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Chromium (.ci/run) and must run this; elsewhere it needs the package.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}`);
if (!available) console.warn(`browser tests need Chromium at ${CHROMIUM} (apt-get install chromium); not run`);

describe.runIf(available)('the core in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let origin: string;
  const pending = new Set<() => void>();

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error('build first: npm run build');
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      const file = url.startsWith('/dist/') ? resolve(DIST_DIR, '.' + url.slice('/dist'.length)) : '';
      if (file.startsWith(DIST_DIR) && file.endsWith('.js') && existsSync(file)) {
        // The ESM build as published: both entry points and the chunk they share.
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file, 'utf8'));
      } else if (req.url === '/browser-fixture.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(FIXTURE, 'utf8'));
      } else if (req.url === '/slow') {
        // Answers only when the client goes away or the test ends.
        const end = () => res.end('late');
        pending.add(end);
        res.on('close', () => pending.delete(end));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>ctxkit</title>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const end of pending) end();
    await new Promise((r) => server?.close(r));
  });

  it('derives, cancels a subtree, aborts signals, runs afterFunc, fires deadlines, aborts a real fetch, and runs ctxkit/sync', async () => {
    const page = await browser.newPage();
    await page.goto(origin + '/');
    const result = (await page.evaluate("import('/browser-fixture.js').then((m) => m.run(location.origin))")) as Record<string, unknown>;
    expect(result.order).toEqual(['root:context canceled', 'a', 'returned', 'afterFunc']);
    expect(result.siblingLive).toBe(true);
    expect(result.reasonIsErr).toBe(true);
    expect(result.timeoutErr).toBe(true);
    expect(result.fetch).toBe('DeadlineExceeded');
    expect(result.describe).toBe('context.TODO.WithValue(rid, r-1).WithCancel');
    expect(result.sleep).toBe('Canceled');
    expect(result.group).toEqual(['sibling saw: boom', 'wait: boom', 'cause is the error: true']);
    expect(result.mutex).toBe('DeadlineExceeded, lock free afterwards: true');
    await page.close();
  });
});
