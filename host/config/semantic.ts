/**
 * Semantic checks: everything a JSON Schema cannot say about a config (references, uniqueness,
 * regexes, port clashes, files on disk). Every check runs and every problem is returned, in file
 * order within each check. On a config that failed the schema they run too (besideSchemaErrors),
 * so one pass reports every problem.
 */
import { checkClusters } from './check-clusters.js';
import { checkListenerChains, checkPortClashes, checkWasmFiles } from './check-listeners.js';
import { checkDuplicateNames, checkReferences } from './check-names.js';
import { checkActions, checkDomains, checkRegexes } from './check-routes.js';
import type { ConfigError } from './errors.js';
import type { SluiceConfig } from './types.js';

/** Context the semantic checks need. */
export interface SemanticContext {
  /** Directory relative file paths (wasm modules) resolve against. */
  baseDir: string;
}

const CHECKS: ((config: SluiceConfig, ctx: SemanticContext) => ConfigError[])[] = [
  checkDuplicateNames,
  checkReferences,
  checkPortClashes,
  (c, ctx) => checkWasmFiles(c, ctx.baseDir),
  (c, ctx) => checkListenerChains(c, ctx.baseDir),
  checkDomains,
  checkRegexes,
  checkActions,
  checkClusters,
];

/** Every semantic problem in a schema-valid config; [] when none. */
export function checkSemantics(config: SluiceConfig, ctx: SemanticContext): ConfigError[] {
  return CHECKS.flatMap((check) => check(config, ctx));
}

/**
 * The semantic problems of a config that failed its schema, beside `schemaErrors`: a check that
 * trips over a value of the wrong shape is skipped, and a problem at, inside or above a place
 * the schema already reported is left out (it would only restate it, or misread it).
 */
export function besideSchemaErrors(doc: unknown, schemaErrors: readonly ConfigError[], ctx: SemanticContext): ConfigError[] {
  const related = (a: string, b: string): boolean => a === b || nested(a, b) || nested(b, a);
  const out: ConfigError[] = [];
  for (const check of CHECKS) {
    let found: ConfigError[];
    try {
      found = check(doc as SluiceConfig, ctx);
    } catch {
      continue;
    }
    for (const e of found) if (!schemaErrors.some((s) => related(s.path, e.path))) out.push(e);
  }
  return out;
}

/** `inner` lies inside `outer` (`listeners[0].address` inside `listeners[0]`). */
function nested(inner: string, outer: string): boolean {
  return inner.startsWith(outer) && (inner[outer.length] === '.' || inner[outer.length] === '[');
}
