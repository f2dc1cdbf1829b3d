/**
 * ctxkit/debug's cost on the core's hot paths: create+cancel and value()
 * at depth 8, measured before ctxkit/debug is loaded, after it was loaded
 * and every tool switched on and off again (the state a production process
 * is in when it imports the module but uses none of it), and with each tool
 * on. The first two must be within noise of each other.
 */
import type * as Debug from 'ctxkit/debug';
import { ck } from './ctxkit.js';
import { type Op, consume, nsPerOp } from './measure.js';
import type { Row } from './table.js';

const { background, createKey, withCancel, withValue } = ck;

function ops(): Op[] {
  const [parent] = withCancel(background());
  const keys = Array.from({ length: 8 }, (_, i) => createKey<number>(`k${i}`));
  let deep = parent;
  for (const k of keys) deep = withValue(deep, k, 1);
  const top = keys[0]!;
  return [
    {
      name: 'derive',
      batch: 1000,
      fn: () => {
        let last: unknown;
        for (let i = 0; i < 1000; i++) {
          const [c, cancel] = withCancel(parent);
          cancel();
          last = c;
        }
        consume(last);
      },
    },
    {
      name: 'value',
      batch: 1000,
      fn: () => {
        let s = 0;
        for (let i = 0; i < 1000; i++) s += deep.value(top) ?? 0;
        consume(s);
      },
    },
  ];
}

export async function debugBench(): Promise<Row[]> {
  const before = await nsPerOp(ops());
  const debug = (await import(new URL('../packages/ctxkit/dist/debug/index.js', import.meta.url).href)) as typeof Debug;
  debug.enableStats();
  debug.enableTracing();
  debug.disableTracing();
  debug.disableStats();
  const off = await nsPerOp(ops());
  debug.enableStats();
  const counters = await nsPerOp(ops());
  debug.disableStats();
  debug.enableTracking();
  const tracking = await nsPerOp(ops(), 200);
  debug.disableTracing();
  debug.enableTracing();
  const tracing = await nsPerOp(ops(), 200);
  debug.disableTracing();

  const rows: Row[] = [];
  for (const [key, what] of [
    ['derive', 'withCancel(cancellable parent) + cancel'],
    ['value', 'value() at depth 8'],
  ] as const) {
    const ref = { name: 'same, before ctxkit/debug was loaded', value: before.get(key)! };
    rows.push({
      operation: `debug: ${what}, ctxkit/debug loaded, every tool off`,
      value: off.get(key)!,
      unit: 'ns/op',
      reference: ref,
      goal: 'within noise (ratio >= 0.8)',
      pass: ref.value / off.get(key)! >= 0.8,
    });
    rows.push({ operation: `debug: ${what}, counters on (enableStats)`, value: counters.get(key)!, unit: 'ns/op', reference: ref });
    rows.push({ operation: `debug: ${what}, tracking on (enableTracking)`, value: tracking.get(key)!, unit: 'ns/op', reference: ref });
    rows.push({ operation: `debug: ${what}, tracing on (enableTracing)`, value: tracing.get(key)!, unit: 'ns/op', reference: ref });
  }
  return rows;
}
