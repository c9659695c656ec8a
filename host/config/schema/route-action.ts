/** Schemas for what a matched route does: forward (route), redirect, or answer directly. */
import type {
  DirectResponseConfig,
  HashPolicyConfig,
  RedirectConfig,
  RetryOn,
  RetryPolicyConfig,
  RouteActionConfig,
} from '../types.js';
import {
  RETRY_ON,
  RETRY_ON_PATTERN,
  absolutePath,
  duration,
  enumSchema,
  exactlyOneOf,
  headerValueOptions,
  nonEmptyString,
  objectSchema,
  port,
  type Schema,
} from './common.js';

type WeightedClusters = NonNullable<RouteActionConfig['weighted_clusters']>;
type WeightedCluster = WeightedClusters['clusters'][number];
type RegexRewrite = NonNullable<RouteActionConfig['regex_rewrite']>;
type BackOff = NonNullable<RetryPolicyConfig['retry_back_off']>;

/** `retry_policy`: conditions as "5xx,reset" or a list; at most 10 retries. */
export const retryPolicySchema: Schema = objectSchema<RetryPolicyConfig>()(
  {
    retry_on: {
      type: ['string', 'array'],
      pattern: RETRY_ON_PATTERN,
      items: enumSchema<RetryOn>()(...RETRY_ON),
      minItems: 1,
    },
    num_retries: { type: 'integer', minimum: 0, maximum: 10 },
    per_try_timeout: duration,
    retry_back_off: objectSchema<BackOff>()({ base_interval: duration, max_interval: duration }, []),
  },
  ['retry_on'],
);

/** One `hash_policy` entry: exactly one source, plus `terminal`. */
export const hashPolicySchema: Schema = objectSchema<HashPolicyConfig>()(
  {
    header: objectSchema<NonNullable<HashPolicyConfig['header']>>()({ header_name: nonEmptyString }, ['header_name']),
    connection_properties: objectSchema<NonNullable<HashPolicyConfig['connection_properties']>>()(
      { source_ip: { type: 'boolean' } },
      ['source_ip'],
    ),
    cookie: objectSchema<NonNullable<HashPolicyConfig['cookie']>>()({ name: nonEmptyString }, ['name']),
    terminal: { type: 'boolean' },
  },
  [],
  exactlyOneOf('header', 'connection_properties', 'cookie'),
);

/** `route`: forward to a cluster (or weighted clusters) with rewrites, timeout and retries. */
export const routeActionSchema: Schema = objectSchema<RouteActionConfig>()(
  {
    cluster: nonEmptyString,
    weighted_clusters: objectSchema<WeightedClusters>()(
      {
        clusters: {
          type: 'array',
          minItems: 1,
          items: objectSchema<WeightedCluster>()(
            { name: nonEmptyString, weight: { type: 'integer', minimum: 0 } },
            ['name', 'weight'],
          ),
        },
      },
      ['clusters'],
    ),
    prefix_rewrite: { type: 'string' },
    regex_rewrite: objectSchema<RegexRewrite>()(
      { pattern: nonEmptyString, substitution: { type: 'string' } },
      ['pattern', 'substitution'],
    ),
    host_rewrite: nonEmptyString,
    timeout: duration,
    retry_policy: retryPolicySchema,
    hash_policy: { type: 'array', items: hashPolicySchema },
  },
  [],
  exactlyOneOf('cluster', 'weighted_clusters'),
);

/** `redirect`: answer with a 3xx pointing elsewhere. */
export const redirectSchema: Schema = objectSchema<RedirectConfig>()(
  {
    scheme_redirect: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*$' },
    https_redirect: { type: 'boolean' },
    host_redirect: nonEmptyString,
    port_redirect: port,
    path_redirect: absolutePath,
    prefix_rewrite: { type: 'string' },
    response_code: { enum: [301, 302, 303, 307, 308] },
    strip_query: { type: 'boolean' },
  },
  [],
);

/** `direct_response`: answer locally with a status, body and headers. */
export const directResponseSchema: Schema = objectSchema<DirectResponseConfig>()(
  { status: { type: 'integer', minimum: 200, maximum: 599 }, body: { type: 'string' }, headers: headerValueOptions },
  ['status'],
);
