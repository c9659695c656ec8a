/** Schema for the `admin` block: the admin HTTP endpoint (/ready, /stats/prometheus, ...). */
import type { AdminConfig } from '../types.js';
import { address, objectSchema, type Schema } from './common.js';

/** `admin: { address }`. */
export const adminSchema: Schema = objectSchema<AdminConfig>()({ address }, ['address']);
