/** Schemas for a route's `match`: path spec, method, header and query parameter matchers. */
import type { HeaderMatcherConfig, QueryParameterMatcherConfig, RouteMatchConfig } from '../types.js';
import { METHOD_PATTERN, absolutePath, exactlyOneOf, nonEmptyString, objectSchema, type Schema } from './common.js';


/** `match.headers[]`; "at most one of exact, present, regex" is a semantic check. */
export const headerMatcherSchema: Schema = objectSchema<HeaderMatcherConfig>()(
  {
    name: nonEmptyString,
    exact: { type: 'string' },
    present: { type: 'boolean' },
    regex: { type: 'string' },
    invert: { type: 'boolean' },
  },
  ['name'],
);

/** `match.query_parameters[]`. */
export const queryParameterMatcherSchema: Schema = objectSchema<QueryParameterMatcherConfig>()(
  { name: nonEmptyString, exact: { type: 'string' }, present: { type: 'boolean' }, regex: { type: 'string' } },
  ['name'],
);

/** A route's `match`: exactly one of prefix, path, safe_regex, plus optional conditions. */
export const routeMatchSchema: Schema = objectSchema<RouteMatchConfig>()(
  {
    prefix: absolutePath,
    path: absolutePath,
    safe_regex: { type: 'string' },
    case_sensitive: { type: 'boolean' },
    methods: { type: 'array', items: { type: 'string', pattern: METHOD_PATTERN }, minItems: 1 },
    headers: { type: 'array', items: headerMatcherSchema },
    query_parameters: { type: 'array', items: queryParameterMatcherSchema },
  },
  [],
  exactlyOneOf('prefix', 'path', 'safe_regex'),
);
