/** The options of `no-lost-cancel`. */
import type { SourceMatcher } from './constructors.js';

/** `['error', { importSources: ['ctxkit', '/\\/src\\/index\\.js$/'] }]` */
export interface NoLostCancelOptions {
  /**
   * Module specifiers that provide ctxkit's constructors. Default
   * `['ctxkit']`. An entry written as `/pattern/flags` is a regular
   * expression, e.g. `'/\\/src\\/index\\.js$/'` for a package's own tests.
   */
  importSources?: string[];
}

const PATTERN = /^\/(.+)\/([dgimsuvy]*)$/;

/** Whether an `importSources` entry is a `/regular expression/`. */
export function isPattern(source: string): boolean {
  return PATTERN.test(source);
}

/** Plain entries match a specifier exactly; `/.../` entries are regular expressions. */
export function sourceMatcher(sources: readonly string[]): SourceMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const s of sources) {
    const m = PATTERN.exec(s);
    if (m) patterns.push(new RegExp(m[1]!, m[2]));
    else exact.add(s);
  }
  return (source) => exact.has(source) || patterns.some((re) => re.test(source));
}
