/** Schemas for route configs: virtual hosts and their ordered routes. */
import type { RouteConfig, RouteEntryConfig, RouteFilterOverride, VirtualHostConfig } from '../types.js';
import {
  exactlyOneOf,
  headerValueOptions,
  nonEmptyString,
  objectSchema,
  pluginConfiguration,
  stringList,
  type Schema,
} from './common.js';
import { directResponseSchema, redirectSchema, routeActionSchema } from './route-action.js';
import { routeMatchSchema } from './route-match.js';

/** Per-route settings for one filter of the listener's chain. */
export const routeFilterOverrideSchema: Schema = objectSchema<RouteFilterOverride>()(
  { disabled: { type: 'boolean' }, configuration: pluginConfiguration },
  [],
);

/** One route: a match and exactly one of route, redirect, direct_response. */
export const routeSchema: Schema = objectSchema<RouteEntryConfig>()(
  {
    name: nonEmptyString,
    match: routeMatchSchema,
    route: routeActionSchema,
    redirect: redirectSchema,
    direct_response: directResponseSchema,
    request_headers_to_add: headerValueOptions,
    request_headers_to_remove: stringList,
    response_headers_to_add: headerValueOptions,
    response_headers_to_remove: stringList,
    filters: { type: 'object', additionalProperties: routeFilterOverrideSchema },
  },
  ['match'],
  exactlyOneOf('route', 'redirect', 'direct_response'),
);

/** A virtual host: the domains it answers for and its routes, tried in order. */
export const virtualHostSchema: Schema = objectSchema<VirtualHostConfig>()(
  {
    name: nonEmptyString,
    domains: { type: 'array', items: nonEmptyString, minItems: 1 },
    routes: { type: 'array', items: routeSchema },
    request_headers_to_add: headerValueOptions,
    request_headers_to_remove: stringList,
    response_headers_to_add: headerValueOptions,
    response_headers_to_remove: stringList,
    filters: { type: 'object', additionalProperties: routeFilterOverrideSchema },
  },
  ['name', 'domains', 'routes'],
);

/** One entry of `route_configs`. */
export const routeConfigSchema: Schema = objectSchema<RouteConfig>()(
  { name: nonEmptyString, virtual_hosts: { type: 'array', items: virtualHostSchema } },
  ['name', 'virtual_hosts'],
);
