/**
 * Config errors: each names the place in the file (`clusters[0].lb_policy`) and says what is
 * wrong in words a human reads. A bad file is rejected whole with every problem listed.
 */

/** One problem in a config file. */
export interface ConfigError {
  /** Where: `listeners[0].address`, `(root)` for the top level, or the file name for I/O and
   *  syntax errors. */
  path: string;
  message: string;
}

/** Thrown by the loader when a config cannot be used; `errors` lists every problem found. */
export class ConfigLoadError extends Error {
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[]) {
    super(`invalid config:\n${formatConfigErrors(errors)}`);
    this.name = 'ConfigLoadError';
    this.errors = errors;
  }
}

/** One `path: message` line per error. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/** The path shown for the document itself. */
export const ROOT_PATH = '(root)';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Path segments (keys and indexes) → `a.b[0].c`; odd keys are quoted: `filters["my-filter"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

/** Appends a key or index to a display path (as built by formatPath). */
export function childPath(path: string, seg: string | number): string {
  const base = path === ROOT_PATH ? '' : path;
  if (typeof seg === 'number') return `${base}[${seg}]`;
  if (!IDENTIFIER.test(seg)) return `${base}[${JSON.stringify(seg)}]`;
  return base === '' ? seg : `${base}.${seg}`;
}

/** A JSON pointer (ajv's instancePath) → display path. Numeric segments become indexes. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return ROOT_PATH;
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
  return formatPath(segments);
}
