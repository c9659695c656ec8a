/**
 * Building blocks shared by the per-component config schemas: leaf schemas (names, durations,
 * addresses, header options) and `objectSchema`, which ties each object schema to its TypeScript
 * interface in ../types.ts so the two cannot drift apart silently.
 */
import { DURATION_PATTERN } from '../duration.js';
import type { HeaderValueOption } from '../types.js';

/** A JSON Schema node as plain data (ajv validates the schema itself when it compiles). */
export type Schema = Record<string, unknown>;

/** Keys of T that are not optional. */
export type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/** Name of the ajv format for host:port addresses (registered in ../validate-schema.ts). */
export const ADDRESS_FORMAT = 'sluice-address';

/**
 * An object schema for the interface T, with `additionalProperties: false`.
 *
 * The compiler checks that `properties` names exactly the keys of T (a missing or extra key is a
 * type error) and that `required` lists exactly T's non-optional keys. Value schemas are not
 * checked against the property types; the full-config tests cover that.
 */
export function objectSchema<T>() {
  return <const R extends readonly RequiredKeys<T>[]>(
    properties: { [K in keyof T]-?: Schema },
    required: R & MissingCheck<RequiredKeys<T>, R[number]>,
    extra: Schema = {},
  ): Schema => ({
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    ...extra,
  });
}

/**
 * An `enum` schema over the members of the union T; the compiler checks that `values` lists
 * every member and nothing else.
 */
export function enumSchema<T extends string | number>() {
  return <const V extends readonly T[]>(...values: V & MissingCheck<T, V[number]>): Schema => ({
    enum: [...values],
  });
}

/** Resolves to a type no array satisfies when some member of All is missing from Listed. */
type MissingCheck<All, Listed> = [Exclude<All, Listed>] extends [never]
  ? unknown
  : { missing: Exclude<All, Listed> };

/** A non-empty string (names, paths, header names). */
export const nonEmptyString: Schema = { type: 'string', minLength: 1 };

/** A duration string such as "250ms", "5s", "1.5m", "1h". */
export const duration: Schema = { type: 'string', pattern: DURATION_PATTERN };

/** host:port with an IPv4 address, a [bracketed] IPv6 address or a hostname; port 0-65535. */
export const address: Schema = { type: 'string', format: ADDRESS_FORMAT };

/** A path starting with "/". */
export const absolutePath: Schema = { type: 'string', pattern: '^/' };

/** A TCP port for redirects (1-65535). */
export const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };

/** A non-negative integer. */
export const count: Schema = { type: 'integer', minimum: 0 };

/** A positive integer. */
export const positiveInt: Schema = { type: 'integer', minimum: 1 };

/** Plugin or VM configuration: a string, or a map sent to the module as JSON. */
export const pluginConfiguration: Schema = { type: ['string', 'object'] };

/** A string-to-string map (environment variables). */
export const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };

/** A list of non-empty strings. */
export const stringList: Schema = { type: 'array', items: nonEmptyString };

/** A list of header names/values to add. */
export const headerValueOptions: Schema = {
  type: 'array',
  items: objectSchema<HeaderValueOption>()(
    { name: nonEmptyString, value: { type: 'string' }, append: { type: 'boolean' } },
    ['name', 'value'],
  ),
};

/**
 * `oneOf` over single-key branches: exactly one of `keys` must be present. The error translator
 * turns its failure into one "needs exactly one of ..." message.
 */
export function exactlyOneOf(...keys: string[]): Schema {
  return { oneOf: keys.map((k) => ({ required: [k] })) };
}

/** HTTP method tokens are upper case (RFC 9110 methods are case-sensitive). */
export const METHOD_PATTERN = '^[A-Z][A-Z0-9_-]*$';

/** Retry conditions, as in RetryOn. */
export const RETRY_ON = ['5xx', 'gateway-error', 'connect-failure', 'reset', 'retriable-4xx'] as const;

/** Envoy's comma-separated retry_on string, e.g. "5xx,reset". */
export const RETRY_ON_PATTERN = `^ *(${RETRY_ON.join('|')})( *, *(${RETRY_ON.join('|')}))* *$`;

/**
 * Human wording for the `pattern` keywords used in these schemas, keyed by the pattern. A
 * pattern missing here is reported as "must match <pattern>".
 */
export const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: 'must be a duration like 250ms, 5s or 1m',
  '^/': 'must start with /',
  [METHOD_PATTERN]: 'must be an upper-case HTTP method like GET',
  [RETRY_ON_PATTERN]: `must be a comma-separated list of ${RETRY_ON.join(', ')}`,
  '^[a-zA-Z][a-zA-Z0-9+.-]*$': 'must be a URL scheme like https',
};
