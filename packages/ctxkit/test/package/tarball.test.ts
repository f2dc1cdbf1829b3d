/**
 * The published tarball, made the way a release is made and installed the
 * way users install it: `npm pack` on a fresh clone (which must build
 * first), then `npm install <tarball>` into an empty project, offline. The
 * installed package must load as ESM and as CommonJS, type-check, and carry
 * its README and LICENSE.
 *
 * The "fresh clone" is a copy of the files git would clone (tracked and
 * untracked-but-not-ignored, so uncommitted work counts) with the root
 * node_modules linked in, so nothing is fetched.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_AND_SYNC_OUTPUT, coreAndSyncProgram } from '../harness/load-package.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The environment of a user's shell: none of the npm_* variables of the `npm test` running us. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], cwd: string, timeout = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout, env: ENV, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}): ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** Copies what `git clone` of the working tree would hold into `dest`. */
async function copyClone(dest: string): Promise<void> {
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  for (const rel of new Set(listed.split('\0').filter(Boolean))) {
    const from = join(ROOT, rel);
    const stat = await lstat(from).catch(() => undefined);
    if (stat === undefined) continue; // deleted in the working tree, not yet in the index
    await mkdir(dirname(join(dest, rel)), { recursive: true });
    if (stat.isSymbolicLink()) await symlink(await readlink(from), join(dest, rel));
    else if (stat.isFile()) await copyFile(from, join(dest, rel));
  }
}

const CONSUMER = `
import { background, createKey, withCancelCause, withTimeout, withValue, type CancelFunc, type Context } from 'ctxkit';
import { Group } from 'ctxkit/sync';

const rid = createKey<string>('rid');
const [ctx, cancel] = withCancelCause(withValue(background(), rid, 'r-1'));
const [, stop]: [Context, CancelFunc] = withTimeout(ctx, 1_000);
const id: string | undefined = ctx.value(rid);
const [group] = Group.withContext(ctx);
// @ts-expect-error a Key<string> takes a string
withValue(ctx, rid, 1);
// @ts-expect-error a CancelFunc is a function, never any
const notANumber: number = stop;
cancel(new Error('done'));
export { id, group, notANumber };
`;

let tmp = '';
let clone = '';
let app = '';
let tarball = '';
let entries: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ctxkit-pack-'));
  clone = join(tmp, 'clone');
  app = join(tmp, 'app');
  await copyClone(clone);
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  expect(existsSync(join(clone, 'packages', 'ctxkit', 'dist')), 'a fresh clone has no build').toBe(false);

  await run('npm', ['pack', '--pack-destination', tmp, '--no-update-notifier'], join(clone, 'packages', 'ctxkit'));
  const tgz = (await readdir(tmp)).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = join(tmp, tgz[0]!);
  entries = (await run('tar', ['-tzf', tarball], tmp)).split('\n').map((e) => e.replace(/^package\//, ''));

  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }));
  await run(
    'npm',
    ['install', tarball, '--offline', '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts'],
    app,
  );
}, 90_000);

afterAll(async () => {
  // node_modules in the clone is a link: rm removes the link, never its target.
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('npm pack on a fresh clone', () => {
  it('builds first: the tarball holds the ESM, CommonJS and type entry points', () => {
    for (const f of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(entries).toContain(`dist/${f}`);
      expect(entries).toContain(`dist/sync/${f}`);
    }
  });

  it('ships package.json, the README and the LICENSE', async () => {
    expect(entries).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    const installed = join(app, 'node_modules', 'ctxkit');
    expect(await readFile(join(installed, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(await readFile(join(installed, 'README.md'), 'utf8')).toMatch(/^# ctxkit\n/);
  });

  it('ships every file its exports map and typesVersions point at', async () => {
    const installed = join(app, 'node_modules', 'ctxkit');
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    const targets: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') targets.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    walk(pkg.typesVersions);
    walk([pkg.main, pkg.module, pkg.types]);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(existsSync(join(installed, t)), t).toBe(true);
  });
});

describe('the installed tarball', () => {
  it('installs offline with no dependencies of its own', async () => {
    const modules = (await readdir(join(app, 'node_modules'))).filter((f) => !f.startsWith('.'));
    expect(modules).toEqual(['ctxkit']);
  });

  it('loads as ESM, ctxkit/sync sharing the core with ctxkit', async () => {
    const out = await run(
      process.execPath,
      ['--input-type=module', '-e', coreAndSyncProgram(`const core = await import('ctxkit'); const sync = await import('ctxkit/sync');`)],
      app,
      20_000,
    );
    expect(out.split('\n')).toEqual(CORE_AND_SYNC_OUTPUT);
  });

  it('loads as CommonJS, ctxkit/sync sharing the core with ctxkit', async () => {
    const out = await run(
      process.execPath,
      ['--input-type=commonjs', '-e', coreAndSyncProgram(`const core = require('ctxkit'); const sync = require('ctxkit/sync');`)],
      app,
      20_000,
    );
    expect(out.split('\n')).toEqual(CORE_AND_SYNC_OUTPUT);
  });

  it('type-checks a consumer, as ESM and as CommonJS, with skipLibCheck off', async () => {
    await writeFile(join(app, 'consumer.mts'), CONSUMER);
    await writeFile(join(app, 'consumer.cts'), CONSUMER);
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app, 30_000);
  });
});
