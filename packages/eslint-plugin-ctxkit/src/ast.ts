/** Small helpers over ESTree / typescript-estree nodes. */
import type { TSESTree } from '@typescript-eslint/types';

export type Node = TSESTree.Node;
export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

/** Nodes that only add a type: `x as T`, `x!`, `<T>x`, `x satisfies T`, `f<T>`. */
type TypeWrapper =
  | TSESTree.TSAsExpression
  | TSESTree.TSNonNullExpression
  | TSESTree.TSSatisfiesExpression
  | TSESTree.TSTypeAssertion
  | TSESTree.TSInstantiationExpression;

export function isTypeWrapper(node: Node): node is TypeWrapper {
  switch (node.type) {
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'TSInstantiationExpression':
      return true;
    default:
      return false;
  }
}

/** The outermost TypeScript-only wrapper around `node`, or `node` itself. */
export function skipTypeWrappers(node: Node): Node {
  let n = node;
  while (n.parent && isTypeWrapper(n.parent) && n.parent.expression === n) n = n.parent;
  return n;
}

export function isFunction(node: Node): node is FunctionNode {
  return (
    node.type === 'ArrowFunctionExpression' ||
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression'
  );
}

/**
 * The node whose code path contains `node`: its function, the program, a
 * class static block, or a class field's initializer (ESLint gives each of
 * these a code path of its own).
 */
export function frameOf(node: Node): Node {
  for (let n: Node | undefined = node; n; n = n.parent) {
    if (n !== node && (isFunction(n) || n.type === 'Program' || n.type === 'StaticBlock')) return n;
    if (n.parent?.type === 'PropertyDefinition' && n.parent.value === n) return n;
  }
  throw new Error('node outside a program');
}

/**
 * The outermost function or class between `node` and `frame` (exclusive), if
 * any: the code that captures a variable of `frame` in a closure.
 */
export function closureWithin(node: Node, frame: Node): Node | undefined {
  let outermost: Node | undefined;
  for (let n = node.parent; n && n !== frame; n = n.parent) {
    if (isFunction(n) || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') outermost = n;
  }
  return outermost;
}

/** `x[0]`, `x['1']` → 0, 1; anything else → undefined. */
export function constantIndex(member: TSESTree.MemberExpression): number | undefined {
  if (!member.computed || member.property.type !== 'Literal') return undefined;
  const v = member.property.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) return Number(v);
  return undefined;
}

/** The name of a non-computed member or string-keyed computed member. */
export function propertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : undefined;
  const p = member.property;
  return p.type === 'Literal' && typeof p.value === 'string' ? p.value : undefined;
}
