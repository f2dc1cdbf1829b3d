/**
 * The shape of one benchmark result and the table they are printed in.
 * Every bench module (core.ts, sync.ts, ...) returns `Row[]`; index.ts
 * concatenates them and prints one table.
 */

export interface Row {
  /** What was measured, e.g. "withCancel(background()) + cancel". */
  operation: string;
  /** ctxkit's figure, in `unit`. */
  value: number;
  /** "ns/op", "ms", "B/ctx", "timers", ... */
  unit: string;
  /** The reference measured in the same run, if any. */
  reference?: { name: string; value: number };
  /**
   * How ctxkit compares: reference / value ("x faster" for times, "x
   * smaller" for sizes). Computed from `reference` unless given.
   */
  ratio?: number;
  /** The goal, in words, e.g. ">= 100x faster". */
  goal?: string;
  /** Whether the goal is met; undefined when the row has no goal. */
  pass?: boolean;
  /** Go 1.19's figure on this machine class (measured on the same machine class), for context. */
  go?: string;
}

/** Formats a number for the table: thousands separators, sensible precision. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratioOf(r: Row): number | undefined {
  if (r.ratio !== undefined) return r.ratio;
  if (r.reference === undefined || r.value === 0) return undefined;
  return r.reference.value / r.value;
}

/** Renders rows as a markdown table (readable as plain ASCII too). */
export function formatTable(rows: readonly Row[]): string {
  const head = ['operation', 'ctxkit', 'reference', 'reference value', 'ratio', 'goal', 'pass', 'Go 1.19'];
  const body = rows.map((r) => {
    const ratio = ratioOf(r);
    return [
      r.operation,
      `${fmt(r.value)} ${r.unit}`,
      r.reference?.name ?? '',
      r.reference === undefined ? '' : `${fmt(r.reference.value)} ${r.unit}`,
      ratio === undefined ? '' : `${fmt(ratio)}x`,
      r.goal ?? '',
      r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
      r.go ?? '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Prints rows as one table on stdout. */
export function printTable(rows: readonly Row[]): void {
  console.log(formatTable(rows));
}
