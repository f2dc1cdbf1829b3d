/**
 * Benchmarks of the core (`ctxkit`), each next to the platform reference
 * it must beat, measured in the same run. See docs/benchmarks.md for what
 * each row means and the goals.
 */
import type { Context } from 'ctxkit';
import { ck } from './ctxkit.js';
import { type Op, consume, heapUsed, medianMs, nsPerOp } from './measure.js';
import type { Row } from './table.js';

const { background, createKey, withCancel, withTimeout, withValue } = ck;

const HOUR = 3_600_000;
const REASON = new Error('done');

/** A user-written context offering only a signal: ctxkit follows it through one abort listener. */
class SignalOnlyParent implements Context {
  _ac = new AbortController();
  deadline(): Date | undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    return this._ac.signal;
  }
  err(): Error | undefined {
    return undefined;
  }
  value(_key: unknown): unknown {
    return undefined;
  }
}

/** A user-written context offering Go's AfterFunc hook (a set of callbacks). */
class AfterFuncParent extends SignalOnlyParent {
  _fns = new Set<() => void>();
  afterFunc(f: () => void): () => boolean {
    this._fns.add(f);
    return () => this._fns.delete(f);
  }
}
const WIDE = 100_000;

// ---------------------------------------------------------------------------
// Bytes per context (first, while the heap is quiet).

/**
 * Heap bytes per element for `n` elements made by `make(i, keep, keep2)`,
 * which keeps them alive in arrays allocated before the baseline is taken.
 */
function bytesPer(n: number, make: (i: number, keep: unknown[], keep2: unknown[]) => void): number {
  const keep: unknown[] = new Array(n).fill(null);
  const keep2: unknown[] = new Array(n).fill(null);
  consume(undefined);
  const before = heapUsed();
  for (let i = 0; i < n; i++) make(i, keep, keep2);
  consume(undefined);
  const after = heapUsed();
  // Still reachable here, so nothing kept was collected before `after`.
  if (keep.length !== n || keep2.length !== n) throw new Error('unreachable');
  return (after - before) / n;
}

function memoryRows(): Row[] {
  const rows: Row[] = [];
  {
    const [parent, cancel] = withCancel(background());
    const b = bytesPer(1_000_000, (i, keep) => {
      keep[i] = withCancel(parent)[0];
    });
    cancel();
    rows.push({
      operation: 'bytes per live withCancel child (1,000,000 of one parent; cancel funcs dropped)',
      value: b,
      unit: 'B',
      goal: '<= 80 B',
      // Objects come in whole words: round off the heap's noise of a few hundred KB.
      pass: Math.round(b) <= 80,
      go: '64 B (Done() never called)',
    });
  }
  {
    const [parent, cancel] = withCancel(background());
    const b = bytesPer(1_000_000, (i, keep, keep2) => {
      const r = withCancel(parent);
      keep[i] = r[0];
      keep2[i] = r[1];
    });
    cancel();
    rows.push({
      operation: 'bytes per live withCancel child, cancel funcs retained too',
      value: b,
      unit: 'B',
      go: '80 B, 2 allocs (ctx + cancel closure)',
    });
  }
  {
    const [parent, cancel] = withCancel(background());
    const b = bytesPer(100_000, (i, keep) => {
      const c = withCancel(parent)[0];
      consume(c.signal);
      keep[i] = c;
    });
    cancel();
    rows.push({
      operation: 'bytes per live withCancel child whose .signal was read (100,000)',
      value: b,
      unit: 'B',
      go: '160 B (Done() called)',
    });
  }
  {
    const [parent, cancel] = withCancel(background());
    const b = bytesPer(100_000, (i, keep, keep2) => {
      const r = withTimeout(parent, HOUR);
      keep[i] = r[0];
      keep2[i] = r[1];
    });
    cancel();
    rows.push({
      operation: 'bytes per live withTimeout(1h) child, timer and cancel func included (100,000)',
      value: b,
      unit: 'B',
      go: '208 B',
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Create + cancel.

async function cancelRows(): Promise<Row[]> {
  const bg = background();
  const [parent, cancelParent] = withCancel(bg);
  const parentAc = new AbortController();
  const ps = parentAc.signal;
  const userParent = new SignalOnlyParent();
  const userAfParent = new AfterFuncParent();
  const ops: Op[] = [
    {
      name: 'ck-user',
      batch: 1000,
      fn: () => {
        let last: Context | undefined;
        for (let i = 0; i < 1000; i++) {
          const [c, cancel] = withCancel(userParent);
          cancel();
          last = c;
        }
        consume(last);
      },
    },
    {
      name: 'ck-user-af',
      batch: 1000,
      fn: () => {
        let last: Context | undefined;
        for (let i = 0; i < 1000; i++) {
          const [c, cancel] = withCancel(userAfParent);
          cancel();
          last = c;
        }
        consume(last);
      },
    },
    {
      name: 'ck-bg',
      batch: 1000,
      fn: () => {
        let last: Context | undefined;
        for (let i = 0; i < 1000; i++) {
          const [c, cancel] = withCancel(bg);
          cancel();
          last = c;
        }
        consume(last);
      },
    },
    {
      name: 'ck-child',
      batch: 1000,
      fn: () => {
        let last: Context | undefined;
        for (let i = 0; i < 1000; i++) {
          const [c, cancel] = withCancel(parent);
          cancel();
          last = c;
        }
        consume(last);
      },
    },
    {
      name: 'ac',
      batch: 50,
      fn: () => {
        let last: AbortController | undefined;
        for (let i = 0; i < 50; i++) {
          const ac = new AbortController();
          ac.abort(REASON);
          last = ac;
        }
        consume(last);
      },
    },
    {
      name: 'ac-linked',
      batch: 50,
      fn: () => {
        let last: AbortController | undefined;
        for (let i = 0; i < 50; i++) {
          const ac = new AbortController();
          const h = () => ac.abort(ps.reason);
          ps.addEventListener('abort', h);
          ps.removeEventListener('abort', h);
          ac.abort(REASON);
          last = ac;
        }
        consume(last);
      },
    },
  ];
  const t = await nsPerOp(ops);
  cancelParent();
  const ac = { name: 'new AbortController() + abort(reason)', value: t.get('ac')! };
  const linked = { name: 'child AbortController linked by add/removeEventListener + abort', value: t.get('ac-linked')! };
  const row = (operation: string, key: string, ref: { name: string; value: number }, go: string): Row => ({
    operation,
    value: t.get(key)!,
    unit: 'ns/op',
    reference: ref,
    goal: '>= 100x faster',
    pass: ref.value / t.get(key)! >= 100,
    go,
  });
  return [
    row('withCancel(background()) + cancel', 'ck-bg', ac, '88–134 ns'),
    row('withCancel(background()) + cancel', 'ck-bg', linked, '88–134 ns'),
    row('withCancel(cancellable parent) + cancel', 'ck-child', ac, '159–212 ns'),
    row('withCancel(cancellable parent) + cancel', 'ck-child', linked, '159–212 ns'),
    // Below a user-written parent each cycle adds and removes the one
    // listener on its signal (nothing may stay registered once the last
    // child is gone); the platform's listener calls are most of the cost.
    {
      operation: 'withCancel(user-written parent, signal only) + cancel',
      value: t.get('ck-user')!,
      unit: 'ns/op',
      reference: linked,
      goal: 'faster than the linked controller',
      pass: t.get('ck-user')! < linked.value,
      go: '1,060–1,190 ns (goroutine per child)',
    },
    {
      operation: 'withCancel(user-written parent with afterFunc) + cancel',
      value: t.get('ck-user-af')!,
      unit: 'ns/op',
      reference: linked,
      goal: 'faster than the linked controller',
      pass: t.get('ck-user-af')! < linked.value,
      go: '1,060–1,190 ns (goroutine per child)',
    },
  ];
}

// ---------------------------------------------------------------------------
// value() at depth 8.

interface Link {
  parent: Link | null;
  key: unknown;
  val: unknown;
}

function walk(n: Link | null, key: unknown): unknown {
  for (; n !== null; n = n.parent) if (n.key === key) return n.val;
  return undefined;
}

async function valueRows(): Promise<Row[]> {
  const keys = Array.from({ length: 8 }, (_, i) => createKey<number>(`k${i}`));
  const missing = createKey<number>('missing');
  let ctx: Context = background();
  let list: Link | null = null;
  for (let i = 0; i < 8; i++) {
    ctx = withValue(ctx, keys[i]!, i);
    list = { parent: list, key: keys[i], val: i };
  }
  const deepest = keys[0]!;
  const leaf = ctx;
  const head = list;
  const lookups = (name: string, f: () => unknown): Op => ({
    name,
    batch: 1000,
    fn: () => {
      let last: unknown;
      for (let i = 0; i < 1000; i++) last = f();
      consume(last);
    },
  });
  const t = await nsPerOp([
    lookups('ck-deep', () => leaf.value(deepest)),
    lookups('ck-missing', () => leaf.value(missing)),
    lookups('list-deep', () => walk(head, deepest)),
    lookups('list-missing', () => walk(head, missing)),
  ]);
  const row = (operation: string, key: string, ref: string): Row => {
    const v = t.get(key)!;
    const r = t.get(ref)!;
    return {
      operation,
      value: v,
      unit: 'ns/op',
      reference: { name: 'plain linked-list walk, depth 8', value: r },
      goal: 'within 2x (ratio >= 0.5)',
      pass: v <= 2 * r,
      go: '27 ns',
    };
  };
  return [row('value() at depth 8, deepest key', 'ck-deep', 'list-deep'), row('value() at depth 8, missing key', 'ck-missing', 'list-missing')];
}

// ---------------------------------------------------------------------------
// Cancelling a wide parent.

function wideRows(): Row[] {
  const ck1 = medianMs(
    5,
    () => {
      const [p, cancel] = withCancel(background());
      for (let i = 0; i < WIDE; i++) withCancel(p);
      return cancel;
    },
    (cancel) => cancel(),
  );
  const ckSignals = medianMs(
    3,
    () => {
      const [p, cancel] = withCancel(background());
      for (let i = 0; i < WIDE; i++) consume(withCancel(p)[0].signal);
      return cancel;
    },
    (cancel) => cancel(),
  );
  const any = medianMs(
    3,
    () => {
      const ac = new AbortController();
      const deps: AbortSignal[] = new Array(WIDE);
      for (let i = 0; i < WIDE; i++) deps[i] = AbortSignal.any([ac.signal]);
      return { ac, deps };
    },
    (s) => {
      s.ac.abort(REASON);
      consume(s.deps);
    },
  );
  const ref = { name: 'abort an AbortController with 100,000 AbortSignal.any dependants', value: any };
  return [
    {
      operation: 'cancel a parent with 100,000 children',
      value: ck1,
      unit: 'ms',
      reference: ref,
      goal: 'report; aim for Go (<= 6.6 ms)',
      pass: ck1 <= 6.6,
      go: '5.3–6.6 ms',
    },
    {
      operation: 'cancel a parent with 100,000 children whose .signal was read',
      value: ckSignals,
      unit: 'ms',
      reference: ref,
      go: '5.3–6.6 ms (Done() not called)',
    },
  ];
}

// ---------------------------------------------------------------------------
// withTimeout (last: AbortSignal.timeout leaves timers that cannot be cleared).

/** Pending timers started through the globals while `f` runs and not cleared or fired by its end. */
function pendingTimersAfter(f: () => void): number {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = realSet(fn, ms, ...args);
    live.add(h);
    return h;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((h: Parameters<typeof clearTimeout>[0]) => {
    live.delete(h);
    realClear(h);
  }) as typeof clearTimeout;
  try {
    f();
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
  return live.size;
}

function noop(): void {}

async function timeoutRows(): Promise<Row[]> {
  const bg = background();
  const t = await nsPerOp(
    [
      {
        name: 'ck-timeout',
        batch: 1000,
        fn: () => {
          let last: Context | undefined;
          for (let i = 0; i < 1000; i++) {
            const [c, cancel] = withTimeout(bg, HOUR);
            cancel();
            last = c;
          }
          consume(last);
        },
      },
      {
        name: 'native-floor',
        batch: 1000,
        fn: () => {
          let last = 0;
          for (let i = 0; i < 1000; i++) {
            last = Date.now();
            const h = setTimeout(noop, HOUR, last) as unknown as { unref(): void };
            h.unref();
            clearTimeout(h as unknown as number);
          }
          consume(last);
        },
      },
      {
        name: 'signal-timeout',
        batch: 20,
        fn: () => {
          let last: AbortSignal | undefined;
          for (let i = 0; i < 20; i++) last = AbortSignal.timeout(HOUR);
          consume(last);
        },
      },
    ],
    300,
  );
  const pending = pendingTimersAfter(() => {
    for (let i = 0; i < 100_000; i++) withTimeout(bg, HOUR)[1]();
  });
  const v = t.get('ck-timeout')!;
  const ref = t.get('signal-timeout')!;
  return [
    {
      operation: 'withTimeout(background(), 1h) + cancel',
      value: v,
      unit: 'ns/op',
      reference: { name: 'AbortSignal.timeout(1h) creation', value: ref },
      goal: '>= 20x faster',
      pass: ref / v >= 20,
      go: '531–590 ns',
    },
    {
      operation: 'floor of a timer per context: Date.now() + setTimeout(1h) + unref + clearTimeout',
      value: t.get('native-floor')!,
      unit: 'ns/op',
      reference: { name: 'AbortSignal.timeout(1h) creation', value: ref },
    },
    {
      operation: 'timers pending after 100,000 withTimeout(1h) + cancel',
      value: pending,
      unit: 'timers',
      goal: '0',
      pass: pending === 0,
    },
  ];
}

/** Runs every core benchmark; memory first, AbortSignal.timeout last. */
export async function coreBench(): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(...memoryRows());
  rows.push(...(await cancelRows()));
  rows.push(...(await valueRows()));
  rows.push(...wideRows());
  rows.push(...(await timeoutRows()));
  return rows;
}
