/**
 * Semantic checks, run once the schema passes: everything a JSON Schema cannot say about a
 * config (references, uniqueness, regexes, port clashes, files on disk). Every check runs and
 * every problem is returned, in file order within each check.
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

/** Every semantic problem in a schema-valid config; [] when none. */
export function checkSemantics(config: SluiceConfig, ctx: SemanticContext): ConfigError[] {
  return [
    ...checkDuplicateNames(config),
    ...checkReferences(config),
    ...checkPortClashes(config),
    ...checkWasmFiles(config, ctx.baseDir),
    ...checkListenerChains(config, ctx.baseDir),
    ...checkDomains(config),
    ...checkRegexes(config),
    ...checkActions(config),
    ...checkClusters(config),
  ];
}
