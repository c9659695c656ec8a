/** Schema for the `admin` block: the admin HTTP endpoint (/ready, /stats/prometheus, ...). */
import type { AdminConfig } from '../types.js';
import { address, objectSchema, type Schema } from './common.js';

/** `admin: { address }`; `admin: {}` listens on the loopback default (filled in by the loader). */
export const adminSchema: Schema = objectSchema<Partial<AdminConfig>>()({ address }, []);
