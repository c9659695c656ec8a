/** The root config schema, assembled from the per-component schemas. */
import type { SluiceConfig } from '../types.js';
import { accessLogSchema } from './access-log.js';
import { adminSchema } from './admin.js';
import { clusterSchema } from './cluster.js';
import { objectSchema, positiveInt, type Schema } from './common.js';
import { listenerSchema } from './listener.js';
import { routeConfigSchema } from './route-config.js';

/** The whole config file. */
export const rootSchema: Schema = objectSchema<SluiceConfig>()(
  {
    admin: adminSchema,
    workers: { ...positiveInt, maximum: 256 },
    access_log: accessLogSchema,
    listeners: { type: 'array', items: listenerSchema },
    route_configs: { type: 'array', items: routeConfigSchema },
    clusters: { type: 'array', items: clusterSchema },
  },
  ['listeners'],
);
