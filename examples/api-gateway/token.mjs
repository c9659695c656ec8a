#!/usr/bin/env node
// Mints a demo HS256 JWT for the API-gateway example, signed with the jwt-auth secret in
// sluice.yaml (read from the file, so the two cannot drift apart).
//
//   node examples/api-gateway/token.mjs                  # sub=alice, valid for 1 hour
//   node examples/api-gateway/token.mjs bob 300          # sub=bob, valid for 300 s
//
// Run it from anywhere inside the repo after `npm install` (it uses the repo's `yaml`).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The jwt-auth filter's configuration in sluice.yaml: the first key's kid and secret, the issuer
 * and audience the filter demands.
 * @param {string} [file]
 */
export function demoJwtSettings(file = join(here, 'sluice.yaml')) {
  const config = parse(readFileSync(file, 'utf8'));
  const filter = config.listeners.flatMap((l) => l.http_filters ?? []).find((f) => f.wasm.root_id === 'jwt-auth');
  if (!filter) throw new Error(`${file}: no jwt-auth filter`);
  const c = filter.wasm.configuration;
  return { kid: c.keys[0].kid, secret: c.keys[0].secret, issuer: c.issuer, audience: c.audience };
}

/**
 * Signs an HS256 JWT.
 * @param {{ secret: string, kid?: string, claims: Record<string, unknown> }} opts
 * @returns {string}
 */
export function signHs256({ secret, kid, claims }) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * A token the example gateway accepts: issuer, audience and key from sluice.yaml.
 * @param {{ sub?: string, scope?: string, ttlSeconds?: number, file?: string }} [opts]
 */
export function mintDemoToken(opts = {}) {
  const s = demoJwtSettings(opts.file);
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: s.issuer, aud: s.audience, sub: opts.sub ?? 'alice', scope: opts.scope ?? 'catalog:read orders:write', iat: now, exp: now + (opts.ttlSeconds ?? 3600) };
  return signHs256({ secret: s.secret, kid: s.kid, claims });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [sub, ttl] = process.argv.slice(2);
  console.log(mintDemoToken({ sub, ttlSeconds: ttl === undefined ? undefined : Number(ttl) }));
}
