/**
 * The debug page in real headless Chromium: the page as a browser renders
 * it (under its own Content-Security-Policy), hostile causes and keys shown
 * as text with nothing run and nothing fetched, a cancelled context gone on
 * reload; and the demo server (examples/debug-server.ts --serve) with its
 * leaks on the page, stopped by SIGINT.
 *
 * Screenshots go to test-results/ (not committed); docs/debug-page.png,
 * the one in the docs, is written when missing or with UPDATE_SCREENSHOT=1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page, chromium } from 'playwright-core';
import type { Snapshot } from '../../src/debug/index.js';
import { CAUSE_PAYLOAD, type Fixture, KEY_PAYLOAD, startFixture } from './page-fixture.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const DOCS_SHOT = join(ROOT, 'docs', 'debug-page.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Chromium and must run this; elsewhere it needs the package.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}`);
if (!available) console.warn(`browser tests need Chromium at ${CHROMIUM} (apt-get install chromium); not run`);

/** What a page did that a debug page must never do. */
interface Watch {
  dialogs: string[];
  errors: string[];
  requests: string[];
}

async function openPage(browser: Browser): Promise<{ page: Page; watch: Watch }> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const watch: Watch = { dialogs: [], errors: [], requests: [] };
  page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(String(e)));
  page.on('request', (r) => watch.requests.push(r.url()));
  return { page, watch };
}

/** Bounded wait for a condition checked by polling. */
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(available)('the debug page in headless Chromium', () => {
  let browser: Browser;
  let fx: Fixture;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    fx = await startFixture();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it('renders the live trees, shows a script tag and an attribute injection as text, runs and fetches nothing, and drops a cancelled context on reload', async () => {
    const { page, watch } = await openPage(browser);
    const url = fx.origin + '/debug/ctx/';
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);

    // The trees, line by line.
    const rows = page.locator('.tree li');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
    expect(await rows.filter({ hasText: /^\s*[├└]── WithValue key=job → WithCancel live age / }).count()).toBe(1);
    expect(await rows.filter({ hasText: /WithValue key=requestId → WithCancel live/ }).count()).toBe(1);
    expect(await rows.filter({ hasText: /WithDeadline live remaining 2\d(\.\d+)?s deadline .* 1 waiting\s+withTimeout at / }).count()).toBe(1);
    const liveFigure = page.locator('.stat').filter({ has: page.locator('dt', { hasText: /^live contexts$/ }) }).locator('.n');
    const snap = (await (await fetch(fx.origin + '/debug/ctx/json')).json()) as Snapshot;
    expect(await liveFigure.textContent()).toBe(String(snap.stats.liveContexts));

    // Hostile text is text: no element was made from it, nothing ran, nothing was fetched.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.cause').allTextContents()).toContain(`cause: Error: ${CAUSE_PAYLOAD}`);
    expect(await page.locator('.key').allTextContents()).toContain(`key=${KEY_PAYLOAD}`);
    // The inline styles apply under the page's CSP.
    const live = await page.locator('.st.s-live').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(live).not.toBe('rgba(0, 0, 0, 0)');
    await page.screenshot({ path: join(RESULTS, 'debug-page-fixture.png'), fullPage: true });

    fx.cancelJob();
    await page.reload();
    expect(await rows.filter({ hasText: 'key=job' }).count()).toBe(0);
    expect(await rows.filter({ hasText: 'key=requestId' }).count()).toBe(1);

    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.requests).toEqual([url, url]);
    await page.close();
  });

  it('shows the leaks of the demo server by creation site; the server stops on SIGINT', async () => {
    if (!existsSync(join(ROOT, 'packages/ctxkit/dist/debug/index.js'))) throw new Error('build first: npm run build');
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'examples/debug-server.ts', '--serve'], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'examples/tsconfig.run.json'), PORT: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until('the page URL', async () => /http:\/\/127\.0\.0\.1:\d+\/debug\/ctx\//.test(out));
      const url = /http:\/\/127\.0\.0\.1:\d+\/debug\/ctx\//.exec(out)![0];
      // Until the traffic has made every kind of leak.
      await until('the leaks', async () => {
        const json = JSON.stringify((await (await fetch(url + 'json')).json()) as Snapshot);
        return ['startWorker', 'waitForAny', 'processStream', 'report ('].every((s) => json.includes(s)) && (json.match(/processStream \(/g) ?? []).length >= 4;
      });
      const { page, watch } = await openPage(browser);
      await page.goto(url);
      const sites = await page.locator('table code').allTextContents();
      expect(sites.some((s) => /^withCancel at startWorker \(.*debug-server\.ts:\d+:\d+\)$/.test(s))).toBe(true);
      expect(sites.some((s) => /^withCancel at waitForAny \(.*debug-server\.ts:\d+:\d+\)$/.test(s))).toBe(true);
      expect(await page.locator('.tree li', { hasText: 'withTimeout at processStream' }).count()).toBeGreaterThanOrEqual(4);
      const shot = join(RESULTS, 'debug-page.png');
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(DOCS_SHOT)) copyFileSync(shot, DOCS_SHOT);
      expect(watch.dialogs).toEqual([]);
      expect(watch.errors).toEqual([]);
      await page.close();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited, out).toBe(0);
  });
});
