/**
 * One version of a filter's wasm module: compiled once (instrumented, memory-capped), with what
 * the admin API shows about it. Versions are immutable; a filter slot points at its current and
 * previous version, and chains are built from a version.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { compileModule } from '../wasm/plugin.js';
import type { CompiledModule } from '../wasm/vm.js';

/** A compiled module version of one filter. */
export interface ModuleVersion {
  /** Unique per process: two uploads of the same bytes are two versions. */
  readonly serial: number;
  readonly compiled: CompiledModule;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly loadedAt: Date;
  /** Where it came from: the file in the config, or an upload through the admin API. */
  readonly source: 'file' | 'admin';
  /** Milliseconds spent validating, instrumenting and compiling. */
  readonly compileMs: number;
}

/** Hands out version serials (one per registry, no module-level state). */
export class VersionCounter {
  private next = 1;

  take(): number {
    return this.next++;
  }
}

/** Compiles `bytes` into a version. Throws `compile failed: <reason>` (no ABI marker included). */
export async function compileVersion(bytes: Uint8Array, memoryLimitBytes: number, source: 'file' | 'admin',
  serials: VersionCounter): Promise<ModuleVersion> {
  const t0 = performance.now();
  let compiled: CompiledModule;
  try {
    compiled = await compileModule(bytes, memoryLimitBytes);
  } catch (err) {
    throw new Error(`compile failed: ${(err as Error).message}`);
  }
  return {
    serial: serials.take(),
    compiled,
    sha256: sha256(bytes),
    sizeBytes: bytes.byteLength,
    loadedAt: new Date(),
    source,
    compileMs: performance.now() - t0,
  };
}

/** Reads and compiles a module file. Throws `cannot read <file>: …` or `compile failed: …`. */
export async function compileFile(file: string, memoryLimitBytes: number, serials: VersionCounter): Promise<ModuleVersion> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return compileVersion(bytes, memoryLimitBytes, 'file', serials);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What GET /filters shows of a version. */
export function describeVersion(v: ModuleVersion): Record<string, unknown> {
  return {
    sha256: v.sha256,
    abi_version: v.compiled.shape.abi,
    size_bytes: v.sizeBytes,
    loaded_at: v.loadedAt.toISOString(),
    source: v.source,
  };
}
