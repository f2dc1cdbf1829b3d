/**
 * The demo (`npm run demo`), end to end: three real processes on
 * 127.0.0.1 (an HTTP gateway, gRPC services A and B) driven by
 * examples/demo/main.ts against the BUILT package. The demo writes what
 * every hop reported to a JSON file (CTXKIT_DEMO_REPORT); this test checks
 * it, independently of the demo's own checks.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const RUN_TSCONFIG = join(here, 'tsconfig.run.json');
const TIMEOUT_MS = 30_000;

interface Described {
  kind: string;
  text: string;
}
interface Hop {
  hop: string;
  label: string;
  id: string;
  pid: number;
  remainingMs: number | null;
  end?: { err: Described; cause: Described; at: number };
}
interface Scenario {
  key: string;
  id: string;
  answer: { status?: number; body?: string; error?: string };
  hops: Hop[];
  checks: Array<{ ok: boolean; text: string }>;
  abortToHopMs?: Record<string, number>;
  warmAbortToBMs?: number[];
}

let dir: string;
let run: { code: number | null; stdout: string; stderr: string };
let scenarios: Record<string, Scenario>;

beforeAll(async () => {
  const dist = join(root, 'packages', 'ctxkit', 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" before the demo test`);
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-demo-'));
  const report = join(dir, 'report.json');
  run = await new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', 'demo', 'main.ts')],
      {
        cwd: root,
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: { ...process.env, TSX_TSCONFIG_PATH: RUN_TSCONFIG, CTXKIT_DEMO_REPORT: report, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' },
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null;
        done({ code, stdout, stderr });
      },
    );
  });
  scenarios = existsSync(report)
    ? Object.fromEntries((JSON.parse(readFileSync(report, 'utf8')) as { scenarios: Scenario[] }).scenarios.map((s) => [s.key, s]))
    : {};
}, TIMEOUT_MS + 5_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(key: string): Scenario {
  const s = scenarios[key];
  expect(s, `no results for scenario (${key}); exit ${run.code}; stderr:\n${run.stderr}`).toBeDefined();
  return s!;
}

const ofHop = (s: Scenario, hop: string) => s.hops.filter((h) => h.hop === hop);

describe('the three-process demo', () => {
  it('exits 0 with every check passed, and shuts its services down', () => {
    expect(run.code, `demo exited with ${run.code}; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('All checks passed.');
    expect(run.stdout).toContain('The gateway, A and B have shut down.');
    for (const header of ['(a) A normal request', '(b) The budget runs out', '(c) The client disconnects', '(d) A fan-out']) {
      expect(run.stdout).toContain(header);
    }
  });

  it('runs the gateway, A and B as three separate processes', () => {
    const pids = new Set(scenario('a').hops.map((h) => h.pid));
    expect(pids.size).toBe(3);
    expect(pids.has(process.pid)).toBe(false);
  });

  for (const key of ['a', 'b', 'c', 'd']) {
    it(`(${key}) carries the same request id to every hop, and every hop reports how its context ended`, () => {
      const s = scenario(key);
      expect(s.hops.map((h) => h.hop)).toEqual(expect.arrayContaining(['gateway', 'A', 'B']));
      for (const h of s.hops) {
        expect(h.id, `${h.hop} ${h.label}`).toBe(s.id);
        expect(h.end, `${h.hop} ${h.label} never reported its end`).toBeDefined();
      }
    });

    it(`(${key}) shrinks the remaining budget at each hop`, () => {
      const s = scenario(key);
      const budgets = ['gateway', 'A', 'B'].map((p) => ofHop(s, p).map((h) => h.remainingMs!));
      for (const b of budgets) for (const ms of b) expect(ms).toBeGreaterThan(0);
      expect(Math.max(...budgets[1]!)).toBeLessThan(Math.min(...budgets[0]!));
      expect(Math.max(...budgets[2]!)).toBeLessThan(Math.min(...budgets[1]!));
    });
  }

  it('(a) a completed request ends every context with cause Canceled, not a disconnect', () => {
    const s = scenario('a');
    expect(s.answer.status).toBe(200);
    expect(s.hops).toHaveLength(3);
    for (const h of s.hops) {
      expect(h.end!.err.kind).toBe('Canceled');
      expect(h.end!.cause.kind).toBe('Canceled');
    }
  });

  it('(b) a budget that runs out two hops down ends the last hop with DeadlineExceeded and answers 504', () => {
    const s = scenario('b');
    const [gateway] = ofHop(s, 'gateway');
    expect(gateway!.remainingMs).toBeLessThanOrEqual(300);
    const [b] = ofHop(s, 'B');
    expect(b!.end!.err.kind).toBe('DeadlineExceeded');
    expect(s.answer.status).toBe(504);
    expect(s.answer.body).toContain('DEADLINE_EXCEEDED');
  });

  it("(c) a client that disconnects mid-request cancels the last hop's handler context", () => {
    const s = scenario('c');
    expect(s.answer.error).toBe('Canceled');
    expect(ofHop(s, 'gateway')[0]!.end!.cause.kind).toBe('ClientDisconnected');
    for (const p of ['A', 'B']) {
      const [h] = ofHop(s, p);
      expect(h!.end!.err.kind).toBe('Canceled');
      expect(h!.end!.cause.kind).toBe('ClientCancelled');
    }
    const delay = s.abortToHopMs!.B!;
    const warm = [...s.warmAbortToBMs!].sort((x, y) => x - y);
    const median = warm[warm.length >> 1]!;
    console.log(`abort at the edge -> B's handler context cancelled: ${delay.toFixed(1)} ms (first), ${median.toFixed(1)} ms (median of ${warm.length} more)`);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(1_000);
    expect(median).toBeLessThan(1_000);
  });

  it("(d) a failing errgroup branch cancels its siblings' calls down the chain", () => {
    const s = scenario('d');
    expect(s.answer.status).toBe(404);
    const group = s.hops.find((h) => h.hop === 'A' && h.label.includes('errgroup'));
    expect(group!.end!.cause.text).toBe('NOT_FOUND: no price for gift-card');
    const bs = ofHop(s, 'B');
    expect(bs.map((h) => h.label).sort()).toEqual(['cake', 'gift-card', 'tea']);
    for (const h of bs) {
      expect(h.end!.err.kind).toBe('Canceled');
      expect(h.end!.cause.kind).toBe(h.label === 'gift-card' ? 'Canceled' : 'ClientCancelled');
    }
  });
});
