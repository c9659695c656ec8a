/** Schemas for upstream clusters and their endpoints. */
import type { ClusterConfig, ClusterTlsConfig, EndpointConfig, LbPolicy } from '../types.js';
import { address, duration, enumSchema, nonEmptyString, objectSchema, positiveInt, type Schema } from './common.js';

type RingHash = NonNullable<ClusterConfig['ring_hash']>;
type Maglev = NonNullable<ClusterConfig['maglev']>;

/** One upstream endpoint. */
export const endpointSchema: Schema = objectSchema<EndpointConfig>()(
  { address, weight: positiveInt },
  ['address'],
);

/** Upstream TLS of a cluster. */
export const clusterTlsSchema: Schema = objectSchema<ClusterTlsConfig>()(
  {
    sni: nonEmptyString,
    ca_file: nonEmptyString,
    verify: { type: 'boolean' },
    cert_file: nonEmptyString,
    key_file: nonEmptyString,
    alpn: { type: 'array', items: { enum: ['h2', 'http/1.1'] }, minItems: 1, uniqueItems: true },
  },
  [],
);

/** One entry of `clusters`. */
export const clusterSchema: Schema = objectSchema<ClusterConfig>()(
  {
    name: nonEmptyString,
    lb_policy: enumSchema<LbPolicy>()('round_robin', 'least_request', 'random', 'ring_hash', 'maglev'),
    endpoints: { type: 'array', items: endpointSchema, minItems: 1 },
    connect_timeout: duration,
    dns_refresh_rate: duration,
    protocol: enumSchema<NonNullable<ClusterConfig['protocol']>>()('http1', 'http2'),
    max_connections_per_endpoint: positiveInt,
    keep_alive_timeout: duration,
    ring_hash: objectSchema<RingHash>()(
      { minimum_ring_size: positiveInt, maximum_ring_size: positiveInt },
      [],
    ),
    // Maglev needs a prime table size; primality is a semantic check.
    maglev: objectSchema<Maglev>()({ table_size: positiveInt }, []),
    tls: clusterTlsSchema,
    websocket_idle_timeout: duration,
  },
  ['name', 'endpoints'],
);
