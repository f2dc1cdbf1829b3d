/**
 * The core and sync tests, unchanged, in headless Chromium: Vitest's browser
 * mode with the playwright provider, driving Debian's Chromium
 * (CHROMIUM_PATH, else /usr/bin/chromium) as test/runtime/browser.test.ts
 * does. `node:events` and `node:vm` resolve to small browser equivalents
 * (test/harness/browser/); Chromium exposes gc() and a precise heap size to
 * the leak tests.
 */
/// <reference types="@vitest/browser/providers/playwright" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { portableTests } from './vitest.runtimes.config.js';

const harness = (file: string) => fileURLToPath(new URL(`./packages/ctxkit/test/harness/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: { 'node:events': harness('browser/events.ts'), 'node:vm': harness('browser/vm.ts') },
  },
  test: {
    include: portableTests,
    setupFiles: [harness('browser/events.ts'), harness('setup.ts')],
    provide: { runtime: 'browser' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      provider: 'playwright',
      headless: true,
      screenshotFailures: false,
      instances: [
        {
          browser: 'chromium',
          launch: {
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            args: [
              '--no-sandbox',
              '--disable-gpu',
              '--disable-quic',
              '--no-first-run',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--js-flags=--expose-gc',
              '--enable-precise-memory-info',
            ],
          },
        },
      ],
    },
  },
});
