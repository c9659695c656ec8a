/**
 * The config loader: reads a YAML or JSON file, validates it against the schema, runs the
 * semantic checks (references, duplicates, regexes, port clashes, files) and returns one frozen
 * config with a content hash. Any problem rejects the whole file with every error listed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigLoadError, ROOT_PATH, formatConfigErrors, type ConfigError } from './errors.js';
import { besideSchemaErrors, checkSemantics } from './semantic.js';
import type { SluiceConfig } from './types.js';
import { validateSchema } from './validate-schema.js';

export { ConfigLoadError, formatConfigErrors, type ConfigError };

/** A validated config, ready for the rest of the host to build from. */
export interface LoadedConfig {
  /** The config, deep-frozen: nothing downstream may change it. */
  config: SluiceConfig;
  /** Absolute path of the file it came from; undefined for text parsed without a file. */
  file: string | undefined;
  /** Directory relative paths in the config (wasm files) are resolved against. */
  baseDir: string;
  /** sha256 hex of the canonical JSON (sorted keys): equal configs hash equal across formats. */
  hash: string;
  loadedAt: Date;
}

/** Plain words for the usual reasons a config file cannot be read. */
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
};

/** Options for parseConfigText. */
export interface ParseConfigOptions {
  format: 'yaml' | 'json';
  /** Shown in syntax errors and recorded in LoadedConfig.file. */
  file?: string;
  baseDir: string;
}

/**
 * Reads and validates a config file: YAML for .yaml/.yml, JSON for .json, otherwise YAML (a
 * superset of JSON). Rejects with ConfigLoadError listing every problem.
 */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? (err as Error).message;
    throw new ConfigLoadError([{ path: file, message: `cannot read config: ${reason}` }]);
  }
  const format = extname(abs).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseConfigText(text, { format, file: abs, baseDir: dirname(abs) });
}

/** Where `admin: {}` listens: loopback only, since the admin API has no authentication. */
export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:9901';

/** Parses and validates config text. Throws ConfigLoadError listing every problem. */
export function parseConfigText(text: string, opts: ParseConfigOptions): LoadedConfig {
  const where = opts.file ?? ROOT_PATH;
  const doc = opts.format === 'json' ? parseJson(text, where) : parseYaml(text, where);
  const schemaErrors = validateSchema(doc);
  if (schemaErrors.length > 0) {
    throw new ConfigLoadError([...schemaErrors, ...besideSchemaErrors(doc, schemaErrors, { baseDir: opts.baseDir })]);
  }
  const config = doc as SluiceConfig;
  if (config.admin !== undefined && config.admin.address === undefined) config.admin.address = DEFAULT_ADMIN_ADDRESS;
  const semanticErrors = checkSemantics(config, { baseDir: opts.baseDir });
  if (semanticErrors.length > 0) throw new ConfigLoadError(semanticErrors);
  return {
    config: deepFreeze(config),
    file: opts.file,
    baseDir: opts.baseDir,
    hash: createHash('sha256').update(canonicalJson(config)).digest('hex'),
    loadedAt: new Date(),
  };
}

function parseYaml(text: string, where: string): unknown {
  // YAML 1.2 core schema: "on"/"yes" stay strings, duplicate keys are errors.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigLoadError(
      doc.errors.map((e) => {
        const { line, col } = lineCol(text, e.pos[0]);
        const reason = e.code === 'MULTIPLE_DOCS' ? 'a config file holds one YAML document' : e.message;
        return { path: where, message: `YAML syntax error at line ${line}, column ${col}: ${reason}` };
      }),
    );
  }
  try {
    // Alias expansion is capped so a small file cannot expand into a huge config.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigLoadError([{ path: where, message: `YAML error: ${(err as Error).message}` }]);
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // V8 reports a character offset ("at position 42"), or none at end of input.
    const m = /position (\d+)/.exec(message);
    const { line, col } = lineCol(text, m ? Number(m[1]) : text.length);
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/ of JSON input$/, ' of input');
    throw new ConfigLoadError([{ path: where, message: `JSON syntax error at line ${line}, column ${col}: ${reason}` }]);
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** JSON with object keys sorted at every level, so key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
