/**
 * Shared data (CAS key/value) and shared queues (ABI reference §3.6), keyed by the VM's vm_id in
 * the per-worker SharedStore.
 */
import { WasmResult } from './abi.js';
import type { HostEnv } from './context.js';

/** Shared data and shared queue host functions of one VM. */
export function sharedImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  const store = env.services.shared;
  const vmId = env.plugin.vmId;
  return {
    proxy_get_shared_data(kp: number, kn: number, out: number, outLen: number, casOut: number): number {
      if (!mem.ok(kp, kn) || !mem.ok(out, 4) || !mem.ok(outLen, 4) || !mem.ok(casOut, 4)) return WasmResult.InvalidMemoryAccess;
      const e = store.get(vmId, mem.utf8(kp, kn));
      if (!e) return WasmResult.NotFound;
      if (!mem.giveBytes(out, outLen, e.value)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(casOut, e.cas);
      return WasmResult.Ok;
    },
    proxy_set_shared_data(kp: number, kn: number, vp: number, vn: number, cas: number): number {
      if (!mem.ok(kp, kn) || !mem.ok(vp, vn)) return WasmResult.InvalidMemoryAccess;
      const ok = store.set(vmId, mem.utf8(kp, kn), mem.copy(vp, vn), cas >>> 0);
      return ok ? WasmResult.Ok : WasmResult.CasMismatch;
    },
    proxy_register_shared_queue(np: number, nn: number, idOut: number): number {
      if (!mem.ok(np, nn) || !mem.ok(idOut, 4)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(idOut, store.registerQueue(vmId, mem.utf8(np, nn), env.ops.queueReady));
      return WasmResult.Ok;
    },
    proxy_resolve_shared_queue(vp: number, vn: number, np: number, nn: number, idOut: number): number {
      if (!mem.ok(vp, vn) || !mem.ok(np, nn) || !mem.ok(idOut, 4)) return WasmResult.InvalidMemoryAccess;
      const target = (vn >>> 0) === 0 ? vmId : mem.utf8(vp, vn);
      const id = store.resolveQueue(target, mem.utf8(np, nn));
      if (id === undefined) return WasmResult.NotFound;
      mem.setU32(idOut, id);
      return WasmResult.Ok;
    },
    proxy_enqueue_shared_queue(id: number, vp: number, vn: number): number {
      if (!mem.ok(vp, vn)) return WasmResult.InvalidMemoryAccess;
      return store.enqueue(id >>> 0, mem.copy(vp, vn)) ? WasmResult.Ok : WasmResult.NotFound;
    },
    proxy_dequeue_shared_queue(id: number, out: number, outLen: number): number {
      if (!mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const v = store.dequeue(id >>> 0);
      if (v === undefined) return WasmResult.NotFound;
      if (v === null) return WasmResult.Empty;
      return mem.giveBytes(out, outLen, v) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}

/** proxy_define_metric and friends, backed by the filter's FilterMetrics. */
export function metricImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  const metrics = env.services.metrics;
  return {
    proxy_define_metric(type: number, np: number, nn: number, idOut: number): number {
      if (type < 0 || type > 2) return WasmResult.BadArgument;
      if (!mem.ok(np, nn) || !mem.ok(idOut, 4)) return WasmResult.InvalidMemoryAccess;
      const id = metrics.define(type, mem.utf8(np, nn));
      if (id === undefined) return WasmResult.BadArgument;
      mem.setU32(idOut, id);
      return WasmResult.Ok;
    },
    proxy_increment_metric(id: number, delta: bigint): number {
      return metrics.increment(id >>> 0, Number(delta));
    },
    proxy_record_metric(id: number, value: bigint): number {
      return metrics.record(id >>> 0, Number(BigInt.asUintN(64, value)));
    },
    proxy_get_metric(id: number, out: number): number {
      if (!mem.ok(out, 8)) return WasmResult.InvalidMemoryAccess;
      const [status, value] = metrics.get(id >>> 0);
      if (status !== WasmResult.Ok) return status;
      mem.setU64(out, BigInt(Math.trunc(value)));
      return WasmResult.Ok;
    },
  };
}
