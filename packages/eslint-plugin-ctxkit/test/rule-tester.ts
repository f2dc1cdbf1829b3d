/**
 * ESLint's RuleTester under vitest, run once with ESLint's default parser
 * (espree) and once with typescript-eslint's parser.
 */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import plugin from '../src/index.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The first line of most cases: every constructor, imported from ctxkit. */
export const IMPORTS =
  "import { afterFunc, background, done, race, sleep, withCancel, withCancelCause, withDeadline, withDeadlineCause, withSignal, withTimeout, withTimeoutCause } from 'ctxkit';\n";

export type MessageId = 'discarded' | 'neverCalled' | 'lostCancel' | 'returnReached' | 'throwReached' | 'endReached';

export interface ValidCase {
  readonly name: string;
  readonly code: string;
  readonly options?: unknown[];
}

export interface InvalidCase extends ValidCase {
  readonly errors: ReadonlyArray<{ messageId: MessageId; line?: number; column?: number; data?: Record<string, string> }>;
}

export interface Cases {
  readonly valid: readonly ValidCase[];
  readonly invalid: readonly InvalidCase[];
}

const parsers = {
  espree: new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } }),
  'typescript-eslint': new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' } }),
} as const;

/** Runs `cases` with the given parsers (both by default). TypeScript-only syntax: `['typescript-eslint']`. */
export function runRule(title: string, cases: Cases, only: ReadonlyArray<keyof typeof parsers> = ['espree', 'typescript-eslint']): void {
  for (const parser of only) {
    const filename = parser === 'typescript-eslint' ? 'case.ts' : 'case.js';
    describe(`${title} (${parser})`, () => {
      parsers[parser].run('no-lost-cancel', plugin.rules['no-lost-cancel'], {
        valid: cases.valid.map((c) => ({ ...c, filename })),
        invalid: cases.invalid.map((c) => ({ ...c, filename, errors: [...c.errors] })),
      });
    });
  }
}
