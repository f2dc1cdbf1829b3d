/**
 * `npm run bench`: builds ctxkit, then runs every bench suite against the
 * built package and prints one table. Run with node --expose-gc (the npm
 * script does) so memory figures are taken after a full collection.
 */
import { loadavg } from 'node:os';
import { distPath } from './ctxkit.js';
import { coreBench } from './core.js';
import { syncBench } from './sync.js';
import { type Row, printTable } from './table.js';

/**
 * The suites, in order. To add one, export `async function xBench(): Promise<Row[]>`
 * from bench/x.ts and add a line here.
 */
const suites: ReadonlyArray<{ name: string; run: () => Promise<Row[]> }> = [
  { name: 'core', run: coreBench },
  { name: 'sync', run: () => syncBench() },
  { name: 'debug', run: async () => (await import('./debug.js')).debugBench() },
  // Loaded when their turn comes: grpc-js and autocannon stay out of the heap the core suite measures.
  { name: 'http', run: async () => (await import('./http.js')).httpBench() },
  { name: 'grpc', run: async () => (await import('./grpc.js')).grpcBench() },
];

const started = Date.now();
console.log(`ctxkit benchmarks: ${distPath}`);
console.log(`node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const rows: Row[] = [];
for (const s of suites) {
  const t0 = Date.now();
  rows.push(...(await s.run()));
  console.log(`suite ${s.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.log();
printTable(rows);
const failed = rows.filter((r) => r.pass === false).length;
console.log();
console.log(`${rows.filter((r) => r.pass !== undefined).length - failed} goals met, ${failed} missed; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
