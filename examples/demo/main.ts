/**
 * `npm run demo`: one request id, one budget and one cancellation, across
 * three processes.
 *
 *   client (this process) ─HTTP─▶ gateway ─gRPC─▶ A (orders) ─gRPC─▶ B (prices)
 *
 * The gateway is a node:http server with ctxkit/node request contexts; A
 * and B are grpc-js servers whose handlers ctxkit/grpc wraps; each calls
 * the next through ctxkit/grpc's client interceptor. This process starts
 * them (127.0.0.1, port 0: each reports its port over IPC), then plays the
 * client with ctxkit/http's fetchWithContext:
 *
 *   (a) a normal request;
 *   (b) a budget that runs out two hops down;
 *   (c) a client that disconnects mid-request;
 *   (d) a fan-out (an errgroup in A) where one branch fails.
 *
 * Every hop reports over IPC what its context saw: the request id, the
 * budget left on arrival, and how the context ended (`err()`, `cause()`).
 * Reports are keyed by request id, so they arrive even when the request
 * fails. Everything is bounded: a process that does not start, a report
 * that does not come, or a demo that runs past 50 s kills the services and
 * exits non-zero.
 *
 * Set CTXKIT_DEMO_REPORT=<file> to also get the results as JSON (the e2e
 * test reads them).
 *
 * Run: npm run demo
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Context, background, cause, race, withCancelCause, withTimeout, withTimeoutCause } from 'ctxkit';
import { fetchWithContext, withRequestId } from 'ctxkit/http';
import { type ArriveReport, type ChildMessage, type Described, type EndReport, describe, now } from './shared.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
/** tsconfig without "paths": 'ctxkit' resolves to the built package, as for a user. */
const RUN_TSCONFIG = join(here, '..', 'tsconfig.run.json');

const DEMO_BUDGET_MS = 50_000;
const START_BUDGET_MS = 20_000;
const REPORT_WAIT_MS = 3_000;
const REQUEST_BUDGET_MS = 2_000;
const WARM_ABORTS = 5;

// --- the hops' reports -------------------------------------------------------

/** What one hop reported about one request. */
interface Hop {
  hop: string;
  label: string;
  id: string;
  pid: number;
  remainingMs: number | null;
  end?: { err: Described; cause: Described; at: number };
}

const HOP_ORDER = ['gateway', 'A', 'B'];

/** Reports from every process, by request id. */
class Reports {
  private readonly byId = new Map<string, Hop[]>();
  private wakers: Array<() => void> = [];

  add(msg: ArriveReport | EndReport): void {
    const hops = this.byId.get(msg.id) ?? [];
    this.byId.set(msg.id, hops);
    if (msg.type === 'arrive') {
      hops.push({ hop: msg.hop, label: msg.label, id: msg.id, pid: msg.pid, remainingMs: msg.remainingMs });
    } else {
      const h = hops.find((x) => x.hop === msg.hop && x.label === msg.label && x.end === undefined);
      if (h !== undefined) h.end = { err: msg.err, cause: msg.cause, at: msg.at };
    }
    const w = this.wakers;
    this.wakers = [];
    for (const wake of w) wake();
  }

  /** The hops of request `id`, in chain order (gateway, A, B), then by label. */
  of(id: string): Hop[] {
    const rank = (h: Hop) => HOP_ORDER.indexOf(h.hop);
    return [...(this.byId.get(id) ?? [])].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
  }

  /** Resolves once `check()` holds; rejects with `ctx.err()` if `ctx` ends first. */
  async until(ctx: Context, check: () => boolean): Promise<void> {
    while (!check()) await race(ctx, new Promise<void>((wake) => this.wakers.push(wake)));
  }

  /**
   * The hops of request `id` once `expected` of them have arrived and every
   * one that arrived has reported its end, or after REPORT_WAIT_MS with
   * what came by then.
   */
  async settled(parent: Context, id: string, expected: number): Promise<Hop[]> {
    const [ctx, cancel] = withTimeout(parent, REPORT_WAIT_MS);
    try {
      await this.until(ctx, () => {
        const hops = this.of(id);
        return hops.length >= expected && hops.every((h) => h.end !== undefined);
      });
    } catch {
      // out of time: the checks below report what is missing
    } finally {
      cancel();
    }
    return this.of(id);
  }
}

const reports = new Reports();

// --- the service processes ---------------------------------------------------

interface Service {
  name: string;
  proc: ChildProcess;
  port: number;
}

const procs: ChildProcess[] = [];
let stopping = false;

/** The demo's context: cancelled, with a cause, if a service dies; past its deadline everything is killed. */
const [demoRoot, abortDemo] = withCancelCause(background());
const [demo, cancelDemo] = withTimeoutCause(demoRoot, DEMO_BUDGET_MS, new Error(`the demo took longer than ${DEMO_BUDGET_MS / 1000} s`));

async function startService(name: string, file: string, args: string[]): Promise<Service> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, file), ...args], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: RUN_TSCONFIG },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  procs.push(proc);
  const ready = new Promise<number>((resolvePort) => {
    proc.on('message', (msg: ChildMessage) => {
      if (msg.type === 'ready') resolvePort(msg.port);
      else reports.add(msg);
    });
  });
  proc.once('exit', (code, signal) => {
    if (!stopping) abortDemo(new Error(`${name} exited unexpectedly (${code ?? signal})`));
  });
  const [ctx, cancel] = withTimeoutCause(demo, START_BUDGET_MS, new Error(`${name} did not start within ${START_BUDGET_MS / 1000} s`));
  try {
    return { name, proc, port: await race(ctx, ready) };
  } catch (err) {
    throw cause(ctx) ?? err;
  } finally {
    cancel();
  }
}

/** Asks every service to shut down; kills any still running after 5 s. */
async function stopServices(): Promise<void> {
  stopping = true;
  await Promise.all(
    procs.map(
      (proc) =>
        new Promise<void>((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
          proc.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          if (proc.connected) proc.send({ type: 'shutdown' });
          else proc.kill('SIGTERM');
        }),
    ),
  );
}

/** Kills every service still running; resolves once they have exited (at most 2 s). */
function killServices(): Promise<void> {
  stopping = true;
  const alive = procs.filter((proc) => proc.exitCode === null && proc.signalCode === null);
  return new Promise<void>((done) => {
    let left = alive.length;
    if (left === 0) return done();
    const bound = setTimeout(done, 2_000);
    for (const proc of alive) {
      proc.once('exit', () => {
        if (--left === 0) {
          clearTimeout(bound);
          done();
        }
      });
      proc.kill('SIGKILL');
    }
  });
}

// --- the client --------------------------------------------------------------

interface Answer {
  status?: number;
  statusText?: string;
  body?: string;
  error?: string;
  ms: number;
}

async function get(ctx: Context, base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetchWithContext(ctx, base + path, { headers });
    const body = await res.text();
    return { status: res.status, statusText: res.statusText, body, ms: performance.now() - t0 };
  } catch (err) {
    return { error: describe(err).text, ms: performance.now() - t0 };
  }
}

// --- printing ----------------------------------------------------------------

/** Set when the demo fails: the tour, still unwinding, prints nothing more. */
let quiet = false;
const out = (line = ''): void => {
  if (!quiet) console.log(line);
};

function printAnswer(a: Answer): void {
  if (a.error !== undefined) out(`    client: the fetch rejected after ${a.ms.toFixed(0)} ms: ${a.error}`);
  else out(`    client: ${a.status} ${a.statusText} after ${a.ms.toFixed(0)} ms  ${a.body}`);
}

function hopName(h: Hop): string {
  return h.hop === 'B' ? `B  Price(${h.label})` : h.hop === 'A' ? `A  ${h.label}` : `gateway  ${h.label}`;
}

/** ctxkit's own causes by name (their messages are in the notes); anything else in full. */
function causeText(d: Described): string {
  return d.kind === 'ClientDisconnected' || d.kind === 'ClientCancelled' ? d.text.split(':')[0]! : d.text;
}

function note(...lines: string[]): void {
  for (const l of lines) out(`    ${l}`);
  out();
}

function printHops(hops: Hop[]): void {
  const rows = [
    ['hop', 'request id', 'budget on arrival', 'err', 'cause'],
    ...hops.map((h) => [
      hopName(h),
      h.id,
      h.remainingMs === null ? 'none' : `${h.remainingMs} ms`,
      h.end?.err.text ?? '(no report)',
      h.end === undefined ? '' : causeText(h.end.cause),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  out();
  for (const r of rows) {
    const cells = r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)));
    out(`    ${cells.join('   ').trimEnd()}`);
  }
  out();
}

// --- checks ------------------------------------------------------------------

interface Check {
  ok: boolean;
  text: string;
}
let failures = 0;

function check(checks: Check[], ok: boolean, text: string): void {
  checks.push({ ok, text });
  if (!ok) failures++;
  out(`    ${ok ? '✓' : '✗'} ${text}`);
}

/** The checks every request gets: one id everywhere, a budget that shrinks hop by hop, every hop heard from. */
function commonChecks(checks: Check[], id: string, hops: Hop[], expected: number): void {
  check(checks, hops.length >= expected && hops.every((h) => h.end !== undefined), `all ${expected} hop contexts reported how they ended`);
  check(checks, hops.every((h) => h.id === id), `one request id at every hop: ${id}`);
  const budgets = HOP_ORDER.map((p) => hops.filter((h) => h.hop === p).map((h) => h.remainingMs ?? Infinity));
  const shrinks = budgets.every((b, i) => b.length > 0 && (i === 0 || Math.max(...b) < Math.min(...budgets[i - 1]!)));
  check(checks, shrinks, 'the budget shrinks at each hop');
}

const hopsOf = (hops: Hop[], p: string) => hops.filter((h) => h.hop === p);

// --- the tour ----------------------------------------------------------------

interface Scenario {
  key: string;
  title: string;
  id: string;
  answer: Answer;
  hops: Hop[];
  checks: Check[];
  abortToHopMs?: Record<string, number>;
  warmAbortToBMs?: number[];
}

/**
 * Sends GET /order/44 with request id `id` (B would take 10 s), aborts the
 * fetch as soon as B reports the request, and collects the hops' reports.
 * `abortToHopMs`: from the abort to each hop's context ending.
 */
async function abortMidRequest(base: string, id: string): Promise<{ answer: Answer; hops: Hop[]; abortToHopMs: Record<string, number> }> {
  const [ctx, cancel] = withTimeout(withRequestId(demo, id), 5_000);
  let answer: Answer;
  let abortedAt = 0;
  try {
    const pending = get(ctx, base, '/order/44?priceMs=10000');
    const [waitCtx, stopWaiting] = withTimeout(demo, 5_000);
    try {
      await reports.until(waitCtx, () => hopsOf(reports.of(id), 'B').length > 0);
    } finally {
      stopWaiting();
    }
    abortedAt = now();
    cancel(); // the fetch is aborted: its connection to the gateway is closed
    answer = await pending;
  } finally {
    cancel();
  }
  const hops = await reports.settled(demo, id, 3);
  const abortToHopMs: Record<string, number> = {};
  for (const h of hops) if (h.end !== undefined) abortToHopMs[h.hop] = h.end.at - abortedAt;
  return { answer, hops, abortToHopMs };
}

async function main(): Promise<Scenario[]> {
  out('ctxkit demo: one request id, one budget and one cancellation, across three processes');
  out();
  const b = await startService('B', 'service-b.ts', []);
  const a = await startService('A', 'service-a.ts', [`127.0.0.1:${b.port}`]);
  const gw = await startService('gateway', 'gateway.ts', [`127.0.0.1:${a.port}`]);
  const base = `http://127.0.0.1:${gw.port}`;
  out('    client (this process) ─HTTP─▶ gateway ─gRPC─▶ A (orders) ─gRPC─▶ B (prices)');
  out();
  out(`    gateway   node:http + ctxkit/node   pid ${gw.proc.pid}   ${base}`);
  out(`    A         grpc-js + ctxkit/grpc     pid ${a.proc.pid}   127.0.0.1:${a.port}`);
  out(`    B         grpc-js + ctxkit/grpc     pid ${b.proc.pid}   127.0.0.1:${b.port}`);
  out();
  out('Each hop reports the request id its context carries, the budget left when the');
  out('request arrived, and how its context ended: err() and cause(). Each hop works');
  out('20 ms before calling the next, so the budget shrinks on the way.');

  const scenarios: Scenario[] = [];

  // (a) -----------------------------------------------------------------------
  {
    const id = 'demo-a';
    out();
    out('(a) A normal request');
    out(`    client: GET /order/42 with a ${REQUEST_BUDGET_MS} ms budget, request id ${id}`);
    const [ctx, cancel] = withTimeout(withRequestId(demo, id), REQUEST_BUDGET_MS);
    let answer: Answer;
    try {
      answer = await get(ctx, base, '/order/42?priceMs=10');
    } finally {
      cancel();
    }
    printAnswer(answer);
    const hops = await reports.settled(demo, id, 3);
    printHops(hops);
    note('Each context ended when its own call completed: err Canceled, cause Canceled.');
    const checks: Check[] = [];
    commonChecks(checks, id, hops, 3);
    check(checks, answer.status === 200, 'the client got 200');
    check(
      checks,
      hops.length > 0 && hops.every((h) => h.end?.err.kind === 'Canceled' && h.end.cause.kind === 'Canceled'),
      'every context ended with cause Canceled: a completed call, never reported as a disconnect',
    );
    scenarios.push({ key: 'a', title: 'a normal request', id, answer, hops, checks });
  }

  // (b) -----------------------------------------------------------------------
  {
    const id = 'demo-b';
    out();
    out('(b) The budget runs out two hops down');
    out(`    client: GET /order/43 granting 300 ms (connect-timeout-ms: 300); B needs 500 ms; request id ${id}`);
    const [ctx, cancel] = withTimeout(withRequestId(demo, id), 5_000); // the client itself waits longer, to see the answer
    let answer: Answer;
    try {
      answer = await get(ctx, base, '/order/43?priceMs=500', { 'connect-timeout-ms': '300' });
    } finally {
      cancel();
    }
    printAnswer(answer);
    const hops = await reports.settled(demo, id, 3);
    printHops(hops);
    note(
      'The 300 ms went out as connect-timeout-ms, then as grpc-timeout at each hop: one deadline',
      "for all three, so they give up together: B's sleep(ctx, 500) stopped at the deadline, and",
      'the gateway answered 504.',
    );
    const checks: Check[] = [];
    commonChecks(checks, id, hops, 3);
    const last = hopsOf(hops, 'B')[0];
    check(checks, last?.end?.err.kind === 'DeadlineExceeded', "B's context ended with DeadlineExceeded");
    check(checks, answer.status === 504 && (answer.body ?? '').includes('DEADLINE_EXCEEDED'), 'the client got 504, DEADLINE_EXCEEDED');
    scenarios.push({ key: 'b', title: 'the budget runs out two hops down', id, answer, hops, checks });
  }

  // (c) -----------------------------------------------------------------------
  {
    const id = 'demo-c';
    out();
    out('(c) The client disconnects mid-request');
    out(`    client: GET /order/44 (B takes 10 s), request id ${id}; aborted as soon as B is working on it`);
    const { answer, hops, abortToHopMs } = await abortMidRequest(base, id);
    printAnswer(answer);
    printHops(hops);
    note(
      'ClientDisconnectedError: the gateway saw the connection close before its response was sent.',
      'Its context cancelled its call to A; ClientCancelledError: A saw its caller cancel, and',
      'cancelled its own call to B, which saw the same.',
    );
    const fmt = (p: string) => (abortToHopMs[p] === undefined ? '?' : `${abortToHopMs[p].toFixed(1)} ms`);
    out(`    from the abort to each hop's context ending: gateway ${fmt('gateway')}, A ${fmt('A')}, B ${fmt('B')}`);
    // The first abort runs code paths for the first time in every process;
    // a few more show the steady state.
    const warm: number[] = [];
    for (let i = 1; i <= WARM_ABORTS; i++) {
      const again = await abortMidRequest(base, `${id}-${i}`);
      const last = hopsOf(again.hops, 'B')[0];
      if (last?.end?.cause.kind === 'ClientCancelled' && again.abortToHopMs.B !== undefined) warm.push(again.abortToHopMs.B);
    }
    const sorted = [...warm].sort((x, y) => x - y);
    const median = sorted[sorted.length >> 1];
    if (median !== undefined) {
      out(`    ${WARM_ABORTS} more aborts, warm: B's context ended ${median.toFixed(1)} ms after the abort (median; ${sorted[0]!.toFixed(1)} to ${sorted.at(-1)!.toFixed(1)} ms)`);
    }
    out();
    const checks: Check[] = [];
    commonChecks(checks, id, hops, 3);
    const gwHop = hopsOf(hops, 'gateway')[0];
    const last = hopsOf(hops, 'B')[0];
    check(checks, answer.error === 'Canceled', 'the fetch rejected with Canceled');
    check(checks, gwHop?.end?.cause.kind === 'ClientDisconnected', "the gateway's context: cause ClientDisconnectedError");
    check(
      checks,
      last?.end?.err.kind === 'Canceled' && last.end.cause.kind === 'ClientCancelled',
      "B's handler context was cancelled, cause ClientCancelledError",
    );
    check(checks, (abortToHopMs.B ?? Infinity) < 1_000, `the cancellation reached B ${fmt('B')} after the abort`);
    check(checks, warm.length === WARM_ABORTS, `and again in each of the ${WARM_ABORTS} more aborts`);
    scenarios.push({ key: 'c', title: 'the client disconnects mid-request', id, answer, hops, checks, abortToHopMs, warmAbortToBMs: warm });
  }

  // (d) -----------------------------------------------------------------------
  {
    const id = 'demo-d';
    const items = ['cake', 'gift-card', 'tea'];
    out();
    out('(d) A fan-out where one branch fails');
    out(`    client: GET /quote for ${items.join(', ')}, request id ${id}`);
    out('    A prices the items at once with an errgroup (ctxkit/sync Group); B fails gift-card');
    out('    after 30 ms, the others would take 1 s');
    const [ctx, cancel] = withTimeout(withRequestId(demo, id), REQUEST_BUDGET_MS);
    let answer: Answer;
    try {
      answer = await get(ctx, base, `/quote?items=${items.join(',')}&fail=gift-card`);
    } finally {
      cancel();
    }
    printAnswer(answer);
    const hops = await reports.settled(demo, id, 3 + items.length);
    printHops(hops);
    note(
      "gift-card failed; the errgroup cancelled its context with that error as the cause, which",
      "cancelled the two other calls to B. gift-card's own handler completed (it returned the",
      'error): cause Canceled. A returned the first error, and the gateway answered 404.',
    );
    const checks: Check[] = [];
    commonChecks(checks, id, hops, 3 + items.length);
    const group = hops.find((h) => h.hop === 'A' && h.label.includes('errgroup'));
    check(checks, group?.end?.cause.text === 'NOT_FOUND: no price for gift-card', "the failure cancelled A's errgroup context, with itself as the cause");
    const siblings = hopsOf(hops, 'B').filter((h) => h.label !== 'gift-card');
    check(
      checks,
      siblings.length === items.length - 1 && siblings.every((h) => h.end?.cause.kind === 'ClientCancelled'),
      "which cancelled B's other calls: cause ClientCancelledError",
    );
    check(checks, answer.status === 404, 'the client got the failure: 404, NOT_FOUND');
    scenarios.push({ key: 'd', title: 'a fan-out where one branch fails', id, answer, hops, checks });
  }
  return scenarios;
}

// --- run ---------------------------------------------------------------------

process.once('SIGINT', () => void killServices().finally(() => process.exit(130)));

try {
  // Rejects as soon as `demo` ends: out of time, or a service died.
  const scenarios = await race(demo, main());
  out();
  out(failures === 0 ? 'All checks passed.' : `${failures} check(s) failed.`);
  await stopServices();
  out('The gateway, A and B have shut down.');
  if (process.env.CTXKIT_DEMO_REPORT) writeFileSync(process.env.CTXKIT_DEMO_REPORT, JSON.stringify({ scenarios }, null, 2));
  process.exitCode = failures === 0 ? 0 : 1;
} catch (err) {
  quiet = true;
  console.error(`demo failed: ${describe(cause(demo) ?? err).text}`);
  await killServices();
  process.exit(1); // the tour may still be unwinding: do not wait for it
} finally {
  cancelDemo();
  abortDemo();
}
