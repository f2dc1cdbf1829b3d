/**
 * Where a file calls one of ctxkit's cancel-returning constructors.
 *
 * A call counts only when the callee is ctxkit's own function, found through
 * the scope manager rather than by name: a named import under any local name
 * (`import { withCancel as wc } from 'ctxkit'`), a member of a namespace
 * import (`import * as ck from 'ctxkit'; ck.withTimeout(...)`), the same two
 * shapes through `require('ctxkit')` or `await import('ctxkit')`, and
 * TypeScript's `import ck = require('ctxkit')`. A local function that happens
 * to be called `withCancel`, or a parameter that shadows the import, is not
 * ctxkit's and is never reported.
 */
import type { Scope, SourceCode } from 'eslint';
import type { TSESTree } from '@typescript-eslint/types';
import { propertyName, skipTypeWrappers } from './ast.js';

/** ctxkit's constructors that return `[Context, cancel]`. */
export const CANCEL_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'withCancel',
  'withCancelCause',
  'withTimeout',
  'withTimeoutCause',
  'withDeadline',
  'withDeadlineCause',
  'withSignal',
]);

/** A call of a cancel-returning constructor, with the constructor's exported name. */
export interface ConstructorCall {
  readonly call: TSESTree.CallExpression;
  readonly name: string;
}

/** Decides whether an import source is ctxkit. */
export type SourceMatcher = (source: string) => boolean;

/**
 * Collects ctxkit's bindings while ESLint walks the file; `calls()` then
 * lists every constructor call made through them.
 */
export class CtxkitBindings {
  /** Local variables bound to one constructor (`withCancel`, `wc`). */
  private readonly named: Array<{ variable: Scope.Variable; name: string }> = [];
  /** Local variables bound to the whole module (`ck`). */
  private readonly namespaces: Scope.Variable[] = [];
  /** Members called on the module expression itself: `require('ctxkit').withCancel(p)`. */
  private readonly direct: ConstructorCall[] = [];

  constructor(
    private readonly sourceCode: SourceCode,
    private readonly isCtxkit: SourceMatcher,
  ) {}

  /** `import { withCancel } from 'ctxkit'`, `import * as ck from 'ctxkit'`. */
  importDeclaration(node: TSESTree.ImportDeclaration): void {
    if (node.importKind === 'type' || !this.isCtxkit(node.source.value)) return;
    for (const spec of node.specifiers) {
      const variable = this.declared(spec, spec.local);
      if (!variable) continue;
      if (spec.type === 'ImportSpecifier') {
        if (spec.importKind === 'type') continue;
        const name = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
        if (CANCEL_CONSTRUCTORS.has(name)) this.named.push({ variable, name });
      } else {
        // A namespace import, or a default import of a CommonJS build (`import ck from 'ctxkit'`).
        this.namespaces.push(variable);
      }
    }
  }

  /** `import ck = require('ctxkit')` (TypeScript). */
  importEquals(node: TSESTree.TSImportEqualsDeclaration): void {
    if (node.importKind === 'type') return;
    const ref = node.moduleReference;
    if (ref.type !== 'TSExternalModuleReference' || ref.expression.type !== 'Literal') return;
    if (typeof ref.expression.value !== 'string' || !this.isCtxkit(ref.expression.value)) return;
    const variable = this.declared(node, node.id);
    if (variable) this.namespaces.push(variable);
  }

  /** `require('ctxkit')` and `import('ctxkit')`: the module object as an expression. */
  moduleExpression(node: TSESTree.CallExpression | TSESTree.ImportExpression): void {
    const source = node.type === 'ImportExpression' ? node.source : node.arguments[0];
    if (node.type === 'CallExpression') {
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'require' || node.arguments.length !== 1) return;
    }
    if (source?.type !== 'Literal' || typeof source.value !== 'string' || !this.isCtxkit(source.value)) return;

    let expr: TSESTree.Node = skipTypeWrappers(node);
    if (expr.parent?.type === 'AwaitExpression') expr = skipTypeWrappers(expr.parent);
    const parent = expr.parent;
    if (parent?.type === 'MemberExpression' && parent.object === expr) {
      // require('ctxkit').withCancel(p)
      const name = propertyName(parent);
      const call = parent.parent;
      if (name && CANCEL_CONSTRUCTORS.has(name) && call?.type === 'CallExpression' && call.callee === parent) {
        this.direct.push({ call, name });
      }
      return;
    }
    if (parent?.type !== 'VariableDeclarator' || parent.init !== expr) return;
    if (parent.id.type === 'Identifier') {
      const variable = this.declared(parent, parent.id);
      if (variable) this.namespaces.push(variable);
      return;
    }
    if (parent.id.type !== 'ObjectPattern') return;
    for (const prop of parent.id.properties) {
      if (prop.type !== 'Property') continue;
      const name = propertyKeyName(prop);
      const target = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
      if (!name || !CANCEL_CONSTRUCTORS.has(name) || target.type !== 'Identifier') continue;
      const variable = this.declared(parent, target);
      if (variable) this.named.push({ variable, name });
    }
  }

  /** Every call of a cancel-returning constructor through the bindings collected so far. */
  calls(): ConstructorCall[] {
    const out: ConstructorCall[] = [...this.direct];
    for (const { variable, name } of this.named) {
      for (const ref of variable.references) {
        const id = ref.identifier as TSESTree.Identifier;
        const callee = skipTypeWrappers(id);
        const call = callee.parent;
        if (call?.type === 'CallExpression' && call.callee === callee) out.push({ call, name });
      }
    }
    for (const variable of this.namespaces) {
      for (const ref of variable.references) {
        const id = skipTypeWrappers(ref.identifier as TSESTree.Identifier);
        const member = id.parent;
        if (member?.type !== 'MemberExpression' || member.object !== id) continue;
        const name = propertyName(member);
        const call = member.parent;
        if (name && CANCEL_CONSTRUCTORS.has(name) && call?.type === 'CallExpression' && call.callee === member) {
          out.push({ call, name });
        }
      }
    }
    return out;
  }

  /** The variable that `node` declares under the identifier `id`. */
  private declared(node: TSESTree.Node, id: TSESTree.Identifier): Scope.Variable | undefined {
    return this.sourceCode
      .getDeclaredVariables(node as never)
      .find((v) => v.identifiers.some((i) => (i as unknown) === id));
  }
}


function propertyKeyName(prop: TSESTree.Property): string | undefined {
  if (!prop.computed && prop.key.type === 'Identifier') return prop.key.name;
  return prop.key.type === 'Literal' && typeof prop.key.value === 'string' ? prop.key.value : undefined;
}
