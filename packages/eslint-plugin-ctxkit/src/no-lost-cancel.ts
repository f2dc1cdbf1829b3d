/**
 * `no-lost-cancel`: Go's `go vet -lostcancel` for ctxkit.
 *
 * Every context made by `withCancel`, `withCancelCause`, `withTimeout`,
 * `withTimeoutCause`, `withDeadline`, `withDeadlineCause` or `withSignal`
 * stays registered with its parent (and keeps its timer armed) until its
 * cancel function is called or the parent ends. The rule reports a cancel
 * function that is
 *
 * - discarded: `withCancel(p);`, `const [ctx] = withCancel(p)`, a hole, or a
 *   variable named `_` (or `_anything`) that is never used, as Go's `_`;
 * - never called: held in a variable nothing ever uses;
 * - not used on every path out of its function: a `return` or `throw`
 *   before the call, or a call in one branch only — found with ESLint's code
 *   path analysis, so a call in `finally` covers every path (not at module
 *   top level, whose variables outlive the top-level code);
 *
 * unless it is used where vet would see a use: called, bound with `using`,
 * returned (alone or in a tuple or object), passed to another function
 * (`afterFunc`, `stack.defer`, `res.on('close', cancel)`), stored on an
 * object, in a collection or in an outer variable, exported, or captured by a
 * closure that is itself called, passed, returned or stored. See
 * `cancel-flow.ts` for what counts and `code-paths.ts` for the path search.
 */
import type { Rule } from 'eslint';
import type { TSESTree } from '@typescript-eslint/types';
import { frameOf, isFunction, type Node } from './ast.js';
import { CancelFlow } from './cancel-flow.js';
import { SegmentRecorder } from './code-paths.js';
import { CtxkitBindings, type ConstructorCall } from './constructors.js';
import { usesAtFinallyJumps } from './finally-jumps.js';
import { isPattern, sourceMatcher, type NoLostCancelOptions } from './options.js';

const ADVICE = 'when the work is done, e.g. `using _ = {{name}}` or `finally { {{name}}() }`';

export const noLostCancel: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Require the cancel function of a ctxkit context to be called on every path (go vet -lostcancel)',
      recommended: true,
    },
    schema: [
      {
        type: 'object',
        properties: {
          importSources: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      discarded: `the cancel function returned by {{fn}} is discarded (possible context leak): call it ${ADVICE}`,
      neverCalled: `the cancel function returned by {{fn}} is never called (possible context leak): call {{name}} ${ADVICE}`,
      lostCancel: 'the cancel function returned by {{fn}} is not used on all paths (possible context leak)',
      returnReached: 'this return statement may be reached without calling {{name}} (defined on line {{line}})',
      throwReached: 'this throw statement may be reached without calling {{name}} (defined on line {{line}})',
      endReached: 'the end of this {{where}} may be reached without calling {{name}} (defined on line {{line}})',
    },
  },

  create(context) {
    const sourceCode = context.sourceCode;
    const options = (context.options[0] ?? {}) as NoLostCancelOptions;
    const sources = options.importSources ?? ['ctxkit'];
    const isCtxkit = sourceMatcher(sources);
    const bindings = new CtxkitBindings(sourceCode, isCtxkit);
    const recorder = new SegmentRecorder();
    const flow = new CancelFlow(sourceCode);
    const jumps: Array<TSESTree.BreakStatement | TSESTree.ContinueStatement> = [];
    // Most files never mention ctxkit: skip recording segments for them.
    let enabled = false;

    function check(def: ConstructorCall): void {
      const { call, name: fn } = def;
      // Unreachable code is ESLint's no-unreachable's business.
      if (!recorder.isReachable(call)) return;
      const frame = frameOf(call);
      const outcome = flow.consume(call, 'tuple', frame);
      if (outcome.type === 'used') return;
      if (outcome.type === 'dropped') {
        context.report({ node: call as never, messageId: 'discarded', data: { fn, name: 'cancel' } });
        return;
      }
      const { binding, variable, kind } = outcome;
      const name = kind === 'tuple' ? `${binding.name}[1]` : binding.name;
      const uses = flow.uses(variable, kind, frame);
      if (uses.length === 0) {
        const messageId = binding.name.startsWith('_') ? 'discarded' : 'neverCalled';
        context.report({ node: binding as never, messageId, data: { fn, name: messageId === 'discarded' ? 'cancel' : name } });
        return;
      }
      // A module's variables outlive its top-level code: reaching the end of
      // the module ends nothing, and any later callback may call the cancel.
      if (frame.type === 'Program') return;
      const codePath = recorder.codePath(frame);
      if (!codePath) return;
      uses.push(...usesAtFinallyJumps(uses, jumps, frame));
      const exit = recorder.uncoveredExit(call, uses, codePath);
      if (!exit) return;
      context.report({ node: binding as never, messageId: 'lostCancel', data: { fn } });
      const data = { name, line: String(binding.loc.start.line) };
      if (exit.node) {
        context.report({ node: exit.node as never, messageId: exit.kind === 'throw' ? 'throwReached' : 'returnReached', data });
      } else {
        const where = frame.type === 'StaticBlock' ? 'static block' : 'function';
        context.report({ loc: endOf(frame), messageId: 'endReached', data: { ...data, where } });
      }
    }

    function endOf(frame: Node): TSESTree.SourceLocation {
      const body = isFunction(frame) ? frame.body : frame;
      const last = sourceCode.getLastToken(body as never);
      return (last?.loc ?? body.loc) as TSESTree.SourceLocation;
    }

    const record = (node: Rule.Node): void => {
      if (enabled) recorder.record(node as Node);
    };

    return {
      onCodePathStart(codePath, node) {
        if (node.type === 'Program') enabled = sources.some((s) => isPattern(s) || sourceCode.text.includes(s));
        if (enabled) recorder.codePathStart(codePath, node as Node);
      },
      onCodePathEnd(_codePath, node) {
        if (!enabled) return;
        recorder.codePathEnd();
        // The last event of the file: every code path is complete.
        if (node.type === 'Program') for (const def of bindings.calls()) check(def);
      },
      onCodePathSegmentStart(segment) {
        if (enabled) recorder.segmentStart(segment);
      },
      onCodePathSegmentEnd(segment) {
        if (enabled) recorder.segmentEnd(segment);
      },
      Identifier: record,
      ClassDeclaration: record,
      ClassExpression: record,
      CallExpression(node) {
        if (!enabled) return;
        recorder.record(node as Node);
        bindings.moduleExpression(node as TSESTree.CallExpression);
      },
      ImportExpression(node) {
        if (enabled) bindings.moduleExpression(node as TSESTree.ImportExpression);
      },
      ImportDeclaration(node) {
        if (enabled) bindings.importDeclaration(node as TSESTree.ImportDeclaration);
      },
      TSImportEqualsDeclaration(node: Rule.Node) {
        if (enabled) bindings.importEquals(node as unknown as TSESTree.TSImportEqualsDeclaration);
      },
      ReturnStatement(node) {
        if (enabled) recorder.recordExit(node as TSESTree.ReturnStatement);
      },
      ThrowStatement(node) {
        if (enabled) recorder.recordExit(node as TSESTree.ThrowStatement);
      },
      'BreakStatement, ContinueStatement'(node: Rule.Node) {
        if (!enabled) return;
        recorder.record(node as Node);
        jumps.push(node as TSESTree.BreakStatement | TSESTree.ContinueStatement);
      },
    };
  },
};
