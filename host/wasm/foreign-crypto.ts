/**
 * `sluice.crypto.verify`: signature verification for filters, on node:crypto, reached through
 * proxy_call_foreign_function. The jwt-auth filter uses it for RS256 and ES256 (HMAC it does
 * itself). Keys are parsed once and cached by their bytes; bad input becomes a status, never an
 * exception.
 *
 * Arguments: four fields, each a u32 little-endian byte length followed by that many bytes:
 *   alg        "RS256" | "RS384" | "RS512" | "PS256" | "ES256" | "ES384"
 *   key        public key as PEM text (SPKI or PKCS#1) or as a JWK (JSON object text)
 *   data       the signed bytes
 *   signature  JOSE form (ECDSA: r ‖ s, IEEE P1363)
 * Result: one byte, 1 = valid, 0 = invalid. Status BadArgument for malformed arguments or an
 * unknown alg, ParseFailure for a key node cannot read or of the wrong type for alg.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { WasmResult } from './abi.js';

/** A foreign function: argument bytes in, result bytes (or a failure status) out. */
export type ForeignFunction = (args: Buffer) => Uint8Array | WasmResult;

/** The name filters call. */
export const CRYPTO_VERIFY = 'sluice.crypto.verify';

interface AlgSpec {
  hash: string;
  keyType: 'rsa' | 'ec';
  /** Named curve an EC key must use. */
  curve?: string;
  /** RSA-PSS instead of PKCS#1 v1.5. */
  pss?: boolean;
  /** Fixed ECDSA signature length (r ‖ s). */
  sigLen?: number;
}

const ALGS: Readonly<Record<string, AlgSpec>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1', sigLen: 64 },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1', sigLen: 96 },
};

/** The one-byte result (a fresh array: callers may keep or change it). */
const verdict = (ok: boolean): Uint8Array => Uint8Array.of(ok ? 1 : 0);

/** Splits the four length-prefixed fields; undefined when the layout is wrong. */
export function decodeVerifyArgs(args: Buffer): [string, Buffer, Buffer, Buffer] | undefined {
  const fields: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    if (at + 4 > args.length) return undefined;
    const len = args.readUInt32LE(at);
    at += 4;
    if (at + len > args.length) return undefined;
    fields.push(args.subarray(at, at + len));
    at += len;
  }
  if (at !== args.length) return undefined;
  return [fields[0]!.toString('latin1'), fields[1]!, fields[2]!, fields[3]!];
}

/** Encodes arguments the way a filter does (tests and other TypeScript callers). */
export function encodeVerifyArgs(alg: string, key: string | Uint8Array, data: Uint8Array, signature: Uint8Array): Buffer {
  const parts = [Buffer.from(alg, 'latin1'), typeof key === 'string' ? Buffer.from(key) : Buffer.from(key),
    Buffer.from(data), Buffer.from(signature)];
  const out = Buffer.allocUnsafe(16 + parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.length, at);
    p.copy(out, at + 4);
    at += 4 + p.length;
  }
  return out;
}

function parseKey(text: string): KeyObject | undefined {
  try {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) return createPublicKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' });
    return createPublicKey(trimmed);
  } catch {
    return undefined;
  }
}

function fits(key: KeyObject, spec: AlgSpec): boolean {
  if (key.asymmetricKeyType !== spec.keyType) return false;
  return spec.curve === undefined || key.asymmetricKeyDetails?.namedCurve === spec.curve;
}

/** Options of the verify function. */
export interface CryptoVerifyOptions {
  /** Parsed keys kept (oldest dropped first). Default 64: configured keys are few and fixed. */
  cacheSize?: number;
}

/**
 * Creates the verify function with its own key cache (one per VM or per plugin: whoever builds
 * the foreign-function table decides; nothing is module-global).
 */
export function createCryptoVerify(opts: CryptoVerifyOptions = {}): ForeignFunction {
  const cacheSize = Math.max(1, opts.cacheSize ?? 64);
  // Key text → parsed key, or null when node:crypto could not read it (so it is not retried).
  const cache = new Map<string, KeyObject | null>();
  const keyFor = (bytes: Buffer): KeyObject | null => {
    const text = bytes.toString('utf8');
    let key = cache.get(text);
    if (key !== undefined) return key;
    key = parseKey(text) ?? null;
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(text, key);
    return key;
  };
  return (args: Buffer): Uint8Array | WasmResult => {
    const fields = decodeVerifyArgs(args);
    if (!fields) return WasmResult.BadArgument;
    const [alg, keyBytes, data, signature] = fields;
    const spec = ALGS[alg];
    if (!spec) return WasmResult.BadArgument;
    const key = keyFor(keyBytes);
    if (!key || !fits(key, spec)) return WasmResult.ParseFailure;
    if (spec.sigLen !== undefined && signature.length !== spec.sigLen) return verdict(false);
    try {
      const ok = spec.keyType === 'ec'
        ? verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : verify(spec.hash, data, spec.pss
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : key, signature);
      return verdict(ok);
    } catch {
      // node:crypto throws on signatures it cannot even parse: that is an invalid signature.
      return verdict(false);
    }
  };
}
