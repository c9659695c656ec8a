/**
 * Schema validation of a parsed config document with ajv, and the translation of ajv's errors
 * into `path: message` lines a human reads (`clusters[0].lb_policy: must be one of ...`).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { parseAddress } from './address.js';
import { pointerToPath, type ConfigError } from './errors.js';
import { ADDRESS_FORMAT, PATTERN_MESSAGES } from './schema/common.js';
import { rootSchema } from './schema/root.js';

// Compiled once when this module loads; the validator is only called synchronously and its
// `errors` read right after, so sharing it is safe.
// strictRequired is off only because oneOf branches name keys declared in the parent's properties.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
ajv.addFormat(ADDRESS_FORMAT, { type: 'string', validate: (s: string) => parseAddress(s) !== undefined });
const validateRoot = ajv.compile(rootSchema);

/** Validates a parsed document against the root schema; [] when it conforms. */
export function validateSchema(doc: unknown): ConfigError[] {
  if (validateRoot(doc)) return [];
  return translateErrors(validateRoot.errors ?? []);
}

/** Turns ajv errors into ConfigErrors, folding each failed `oneOf` into one message. */
export function translateErrors(raw: readonly ErrorObject[]): ConfigError[] {
  // Branch errors of a failed oneOf ("must have required property 'redirect'" three times)
  // say nothing useful; the oneOf error alone is replaced by "needs exactly one of ...".
  const oneOfPaths = raw.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const out: ConfigError[] = [];
  const seen = new Set<string>();
  for (const e of raw) {
    if (oneOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const error = translate(e);
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function translate(e: ErrorObject): ConfigError {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing required key '${String(params.missingProperty)}'` };
    case 'additionalProperties':
      return { path, message: `unknown key '${String(params.additionalProperty)}'` };
    case 'type':
      return { path, message: `must be ${describeTypes(String(params.type))}` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'pattern': {
      const pattern = String(params.pattern);
      return { path, message: PATTERN_MESSAGES[pattern] ?? `must match ${pattern}` };
    }
    case 'format':
      return { path, message: params.format === ADDRESS_FORMAT ? 'must be host:port' : `must be a ${String(params.format)}` };
    case 'minimum':
    case 'maximum':
      return { path, message: rangeMessage(e) };
    case 'minItems':
      return { path, message: `must have at least ${plural(Number(params.limit), 'item')}` };
    case 'minLength':
      return { path, message: Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${plural(Number(params.limit), 'character')}` };
    case 'oneOf':
      return { path, message: oneOfMessage(e) };
    default:
      // Keywords these schemas do not use; ajv's own wording is the best available.
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'null',
};

function describeTypes(types: string): string {
  const words = types.split(',').map((t) => TYPE_WORDS[t] ?? t);
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

function rangeMessage(e: ErrorObject): string {
  const parent = e.parentSchema as { minimum?: number; maximum?: number } | undefined;
  if (parent?.minimum !== undefined && parent.maximum !== undefined) {
    return `must be between ${parent.minimum} and ${parent.maximum}`;
  }
  const limit = (e.params as { limit: number }).limit;
  return e.keyword === 'minimum' ? `must be at least ${limit}` : `must be at most ${limit}`;
}

function oneOfMessage(e: ErrorObject): string {
  const branches = e.schema as { required?: string[] }[];
  const keys = branches.flatMap((b) => b.required ?? []);
  return `needs exactly one of ${keys.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
