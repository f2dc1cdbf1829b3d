/**
 * Checked examples, as Go's `Example` functions: every examples/<name>.ts is
 * a runnable program that ends with an `// Output:` comment block, one
 * `// <line>` per line it prints. Each is run as its own process against the
 * BUILT package (`npm run build` first: 'ctxkit' resolves through
 * node_modules to packages/ctxkit/dist, not to the sources) and its stdout
 * must equal that block exactly. tour.ts, the narrated demo, only has to
 * exit 0 and print something.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const TIMEOUT_MS = 20_000;

/** tsconfig without "paths", so tsx leaves 'ctxkit' to Node's resolution (the built package). */
const RUN_TSCONFIG = join(here, 'tsconfig.run.json');

const SELF = 'examples.test.ts';
const TOUR = 'tour.ts';

const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts') && f !== SELF)
  .sort();

/**
 * The expected output: the lines after the last `// Output:` line, each
 * stripped of its `// ` prefix (`//` alone is an empty line). Null when the
 * file has no Output block.
 */
export function expectedOutput(source: string): string[] | null {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.trim() === '// Output:') {
      start = i;
      break;
    }
  }
  if (start === -1) return null;
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const t = line.trimEnd();
    if (t === '') continue; // trailing blank lines of the file
    if (t === '//') out.push('');
    else if (t.startsWith('// ')) out.push(t.slice(3));
    else throw new Error(`line after "// Output:" is not a comment: ${JSON.stringify(line)}`);
  }
  return out;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(file: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', file)],
      {
        cwd: root,
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, TSX_TSCONFIG_PATH: RUN_TSCONFIG, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' },
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        done({
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

function lines(stdout: string): string[] {
  const l = stdout.replace(/\r\n/g, '\n').split('\n');
  if (l.at(-1) === '') l.pop();
  return l;
}

beforeAll(() => {
  const dist = join(root, 'packages', 'ctxkit', 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" before the examples test`);
});

describe('examples', () => {
  it('include the demo and at least one checked example', () => {
    expect(files).toContain(TOUR);
    expect(files.filter((f) => f !== TOUR).length).toBeGreaterThan(0);
  });

  for (const file of files.filter((f) => f !== TOUR)) {
    it(`${file} prints exactly its Output block`, async () => {
      const want = expectedOutput(readFileSync(join(here, file), 'utf8'));
      expect(want, `${file} has no "// Output:" block`).not.toBeNull();
      const r = await run(file);
      expect(r.code, `${file} exited with ${r.code ?? r.signal}; stderr:\n${r.stderr}`).toBe(0);
      expect(lines(r.stdout)).toEqual(want);
    });
  }

  it(`${TOUR} (npm run demo:tour) exits 0 and prints its tour`, async () => {
    const r = await run(TOUR);
    expect(r.code, `tour exited with ${r.code ?? r.signal}; stderr:\n${r.stderr}`).toBe(0);
    expect(lines(r.stdout).length).toBeGreaterThan(10);
  });
});

describe('expectedOutput', () => {
  it('reads the lines after the last Output marker and keeps empty lines', () => {
    expect(expectedOutput('x\n// Output:\n// a\n//\n//  b\n')).toEqual(['a', '', ' b']);
  });
  it('is null for a file without an Output block', () => {
    expect(expectedOutput('console.log(1);\n// a comment\n')).toBeNull();
  });
  it('rejects code after the Output block', () => {
    expect(() => expectedOutput('// Output:\n// a\nconsole.log(1);\n')).toThrow(/not a comment/);
  });
});
