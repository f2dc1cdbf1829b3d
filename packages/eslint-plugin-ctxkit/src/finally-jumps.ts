/**
 * `break` and `continue` through `finally`.
 *
 * ESLint's code path analysis routes `return` and `throw` through an
 * enclosing `finally` block, but sends `break` and `continue` straight to
 * their target. At run time they run the `finally` block on the way out, so
 * a cancel called there is called on that path too. This module supplies the
 * missing edge: a use inside `finally` also counts at each `break` or
 * `continue` that leaves its `try` (or `catch`) block. It may over-approximate
 * (a conditional call in `finally` counts as a call), never the reverse.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, type Node } from './ast.js';
import type { Use } from './cancel-flow.js';

type Jump = TSESTree.BreakStatement | TSESTree.ContinueStatement;

/** The uses that `finally` blocks among `uses` make at the jumps in `jumps` leaving their `try`. */
export function usesAtFinallyJumps(uses: readonly Use[], jumps: readonly Jump[], frame: Node): Use[] {
  const out: Use[] = [];
  const done = new Set<Node>();
  for (const use of uses) {
    for (const tryStmt of finalizersAround(use.node, frame)) {
      if (done.has(tryStmt)) continue;
      done.add(tryStmt);
      for (const jump of jumps) {
        if (leaves(jump, tryStmt)) out.push({ node: jump, pos: jump.range[0] });
      }
    }
  }
  return out;
}

/** The `try` statements (within `frame`) whose `finally` block contains `node`. */
function finalizersAround(node: Node, frame: Node): TSESTree.TryStatement[] {
  const out: TSESTree.TryStatement[] = [];
  for (let child = node, n = node.parent; n && child !== frame; child = n, n = n.parent) {
    if (n.type === 'TryStatement' && n.finalizer === child) out.push(n);
  }
  return out;
}

/** Whether `jump` sits in the `try` or `catch` block of `tryStmt` (same function) and targets a statement outside it. */
function leaves(jump: Jump, tryStmt: TSESTree.TryStatement): boolean {
  let inside = false;
  for (let child: Node = jump, n: Node | undefined = jump.parent; n; child = n, n = n.parent) {
    if (isFunction(n)) return false;
    if (n === tryStmt) {
      inside = child === tryStmt.block || child === tryStmt.handler;
      break;
    }
  }
  if (!inside) return false;
  const target = targetOf(jump);
  // The jump leaves the try statement when its target encloses it.
  for (let n: Node | undefined = tryStmt.parent; n; n = n.parent) if (n === target) return true;
  return false;
}

function targetOf(jump: Jump): Node | undefined {
  for (let n: Node | undefined = jump.parent; n && !isFunction(n); n = n.parent) {
    if (jump.label) {
      if (n.type === 'LabeledStatement' && n.label.name === jump.label.name) return n;
      continue;
    }
    switch (n.type) {
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        return n;
      case 'SwitchStatement':
        if (jump.type === 'BreakStatement') return n;
        break;
      default:
        break;
    }
  }
  return undefined;
}
