/**
 * Errors host functions throw to unwind a guest call. The VM turns each into a failure of that
 * VM only (counted and logged with the filter and callback); none ever reaches the process.
 */

/** AssemblyScript `abort(msg, file, line, col)`. */
export class GuestAbort extends Error {
  readonly kind = 'abort' as const;
}

/** WASI proc_exit: the module asked to end; the VM fails, the process never exits. */
export class GuestExit extends Error {
  readonly kind = 'proc_exit' as const;
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
  }
}

/** A host function called where the ABI forbids it (during init or inside the allocator). */
export class RestrictedCallback extends Error {
  readonly kind = 'restricted_callback' as const;
}
