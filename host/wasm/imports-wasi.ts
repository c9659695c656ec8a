/**
 * A deny-by-default WASI shim, registered under both wasi_snapshot_preview1 and wasi_unstable
 * (ABI reference §7, proxy-wasm-cpp-host behaviour): stdout/stderr go to the gateway log, clocks
 * and randomness work, environ holds only the configured environment_variables, args are empty,
 * proc_exit fails the VM (the process never exits), and everything touching files, sockets or
 * the host environment returns a clean errno.
 */
import { randomFillSync } from 'node:crypto';
import { Errno } from './abi.js';
import type { HostEnv } from './context.js';
import { GuestExit } from './errors.js';

/** Every WASI function name a module may import. */
export const WASI_FUNCTIONS: ReadonlySet<string> = new Set([
  'fd_write', 'fd_read', 'fd_seek', 'fd_close', 'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times',
  'fd_pwrite', 'fd_pread', 'fd_readdir', 'fd_renumber', 'fd_sync', 'fd_datasync', 'fd_tell', 'fd_allocate',
  'fd_advise', 'path_open', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link',
  'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'environ_get',
  'environ_sizes_get', 'args_get', 'args_sizes_get', 'clock_time_get', 'clock_res_get', 'random_get',
  'sched_yield', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
]);

const isStd = (fd: number): boolean => fd === 1 || fd === 2;

/** The WASI functions for one VM (the same object serves both WASI module names). */
export function wasiImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  const environ = Object.entries(env.plugin.environment).map(([k, v]) => Buffer.from(`${k}=${v}\0`));
  const environBytes = environ.reduce((n, b) => n + b.length, 0);
  const monoBase = process.hrtime.bigint();

  const write = (fd: number, iovs: number, n: number, out: number): number => {
    if (!isStd(fd)) return Errno.Badf;
    if (!mem.ok(iovs, (n >>> 0) * 8) || !mem.ok(out, 4)) return Errno.Fault;
    const parts: Buffer[] = [];
    let total = 0;
    for (let i = 0; i < n >>> 0; i++) {
      const p = mem.u32(iovs + i * 8);
      const len = mem.u32(iovs + i * 8 + 4);
      if (!mem.ok(p, len)) return Errno.Fault;
      parts.push(mem.copy(p, len));
      total += len;
    }
    mem.setU32(out, total);
    const text = Buffer.concat(parts).toString('utf8').replace(/\n$/, '');
    if (fd === 1) env.log.info(`wasm stdout ${env.plugin.name}: ${text}`);
    else env.log.error(`wasm stderr ${env.plugin.name}: ${text}`);
    return Errno.Success;
  };

  const fns: Record<string, Function> = {
    fd_write: write,
    fd_pwrite: (fd: number, iovs: number, n: number, _off: bigint, out: number) => write(fd, iovs, n, out),
    fd_read: () => Errno.Nosys,
    fd_pread: () => Errno.Nosys,
    fd_seek: () => Errno.Success,
    fd_close: () => Errno.Success,
    fd_tell: (_fd: number, out: number) => {
      if (!mem.ok(out, 8)) return Errno.Fault;
      mem.setU64(out, 0n);
      return Errno.Success;
    },
    fd_fdstat_get(fd: number, out: number): number {
      if (!isStd(fd)) return Errno.Badf;
      if (!mem.ok(out, 24)) return Errno.Fault;
      mem.bytes().fill(0, out >>> 0, (out >>> 0) + 24);
      mem.setU64(out + 8, 64n); // fs_rights_base = FD_WRITE
      return Errno.Success;
    },
    fd_fdstat_set_flags: () => Errno.Nosys,
    fd_prestat_get: () => Errno.Badf, // no preopened directories
    fd_prestat_dir_name: () => Errno.Nosys,
    fd_filestat_get: () => Errno.Badf,
    fd_readdir: (_fd: number, _b: number, _l: number, _c: bigint, out: number) => {
      if (mem.ok(out, 4)) mem.setU32(out, 0);
      return Errno.Notdir;
    },
    fd_renumber: () => Errno.Notsup,
    fd_advise: () => Errno.Success,
    path_open: () => Errno.Noent,
    environ_sizes_get(countOut: number, sizeOut: number): number {
      if (!mem.ok(countOut, 4) || !mem.ok(sizeOut, 4)) return Errno.Fault;
      mem.setU32(countOut, environ.length);
      mem.setU32(sizeOut, environBytes);
      return Errno.Success;
    },
    environ_get(ptrs: number, buf: number): number {
      if (!mem.ok(ptrs, environ.length * 4) || !mem.ok(buf, environBytes)) return Errno.Fault;
      let at = buf >>> 0;
      environ.forEach((e, i) => {
        mem.setU32(ptrs + i * 4, at);
        mem.bytes().set(e, at);
        at += e.length;
      });
      return Errno.Success;
    },
    args_sizes_get(countOut: number, sizeOut: number): number {
      if (!mem.ok(countOut, 4) || !mem.ok(sizeOut, 4)) return Errno.Fault;
      mem.setU32(countOut, 0);
      mem.setU32(sizeOut, 0);
      return Errno.Success;
    },
    args_get: () => Errno.Success,
    clock_time_get(id: number, _precision: bigint, out: number): number {
      if (!mem.ok(out, 8)) return Errno.Fault;
      if (id === 0) mem.setU64(out, env.services.nowNs());
      else if (id === 1) mem.setU64(out, process.hrtime.bigint() - monoBase);
      else return Errno.Notsup;
      return Errno.Success;
    },
    clock_res_get(id: number, out: number): number {
      if (id !== 0 && id !== 1) return Errno.Notsup;
      if (!mem.ok(out, 8)) return Errno.Fault;
      mem.setU64(out, 1n);
      return Errno.Success;
    },
    random_get(p: number, n: number): number {
      if ((n >>> 0) > 65536) return Errno.Inval;
      if (!mem.ok(p, n)) return Errno.Fault;
      randomFillSync(mem.view(p, n));
      return Errno.Success;
    },
    sched_yield: () => Errno.Success,
    poll_oneoff(_in: number, _out: number, _n: number, nevents: number): number {
      if (!mem.ok(nevents, 4)) return Errno.Fault;
      mem.setU32(nevents, 0);
      return Errno.Success;
    },
    proc_exit(code: number): never {
      throw new GuestExit(code >>> 0);
    },
  };
  for (const name of WASI_FUNCTIONS) {
    if (fns[name]) continue;
    // The rest: harmless no-ops on stdout/stderr, "not capable" for anything else.
    fns[name] = name.startsWith('fd_') ? (fd: number) => (isStd(fd) ? Errno.Success : Errno.Badf) : () => Errno.Notsup;
  }
  return fns;
}
