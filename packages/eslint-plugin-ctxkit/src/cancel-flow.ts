/**
 * What a function does with a cancel function once a constructor returns it.
 *
 * Go's vet counts any mention of the cancel variable as a use, and so does
 * this rule — calling it, testing it, returning it, passing it to another
 * function, storing it on an object or in an outer variable, exporting it,
 * binding it with `using` — with three refinements JavaScript needs:
 *
 * 1. The constructor returns a tuple, so the tuple is followed too:
 *    `const pair = withCancel(p)` is tracked through `pair[1]`,
 *    `const [ctx, cancel] = pair`, and counts as handed on when `pair` itself
 *    is returned, passed or stored; `pair[0]` does not touch the cancel.
 * 2. A value that is thrown away is not a use: `withCancel(p);`,
 *    `const [ctx] = withCancel(p)`, a hole, `void cancel`.
 * 3. Local aliases are followed instead of counting as a use where they are
 *    made: `const stop = cancel`, `const stop = () => cancel()`,
 *    `function stop() { cancel(); }` — the calls of `stop` are the uses. A
 *    closure that mentions the cancel and is called on the spot, passed,
 *    returned or stored counts as a use at the point where that happens.
 */
import type { Scope, SourceCode } from 'eslint';
import type { TSESTree } from '@typescript-eslint/types';
import { closureWithin, constantIndex, isTypeWrapper, propertyName, type Node } from './ast.js';

/** The value being followed: the `[Context, cancel]` tuple, or the cancel function. */
export type Kind = 'tuple' | 'cancel';

export type Outcome =
  /** Called, bound with `using`, or handed on: returned, passed, stored, exported, tested. */
  | { readonly type: 'used' }
  /** The cancel function is not touched: thrown away, or only the context is read. */
  | { readonly type: 'dropped' }
  /** Held in a local variable of the same function: follow that variable. */
  | { readonly type: 'bound'; readonly variable: Scope.Variable; readonly kind: Kind; readonly binding: TSESTree.Identifier };

/**
 * A point where the cancel function is used. `pos` orders it within its code
 * path segment; a closure that captures the variable has `-Infinity`: it
 * sees whichever cancel the variable holds when it runs.
 */
export interface Use {
  readonly node: Node;
  readonly pos: number;
}

const USED: Outcome = { type: 'used' };
const DROPPED: Outcome = { type: 'dropped' };

export class CancelFlow {
  constructor(private readonly sourceCode: SourceCode) {}

  /** What happens to the value of `node` (a tuple or a cancel function) in `frame`, the function that holds it. */
  consume(node: Node, kind: Kind, frame: Node): Outcome {
    let child = node;
    // Follow the value through expressions that pass it on unchanged.
    for (;;) {
      const p = child.parent;
      if (!p) return USED;
      if (isTypeWrapper(p) && p.expression === child) child = p;
      else if (p.type === 'ChainExpression' || p.type === 'AwaitExpression') child = p;
      // `a ?? cancel`, `ok ? cancel : noop` pass it on; `cancel && cancel()`
      // and `cancel ? ... : ...` test it, which vet counts as a use.
      else if (p.type === 'LogicalExpression' && p.right === child) child = p;
      else if (p.type === 'ConditionalExpression' && p.test !== child) child = p;
      else if (p.type === 'SequenceExpression') {
        if (p.expressions[p.expressions.length - 1] !== child) return DROPPED;
        child = p;
      } else break;
    }
    const p = child.parent!;
    switch (p.type) {
      case 'ExpressionStatement':
        return DROPPED;
      case 'UnaryExpression':
        return p.operator === 'void' ? DROPPED : USED;
      case 'MemberExpression':
        return p.object === child ? this.member(p, kind, frame) : USED;
      case 'VariableDeclarator':
        return p.init === child ? this.declared(p, kind) : USED;
      case 'AssignmentExpression':
        return p.right === child ? this.assigned(p, kind, frame) : USED;
      default:
        // Called, passed as an argument, returned, yielded, thrown, stored in
        // an object, array or class field, exported, tested: a use, as in vet.
        return USED;
    }
  }

  /** What a closure that captures the cancel (directly or through an alias) amounts to in `frame`. */
  closure(node: Node, frame: Node): Outcome {
    if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') {
      const parent = node.parent;
      if (!node.id || parent?.type === 'ExportNamedDeclaration' || parent?.type === 'ExportDefaultDeclaration') return USED;
      return this.bind(node, node.id, 'cancel');
    }
    // A function expression, arrow or class expression: called on the spot,
    // passed, returned, stored — or bound to a local, which is then followed.
    return this.consume(node, 'cancel', frame);
  }

  /**
   * Every use of the value `variable` holds, following local aliases and the
   * closures that capture any of them. Empty when the cancel is never used.
   */
  uses(variable: Scope.Variable, kind: Kind, frame: Node): Use[] {
    const out: Use[] = [];
    const seen = new Set<Scope.Variable>();
    const work: Array<[Scope.Variable, Kind]> = [[variable, kind]];
    while (work.length > 0) {
      const [v, k] = work.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      for (const ref of v.references) {
        // Skip writes and TypeScript type positions (`typeof cancel` in a type).
        if (!ref.isRead() || (ref as { isValueReference?: boolean }).isValueReference === false) continue;
        const id = ref.identifier as TSESTree.Identifier;
        if (id.parent?.type === 'TSTypeQuery' || id.parent?.type === 'TSQualifiedName') continue;
        const closure = closureWithin(id, frame);
        const outcome = closure ? this.closure(closure, frame) : this.consume(id, k, frame);
        if (outcome.type === 'used') out.push({ node: closure ?? id, pos: closure ? -Infinity : id.range[0] });
        else if (outcome.type === 'bound') work.push([outcome.variable, outcome.kind]);
      }
    }
    return out;
  }

  private member(member: TSESTree.MemberExpression, kind: Kind, frame: Node): Outcome {
    if (kind === 'tuple') {
      const index = constantIndex(member);
      if (index === 1) return this.consume(member, 'cancel', frame);
      if (index !== undefined || propertyName(member) === 'length') return DROPPED; // pair[0]: the context
      return USED; // pair.map(...), pair[i], ...: conservatively a use
    }
    const called = member.parent?.type === 'CallExpression' && member.parent.callee === member;
    const name = propertyName(member);
    if (name === 'bind' && called) return this.consume(member.parent, 'cancel', frame);
    // cancel[Symbol.dispose] is the cancel function itself.
    if (isSymbolDispose(member)) return this.consume(member, 'cancel', frame);
    return USED; // cancel.call(...), cancel.apply(...), any other mention
  }

  private declared(declarator: TSESTree.VariableDeclarator, kind: Kind): Outcome {
    const declaration = declarator.parent;
    // `using scope = cancel`: disposed, which calls it, when the block exits.
    if (declaration.kind === 'using' || declaration.kind === 'await using') return USED;
    if (declaration.parent?.type === 'ExportNamedDeclaration') return USED;
    const id = declarator.id;
    if (id.type === 'Identifier') return this.bind(declarator, id, kind);
    if (kind === 'tuple') return this.destructure(id, (target) => this.bind(declarator, target, 'cancel'));
    return USED;
  }

  private assigned(assign: TSESTree.AssignmentExpression, kind: Kind, frame: Node): Outcome {
    if (assign.operator !== '=' && assign.operator !== '??=' && assign.operator !== '||=' && assign.operator !== '&&=') {
      return USED;
    }
    const left = assign.left;
    if (left.type === 'Identifier') return this.assignTo(left, kind, frame);
    if (kind === 'tuple' && (left.type === 'ArrayPattern' || left.type === 'ObjectPattern')) {
      return this.destructure(left, (target) => this.assignTo(target, 'cancel', frame));
    }
    return USED; // this.cancel = cancel, obj.c = cancel: stored
  }

  /** `[ctx, cancel]` or `{ 1: cancel }` taking a tuple apart. */
  private destructure(
    pattern: TSESTree.Node,
    bindTarget: (target: TSESTree.Identifier) => Outcome,
  ): Outcome {
    let target: TSESTree.Node | null | undefined;
    if (pattern.type === 'ArrayPattern') {
      const elements = pattern.elements;
      if (elements.slice(0, 2).some((e) => e?.type === 'RestElement')) return USED; // [...all], [ctx, ...rest]
      target = elements[1];
    } else if (pattern.type === 'ObjectPattern') {
      if (pattern.properties.some((p) => p.type === 'RestElement')) return USED;
      const prop = pattern.properties.find(
        (p): p is TSESTree.Property =>
          p.type === 'Property' && p.key.type === 'Literal' && (p.key.value === 1 || p.key.value === '1'),
      );
      target = prop?.value;
    } else {
      return USED;
    }
    if (!target) return DROPPED; // const [ctx] = ..., const [ctx, ,] = ...
    if (target.type === 'AssignmentPattern') target = target.left;
    if (target.type === 'Identifier') return bindTarget(target);
    return USED; // [ctx, this.cancel] = ...: stored
  }

  /** A variable declared by `node` under `id`, followed from now on. */
  private bind(node: TSESTree.Node, id: TSESTree.Identifier, kind: Kind): Outcome {
    const variable = this.sourceCode
      .getDeclaredVariables(node as never)
      .find((v) => v.identifiers.some((i) => (i as unknown) === id));
    return variable ? { type: 'bound', variable, kind, binding: id } : USED;
  }

  /** `x = value`: followed if `x` is a variable of this function, else the value outlives the call. */
  private assignTo(id: TSESTree.Identifier, kind: Kind, frame: Node): Outcome {
    const variable = this.resolve(id);
    if (!variable || (variable.scope.variableScope.block as unknown) !== frame) return USED;
    return { type: 'bound', variable, kind, binding: id };
  }

  private resolve(id: TSESTree.Identifier): Scope.Variable | null {
    for (let scope: Scope.Scope | null = this.sourceCode.getScope(id as never); scope; scope = scope.upper) {
      const ref = scope.references.find((r) => (r.identifier as unknown) === id);
      if (ref) return ref.resolved;
    }
    return null;
  }
}

/** `x[Symbol.dispose]` or `x[Symbol.asyncDispose]`. */
function isSymbolDispose(member: TSESTree.MemberExpression): boolean {
  const p = member.property;
  return (
    member.computed &&
    p.type === 'MemberExpression' &&
    p.object.type === 'Identifier' &&
    p.object.name === 'Symbol' &&
    (propertyName(p) === 'dispose' || propertyName(p) === 'asyncDispose')
  );
}
