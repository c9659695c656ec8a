/**
 * What config a worker runs, and the numbers the supervisor derives from it.
 *
 * The primary sends its already-validated config to each worker over IPC rather than a file path
 * for the worker to load: a worker restarted an hour later must run the same config as its
 * siblings, not whatever the file holds now (an edited file that was never reloaded, or a broken
 * one, would make the restarted worker differ or crash-loop).
 */
import { availableParallelism } from 'node:os';
import type { LoadedConfig } from '../config/load.js';
import { durationMs } from '../config/duration.js';
import type { SluiceConfig } from '../config/types.js';

/** Listener drain_timeout default (config/types.ts). */
const DEFAULT_DRAIN_TIMEOUT_MS = 15_000;

/** LoadedConfig as it crosses IPC (JSON: loadedAt becomes a string). */
interface WireLoadedConfig {
  config: SluiceConfig;
  file: string | undefined;
  baseDir: string;
  hash: string;
  loadedAt: string;
}

/**
 * How many workers `config` asks for. Absent means one per core (what the machine lets this
 * process use), as nginx's `worker_processes auto`; 1 runs in-process, without a fork.
 */
export function configuredWorkers(config: SluiceConfig, cores: number = availableParallelism()): number {
  const n = config.workers;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1) return n;
  return Math.max(1, Math.min(cores, 256));
}

/**
 * The config a worker runs: a copy without `admin`, because with several workers the admin
 * server runs once, in the primary, and Gateway.start starts one whenever config.admin is set.
 * The copy is deep-frozen like the original (nothing downstream may change config).
 */
export function workerLoadedConfig(loaded: LoadedConfig): WireLoadedConfig {
  const { admin: _admin, ...rest } = loaded.config;
  return {
    config: structuredClone(rest) as SluiceConfig,
    file: loaded.file,
    baseDir: loaded.baseDir,
    // The hash stays the operator's config's hash: it identifies the version, not the copy.
    hash: loaded.hash,
    loadedAt: loaded.loadedAt.toISOString(),
  };
}

/** Rebuilds a LoadedConfig from its IPC form; undefined when `m` is not one. */
export function loadedConfigFromWire(m: unknown): LoadedConfig | undefined {
  const w = m as Partial<WireLoadedConfig> | null;
  if (typeof w !== 'object' || w === null) return undefined;
  if (typeof w.config !== 'object' || w.config === null || typeof w.baseDir !== 'string' || typeof w.hash !== 'string') {
    return undefined;
  }
  return {
    config: deepFreeze(w.config),
    file: typeof w.file === 'string' ? w.file : undefined,
    baseDir: w.baseDir,
    hash: w.hash,
    loadedAt: new Date(typeof w.loadedAt === 'string' ? w.loadedAt : Date.now()),
  };
}

/** The longest drain_timeout of any listener: how long a graceful stop may take. */
export function drainTimeoutMs(config: SluiceConfig): number {
  let max = 0;
  for (const l of config.listeners) max = Math.max(max, durationMs(l.drain_timeout, DEFAULT_DRAIN_TIMEOUT_MS));
  return config.listeners.length > 0 ? max : DEFAULT_DRAIN_TIMEOUT_MS;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
