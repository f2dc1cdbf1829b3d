/**
 * Two copies of ctxkit in one process behave as one: the ESM and the
 * CommonJS build of the package (an ESM app with a CommonJS dependency),
 * and two installs of the same version in different node_modules folders.
 * Run against the built package in a child process, as users load it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../harness/load-package.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PKG = fileURLToPath(new URL('../../', import.meta.url));

/** `a` makes the parent, `b` derives from it and inspects the result. */
const program = (load: string) => `
import { getEventListeners } from 'node:events';
${load}
const rid = a.createKey('rid');
const [parent, cancel] = a.withCancelCause(a.withValue(a.background(), rid, 'r-1'));
const psig = parent.signal;
const [child] = b.withCancel(parent);
const [g, gctx] = bs.Group.withContext(child);
const out = [];
out.push(String(child));
out.push([a.Canceled === b.Canceled, a.DeadlineExceeded === b.DeadlineExceeded, a.CanceledError === b.CanceledError, a.background() === b.background()].join(' '));
out.push('listeners ' + getEventListeners(psig, 'abort').length);
cancel(new Error('shutdown'));
out.push([child.err() === b.Canceled, b.isCanceled(child.err()), b.cause(child)?.message, b.cause(gctx)?.message, child.err() instanceof b.CanceledError].join(' '));
const [t, stop] = a.withTimeout(a.background(), -1);
out.push([b.isDeadlineExceeded(t.err()), String(b.withValue(t, 'k', 'v'))].join(' '));
stop();
await g.wait();
console.log(out.join('\\n'));
`;

const expected = [
  'context.Background.WithValue(rid, r-1).WithCancel.WithCancel',
  'true true true true',
  'listeners 0',
  'true true shutdown shutdown true',
  expect.stringMatching(/^true context\.Background\.WithDeadline\(.*\)\.WithValue\(k, v\)$/),
];

describe('two copies of ctxkit in one process', () => {
  it('ESM app, CommonJS dependency: a context made by the CommonJS build is a ctxkit context to the ESM build', async () => {
    const out = await runNode([
      '--input-type=module',
      '-e',
      program(`import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(ROOT + 'package.json')});
const a = require('ctxkit'); const b = await import('ctxkit'); const bs = await import('ctxkit/sync');`),
    ], ROOT);
    expect(out.split('\n')).toEqual(expected);
  });

  it('and the other way round: the ESM build made the parent', async () => {
    const out = await runNode([
      '--input-type=module',
      '-e',
      program(`import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(ROOT + 'package.json')});
const a = await import('ctxkit'); const b = require('ctxkit'); const bs = require('ctxkit/sync');`),
    ], ROOT);
    expect(out.split('\n')).toEqual(expected);
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two installs of the same version in different node_modules folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctxkit-two-installs-'));
    dirs.push(dir);
    for (const name of ['one', 'two']) {
      const at = join(dir, name, 'node_modules', 'ctxkit');
      mkdirSync(at, { recursive: true });
      cpSync(join(PKG, 'dist'), join(at, 'dist'), { recursive: true });
      cpSync(join(PKG, 'package.json'), join(at, 'package.json'));
      writeFileSync(join(dir, name, 'load.mjs'), `export * as core from 'ctxkit'; export * as sync from 'ctxkit/sync';`);
    }
    writeFileSync(
      join(dir, 'main.mjs'),
      program(`const one = await import('./one/load.mjs'); const two = await import('./two/load.mjs');
const a = one.core; const b = two.core; const bs = two.sync;`),
    );
    const out = await runNode(['main.mjs'], dir);
    expect(out.split('\n')).toEqual(expected);
  });
});
