// The host side of jwt-auth's RS256 / ES256: the `sluice.crypto.verify` foreign function
// (host/wasm/foreign-crypto.ts) and the proxy_call_foreign_function import that dispatches to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { WasmResult } from '../../host/wasm/abi.js';
import { CRYPTO_VERIFY, createCryptoVerify, encodeVerifyArgs } from '../../host/wasm/foreign-crypto.js';
import { createForeignFunctions, foreignFunctionImport } from '../../host/wasm/foreign-functions.js';
import { GuestMemory } from '../../host/wasm/memory.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const DATA = Buffer.from('header.payload');
const rsaSig = sign('sha256', DATA, rsa.privateKey);
const ecSig = sign('sha256', DATA, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;

const verdict = (r: Uint8Array | WasmResult): number | string => (typeof r === 'number' ? `status ${r}` : r[0]!);

test('crypto.verify: RS256 with a PEM key, valid and tampered', () => {
  const verify = createCryptoVerify();
  assert.equal(verdict(verify(encodeVerifyArgs('RS256', rsaPem, DATA, rsaSig))), 1);
  assert.equal(verdict(verify(encodeVerifyArgs('RS256', rsaPem, Buffer.from('header.other'), rsaSig))), 0);
});

test('crypto.verify: ES256 with a JWK key, valid and tampered', () => {
  const verify = createCryptoVerify();
  const jwk = JSON.stringify(ec.publicKey.export({ format: 'jwk' }));
  assert.equal(verdict(verify(encodeVerifyArgs('ES256', jwk, DATA, ecSig))), 1);
  const bad = Buffer.from(ecSig);
  bad[10]! ^= 1;
  assert.equal(verdict(verify(encodeVerifyArgs('ES256', ecPem, DATA, bad))), 0);
});

test('crypto.verify: a key of the wrong type for alg is a ParseFailure, not a verdict', () => {
  const verify = createCryptoVerify();
  assert.equal(verdict(verify(encodeVerifyArgs('ES256', rsaPem, DATA, ecSig))), `status ${WasmResult.ParseFailure}`);
  assert.equal(verdict(verify(encodeVerifyArgs('RS256', 'not a key', DATA, rsaSig))), `status ${WasmResult.ParseFailure}`);
});

test('crypto.verify: malformed arguments and unknown algorithms are BadArgument', () => {
  const verify = createCryptoVerify();
  assert.equal(verdict(verify(Buffer.from([1, 2, 3]))), `status ${WasmResult.BadArgument}`);
  assert.equal(verdict(verify(encodeVerifyArgs('HS256', rsaPem, DATA, rsaSig))), `status ${WasmResult.BadArgument}`);
  const trailing = Buffer.concat([encodeVerifyArgs('RS256', rsaPem, DATA, rsaSig), Buffer.from([0])]);
  assert.equal(verdict(verify(trailing)), `status ${WasmResult.BadArgument}`);
});

test('crypto.verify: a garbage signature is invalid, not an exception', () => {
  const verify = createCryptoVerify();
  assert.equal(verdict(verify(encodeVerifyArgs('RS256', rsaPem, DATA, Buffer.from('short')))), 0);
  assert.equal(verdict(verify(encodeVerifyArgs('ES256', ecPem, DATA, Buffer.alloc(63)))), 0);
});

/** A guest memory with a bump allocator, as a VM would give the import. */
function guest(): { mem: GuestMemory; write(b: Uint8Array): number; read(ptr: number, len: number): Buffer } {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const mem = new GuestMemory();
  mem.attach(memory);
  let next = 1024;
  const alloc = (n: number): number => {
    const at = next;
    next += (n + 7) & ~7;
    return at;
  };
  mem.alloc = alloc;
  return {
    mem,
    write: (b) => {
      const at = alloc(b.length);
      new Uint8Array(memory.buffer).set(b, at);
      return at;
    },
    read: (ptr, len) => Buffer.from(new Uint8Array(memory.buffer, ptr, len)),
  };
}

test('proxy_call_foreign_function import: dispatches by name and hands the result to the guest', () => {
  const g = guest();
  const call = foreignFunctionImport(g.mem, createForeignFunctions());
  const name = Buffer.from(CRYPTO_VERIFY);
  const args = encodeVerifyArgs('RS256', rsaPem, DATA, rsaSig);
  const namePtr = g.write(name);
  const argsPtr = g.write(args);
  const out = g.write(new Uint8Array(8));
  assert.equal(call(namePtr, name.length, argsPtr, args.length, out, out + 4), WasmResult.Ok);
  const o = g.read(out, 8);
  assert.equal(o.readUInt32LE(4), 1);
  assert.equal(g.read(o.readUInt32LE(0), 1)[0], 1);
});

test('proxy_call_foreign_function import: an unknown name is NotFound, bad memory InvalidMemoryAccess', () => {
  const g = guest();
  const call = foreignFunctionImport(g.mem, createForeignFunctions());
  const name = Buffer.from('envoy.compress');
  const namePtr = g.write(name);
  assert.equal(call(namePtr, name.length, 0, 0, 0, 0), WasmResult.NotFound);
  assert.equal(call(0x7fff_0000, 16, 0, 0, 0, 0), WasmResult.InvalidMemoryAccess);
});
