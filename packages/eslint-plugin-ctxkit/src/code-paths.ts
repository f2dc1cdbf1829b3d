/**
 * Which code path segments each node of interest executes in, recorded from
 * ESLint's code path analysis events, and the search for a path out of a
 * function that misses every use of a cancel function.
 *
 * Invariants:
 * 1. Only reachable segments are recorded: a node in unreachable code has
 *    no segments, so it neither defines a cancel nor uses one.
 * 2. A node inside a `finally` block executes in several segments at once
 *    (one per way into the block: normal completion, return, throw), so a
 *    use there covers every path that runs the block.
 * 3. A function node is recorded with the segments of the code around it
 *    (where the closure is created), not with its own first segment.
 */
import type { Rule } from 'eslint';
import type { TSESTree } from '@typescript-eslint/types';
import type { Node } from './ast.js';
import type { Use } from './cancel-flow.js';

type Segment = Rule.CodePathSegment;
type CodePath = Rule.CodePath;

/** How a path leaves a function: at a `return`, at a `throw`, or by running off its end. */
export interface Exit {
  readonly kind: 'return' | 'throw' | 'end';
  /** The `return` or `throw` statement; undefined for 'end'. */
  readonly node?: TSESTree.ReturnStatement | TSESTree.ThrowStatement;
}

interface Frame {
  readonly current: Set<Segment>;
  snapshot: readonly Segment[] | undefined;
}

export class SegmentRecorder {
  private readonly frames: Frame[] = [];
  private readonly segmentsOf = new Map<Node, readonly Segment[]>();
  private readonly exitOf = new Map<Segment, TSESTree.ReturnStatement | TSESTree.ThrowStatement>();
  private readonly codePathOf = new Map<Node, CodePath>();

  codePathStart(codePath: CodePath, node: Node): void {
    // Fired after the enclosing path has moved to the function's position.
    if (this.frames.length > 0) this.record(node);
    this.frames.push({ current: new Set(), snapshot: undefined });
    this.codePathOf.set(node, codePath);
  }

  codePathEnd(): void {
    this.frames.pop();
  }

  segmentStart(segment: Segment): void {
    const frame = this.top();
    frame.current.add(segment);
    frame.snapshot = undefined;
  }

  segmentEnd(segment: Segment): void {
    const frame = this.top();
    frame.current.delete(segment);
    frame.snapshot = undefined;
  }

  /** Notes the segments `node` executes in (the first time it is seen). */
  record(node: Node): void {
    if (this.segmentsOf.has(node) || this.frames.length === 0) return;
    const frame = this.top();
    frame.snapshot ??= [...frame.current];
    this.segmentsOf.set(node, frame.snapshot);
  }

  /** Notes a `return` or `throw`: the segments it ends. */
  recordExit(node: TSESTree.ReturnStatement | TSESTree.ThrowStatement): void {
    this.record(node);
    for (const segment of this.segmentsOf.get(node) ?? []) {
      if (!this.exitOf.has(segment)) this.exitOf.set(segment, node);
    }
  }

  /** The code path of a function, program, static block or field initializer. */
  codePath(frame: Node): CodePath | undefined {
    return this.codePathOf.get(frame);
  }

  isReachable(node: Node): boolean {
    return (this.segmentsOf.get(node)?.length ?? 0) > 0;
  }

  /**
   * A way out of `codePath` that starts just after `def` and passes none of
   * `uses`, or undefined if every path out passes one (a path that loops
   * forever never leaves).
   */
  uncoveredExit(def: Node, uses: readonly Use[], codePath: CodePath): Exit | undefined {
    const usesIn = new Map<Segment, number[]>();
    for (const use of uses) {
      for (const segment of this.segmentsOf.get(use.node) ?? []) {
        const list = usesIn.get(segment);
        if (list) list.push(use.pos);
        else usesIn.set(segment, [use.pos]);
      }
    }
    const finals = new Set(codePath.finalSegments);
    const thrown = new Set(codePath.thrownSegments);
    // How a path that reaches the final segment `segment` leaves, or
    // undefined for an exception ESLint assumes any call in a `try` block may
    // throw: like vet, which ignores panics, only explicit `throw`s count.
    const exitAt = (segment: Segment, last: Exit['node']): Exit | undefined => {
      if (thrown.has(segment)) return last?.type === 'ThrowStatement' ? { kind: 'throw', node: last } : undefined;
      // A `throw` caught in this function is not how this path leaves.
      return last?.type === 'ReturnStatement' ? { kind: 'return', node: last } : { kind: 'end' };
    };

    const defEnd = def.range[1];
    const stack: Array<[Segment, Exit['node']]> = [];
    for (const segment of this.segmentsOf.get(def) ?? []) {
      // In the defining segment, only uses after the definition count (or a
      // closure, which reads the variable whenever it runs).
      if (usesIn.get(segment)?.some((pos) => pos >= defEnd || pos === -Infinity)) continue;
      const last = this.exitOf.get(segment);
      const exit = finals.has(segment) ? exitAt(segment, last) : undefined;
      if (exit) return exit;
      for (const next of segment.nextSegments) stack.push([next, last]);
    }
    // A segment is searched once per `return`/`throw` that led to it: the
    // same `finally` segment can end an explicit throw and an implicit one.
    const visited = new Map<Segment, Set<Exit['node']>>();
    while (stack.length > 0) {
      const [segment, previous] = stack.pop()!;
      const seen = visited.get(segment) ?? new Set();
      if (seen.has(previous)) continue;
      seen.add(previous);
      visited.set(segment, seen);
      if (usesIn.has(segment)) continue;
      const last = this.exitOf.get(segment) ?? previous;
      const exit = finals.has(segment) ? exitAt(segment, last) : undefined;
      if (exit) return exit;
      for (const next of segment.nextSegments) stack.push([next, last]);
    }
    return undefined;
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }
}
