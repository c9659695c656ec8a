/** Schema for `access_log`, used at the top level (the default) and per listener. */
import type { AccessLogConfig } from '../types.js';
import { nonEmptyString, objectSchema, type Schema } from './common.js';

/** `access_log: { path, disabled? }`; path is "stdout", "stderr" or a file path. */
export const accessLogSchema: Schema = objectSchema<AccessLogConfig>()(
  { path: nonEmptyString, disabled: { type: 'boolean' } },
  ['path'],
);
